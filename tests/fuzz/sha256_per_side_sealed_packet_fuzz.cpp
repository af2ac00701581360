// Entry point: everything behind the sha256-per-side HMAC. The harness
// seals the fuzzer's input with a matching egress state (the fuzzer cannot
// forge HMAC-SHA256 tags), so the input reaches the Authenticate decoder
// (protobuf, signature, node id) and application delivery.
//
// Input format: a sequence of records  length(2, big-endian) | data(length);
// a final short record takes what is left.
#include "tests/fuzz/sha256_per_side_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    auto writer = fuzz::sha256::make_session<fuzz::sha256::writer_config>();
    auto reader = fuzz::sha256::make_session<fuzz::sha256::reader_config>();
    byte_view in(data, size);
    while (!in.empty() && reader.state() != transport::session_state::closed) {
        std::size_t n = in.size() >= 2 ? (std::size_t{in[0]} << 8 | in[1]) : 0;
        in = in.subspan(std::min<std::size_t>(2, in.size()));
        n = std::min(n, in.size());
        if (writer.send(0, in.first(n), transport::time_point{})) break;
        in = in.subspan(n);
        auto out = writer.pending_output();
        (void)reader.receive(out, transport::time_point{});
        writer.consume_output(out.size());
        fuzz::sha256::drain(reader);
    }
    return 0;
}
