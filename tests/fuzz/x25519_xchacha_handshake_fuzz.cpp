// Entry point: the x25519-xchacha handshake on raw bytes — a responder
// reading them as HELLO then PROOF, and an initiator (after its HELLO)
// reading them as REPLY then FINISHED, over a stream and as one datagram
// (the seeds are the golden transcript's messages).
#include "tests/support/hex.hpp"
#include "tests/support/replay_random.hpp"
#include "variants/x25519_xchacha/config.hpp"

namespace {
using namespace polywire;
namespace xx = variants::x25519_xchacha;

template <class Session>
typename Session::options options(std::uint8_t seed, std::uint8_t eph) {
    typename Session::options o;
    o.handshake.identity = crypto::ed25519::private_key::from_seed(bytes(32, seed)).value();
    // A fixed ephemeral key and session id, both filled with `eph`.
    o.random = test::replay(bytes(32 + sizeof(xx::session_id), eph));
    o.limits.max_input_buffer = 1 << 20;
    return o;
}

template <class Session>
void drain(Session& s) {
    while (auto e = s.next_event()) {
        volatile std::size_t n = e->payload.size();
        (void)n;
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const byte_view in(data, size);
    {
        xx::session r(policies::handshake_role::recipient, options<xx::session>(0x22, 0xb1));
        (void)r.start({});
        (void)r.receive(in, {});
        drain(r);
        xx::session i(policies::handshake_role::initiator, options<xx::session>(0x11, 0xa1));
        (void)i.start({});
        (void)i.receive(in, {});
        drain(i);
    }
    {
        xx::udp_session r(policies::handshake_role::recipient, options<xx::udp_session>(0x22, 0xb1));
        (void)r.start({});
        (void)r.receive_datagram(in, {});
        drain(r);
        xx::udp_session i(policies::handshake_role::initiator, options<xx::udp_session>(0x11, 0xa1));
        (void)i.start({});
        (void)i.receive_datagram(in, {});
        drain(i);
    }
    return 0;
}
