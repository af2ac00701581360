// Entry point: libp2p's Noise handshake reading the peer's messages (the
// payload protobuf, its signature and peer id inside). The first input
// byte picks the role: odd = initiator (reads message 2), even = responder
// (reads message 1, then message 3). Keys are fixed (libp2p_noise_harness.hpp),
// so the seeds follow the success path.
#include "tests/fuzz/libp2p_noise_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    if (size == 0) return 0;
    auto h = fuzz::libp2p_handshake(data[0] & 1);
    bytes out;
    (void)h.start(out);
    byte_view in(data + 1, size - 1);
    for (int i = 0; i < 3 && !in.empty(); ++i) {
        auto r = h.consume(in, out);
        if (!r || r.value().consumed == 0) break;
        if (r.value().done) {
            auto s = h.take_secrets();
            volatile std::size_t n = s.remote_id.stream_muxers.size();
            (void)n;
            break;
        }
        in = in.subspan(r.value().consumed);
    }
    return 0;
}
