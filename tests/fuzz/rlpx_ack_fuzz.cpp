// Entry point: the initiator's handshake reader (ack, legacy and EIP-8).
#include "rlpx/handshake.hpp"
#include "tests/fuzz/rlpx_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    rlpx::handshake::options o;
    o.static_key = fuzz::local_key();
    o.remote_id = crypto::secp256k1::derive_public_key(fuzz::peer_key()).value();
    rlpx::handshake h(policies::handshake_role::initiator, o);
    bytes out;
    (void)h.start(out);
    (void)h.consume(byte_view(data, size), out);
    return 0;
}
