// Entry point: BOLT 8's act readers. The first input byte picks the role:
// even = responder (reads act one, then act three), odd = initiator (reads
// act two). Keys are Appendix A's, so the seeds follow the success path.
#include "tests/support/hex.hpp"
#include "tests/support/replay_random.hpp"
#include "variants/noise_xk/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    namespace k1 = crypto::secp256k1;
    if (size == 0) return 0;
    static const auto ls_i = k1::parse_private_key(bytes(32, 0x11)).value();
    static const auto e_i = k1::parse_private_key(bytes(32, 0x12)).value();
    static const auto ls_r = k1::parse_private_key(bytes(32, 0x21)).value();
    static const auto e_r = k1::parse_private_key(bytes(32, 0x22)).value();
    variants::noise_xk::handshake::options o;
    const bool initiator = data[0] & 1;
    o.static_key = initiator ? ls_i : ls_r;
    if (initiator) o.remote_static = k1::derive_compressed_public_key(ls_r).value();
    variants::noise_xk::handshake h(initiator ? policies::handshake_role::initiator : policies::handshake_role::recipient, o,
                                             {.random = test::replay((initiator ? e_i : e_r).view())});
    bytes out;
    (void)h.start(out);
    byte_view in(data + 1, size - 1);
    for (int i = 0; i < 3 && !in.empty(); ++i) {
        auto r = h.consume(in, out);
        if (!r || r.value().done || r.value().consumed == 0) break;
        in = in.subspan(r.value().consumed);
    }
    return 0;
}
