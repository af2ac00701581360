// Entry point: the BOLT 8 packet reader on raw bytes, with Appendix A's
// transport keys (the seeds are its message outputs 0 and 1).
#include "tests/support/hex.hpp"
#include "tests/support/preset_key_agreement.hpp"
#include "variants/noise_xk/config.hpp"

namespace {
using namespace polywire;
using reader_config = transport::with_policy<variants::noise_xk::config, transport::role::key_agreement,
                                             test::preset_key_agreement<variants::noise_xk::secrets>>;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    transport::session<reader_config>::options o;
    auto& s = o.handshake.secrets_for_testing_only;
    s.final_chaining_key = secret<32>(test::h("919219dbb2920afa8db80f9a51787a840bcf111ed8d588caf9ab4be716e42b01"));
    // The reader is the responder: its receiving key is the initiator's sk.
    s.role = policies::handshake_role::recipient;
    s.initiator_key = secret<32>(test::h("969ab31b4d288cedf6218839b27a3e2140827047f2c0f01bf5c04435d43511a9"));
    s.responder_key = secret<32>(test::h("bb9020b8965f4df047e07f955f3c4b88418984aadc5cdb35096b9ea8fa5c3442"));
    o.limits.max_input_buffer = 1 << 20;
    transport::session<reader_config> reader(policies::handshake_role::recipient, std::move(o));
    (void)reader.start({});
    (void)reader.receive(byte_view(data, size), {});
    while (auto e = reader.next_event()) {
        volatile std::size_t n = e->payload.size();
        (void)n;
    }
    return 0;
}
