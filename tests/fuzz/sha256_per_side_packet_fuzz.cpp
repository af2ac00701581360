// Entry point: the sha256-per-side packet reader (HMAC, le64 totlen,
// AES-128-CTR, then the Authenticate greeting and application packets) on
// raw bytes, with the derived vectors' A->B keys (the seeds are the
// vectors' A->B packets).
#include "tests/fuzz/sha256_per_side_harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    auto reader = fuzz::sha256::make_session<fuzz::sha256::reader_config>();
    (void)reader.receive(byte_view(data, size), transport::time_point{});
    fuzz::sha256::drain(reader);
    return 0;
}
