// Entry point: the established-session frame reader, on raw bytes (as any
// peer can send them after the handshake). Almost every input fails the
// header MAC; the corpus starts from valid frames.
#include "tests/fuzz/rlpx_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    auto s = fuzz::make_session<fuzz::reader_config>();
    (void)s.receive(byte_view(data, size), transport::time_point{});
    fuzz::drain(s);
    return 0;
}
