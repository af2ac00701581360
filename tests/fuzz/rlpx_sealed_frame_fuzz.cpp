// Entry point: everything behind the frame MACs. The harness seals the
// fuzzer's input with a matching egress state (the fuzzer cannot forge
// Keccak tags), so the input reaches the p2p decoders (Hello, Disconnect,
// Ping), capability dispatch and snappy.
//
// Input format: a sequence of records  code(1) | length(2, big-endian) |
// payload(length); a final short record takes what is left.
#include "tests/fuzz/rlpx_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    auto writer = fuzz::make_session<fuzz::writer_config>();
    auto reader = fuzz::make_session<fuzz::reader_config>();
    byte_view in(data, size);
    while (!in.empty() && reader.state() != transport::session_state::closed) {
        const std::uint64_t code = in[0];
        std::size_t n = in.size() >= 3 ? (std::size_t{in[1]} << 8 | in[2]) : 0;
        in = in.subspan(std::min<std::size_t>(3, in.size()));
        n = std::min(n, in.size());
        if (writer.send(code, in.first(n), transport::time_point{})) break;
        in = in.subspan(n);
        auto out = writer.pending_output();
        (void)reader.receive(out, transport::time_point{});
        writer.consume_output(out.size());
        fuzz::drain(reader);
    }
    return 0;
}
