// Entry point: x25519-xchacha packets on raw bytes, with the golden
// transcript's epoch-0 keys (the seeds are its packets from the
// initiator): a stream reader, and a datagram reader taking the input as
// datagrams of `length (1) | bytes` each.
#include "tests/support/hex.hpp"
#include "tests/support/preset_key_agreement.hpp"
#include "variants/x25519_xchacha/config.hpp"

namespace {
using namespace polywire;
namespace xx = variants::x25519_xchacha;
using preset = test::preset_key_agreement<xx::secrets>;
using stream_reader = transport::with_policy<xx::config, transport::role::key_agreement, preset>;
using datagram_reader = transport::with_policy<xx::config_udp, transport::role::key_agreement, preset>;

template <class Config>
typename transport::session<Config>::options options() {
    typename transport::session<Config>::options o;
    auto& s = o.handshake.secrets_for_testing_only;
    s.initiator_key = secret<32>(test::h("5a1dcfea305a6423332b3686a4856b8c43a2d328b93b86249d6e8b35fc579c3b"));
    s.responder_key = secret<32>(test::h("286115aea304b370841aa624df5c47d621a3b82c4cc60cf030e713bace3a0bae"));
    s.chaining_key = secret<32>(test::h("12dc826d7d4f25a4d71d8e080440893e534260513b5e49be81d4c110074c91e6"));
    s.initiator_sid.fill(0xa5);
    s.responder_sid.fill(0xb5);
    s.initiator = false;  // the reader is the responder
    o.protocol.rekey_interval = transport::duration{0};
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
    {
        transport::session<stream_reader> r(policies::handshake_role::recipient, options<stream_reader>());
        (void)r.start({});
        (void)r.receive(byte_view(data, size), {});
        drain(r);
    }
    {
        transport::session<datagram_reader> r(policies::handshake_role::recipient, options<datagram_reader>());
        (void)r.start({});
        std::size_t at = 0;
        while (at < size && r.state() != transport::session_state::closed) {
            const std::size_t n = std::min<std::size_t>(data[at], size - at - 1);
            (void)r.receive_datagram(byte_view(data + at + 1, n), {});
            drain(r);
            at += 1 + n;
        }
    }
    return 0;
}
