// Entry point: the sha256-per-side handshake as each side sees it — the
// peer's 33-byte session key, then its Authenticate packet (sealed with the
// keys that session key gives) and whatever follows. The first input byte
// picks the reader: even = the recipient (node B of the derived vectors),
// odd = the initiator (node A). Keys are the vectors', so the seeds (the
// peer's session key and packets from the vectors) follow the success path.
#include "tests/fuzz/sha256_per_side_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    if (size == 0) return 0;
    const bool initiator = data[0] & 1;
    fuzz::sha256::sps::session s(initiator ? policies::handshake_role::initiator : policies::handshake_role::recipient,
                                 fuzz::sha256::node_options(initiator));
    (void)s.start({});
    s.consume_output(s.pending_output().size());
    (void)s.receive(byte_view(data + 1, size - 1), {});
    fuzz::sha256::drain(s);
    return 0;
}
