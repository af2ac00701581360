// Entry point: the p2p decoders on their own (Hello, Disconnect in both
// compression modes, capability strings, enode URLs, RLP).
#include <string_view>

#include "rlpx/enode.hpp"
#include "rlpx/p2p/capabilities.hpp"
#include "rlpx/p2p/disconnect.hpp"
#include "rlpx/p2p/hello.hpp"
#include "rlpx/rlp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    const byte_view in(data, size);
    if (auto h = rlpx::p2p::decode_hello(in)) {
        auto again = rlpx::p2p::decode_hello(rlpx::p2p::encode(h.value()));
        if (!again) __builtin_trap();  // what we decode, we must encode back readably
    }
    (void)rlpx::p2p::decode_disconnect(in, true);
    (void)rlpx::p2p::decode_disconnect(in, false);
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)rlpx::p2p::parse_capability(text);
    if (auto e = rlpx::parse_enode(text)) {
        if (!rlpx::parse_enode(rlpx::to_string(e.value()))) __builtin_trap();
    }
    rlpx::rlp::list_reader r(in);
    for (int i = 0; i < 64 && !r.empty(); ++i)
        if (!r.next()) break;
    return 0;
}
