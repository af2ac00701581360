// Entry point: the recipient's handshake reader (auth, legacy and EIP-8).
#include "rlpx/handshake.hpp"
#include "tests/fuzz/rlpx_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    rlpx::handshake::options o;
    o.static_key = fuzz::local_key();
    rlpx::handshake h(policies::handshake_role::recipient, o);
    bytes out;
    (void)h.start(out);
    byte_view in(data, size);
    // Deliver in two pieces to exercise the need-more path as well.
    const std::size_t split = size / 2;
    auto r = h.consume(in.first(split), out);
    if (r && !r.value().done) (void)h.consume(in.subspan(r.value().consumed), out);
    return 0;
}
