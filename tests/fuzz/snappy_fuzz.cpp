// Entry point: snappy-compressed payloads with RLPx's 16 MiB limit — the
// declared size is checked before anything is allocated.
#include "policies/models/snappy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    using z = policies::snappy<16 * 1024 * 1024 - 1>;
    const byte_view in(data, size);
    auto n = z::declared_size(in);
    if (!n) return 0;
    bytes out(n.value());
    (void)z::decompress(in, out);
    return 0;
}
