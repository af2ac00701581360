// Differential: polywire's Keccak-256 (portable, and AVX-512 where the CPU
// has it) against Botan's Keccak-1600(256), on a running state fed in
// pieces whose sizes come from the input, with a digest compared after every
// piece (the RLPx MAC chain's use). Any difference aborts.
#include <cstdlib>

#include "crypto/hash.hpp"
#include "crypto/keccak.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace polywire;
    crypto::keccak256 portable(crypto::keccak_impl::portable), avx(crypto::keccak_impl::avx512);
    crypto::botan_keccak256 ref;
    const bool has_avx = crypto::keccak_avx512_supported();
    std::size_t off = 0;
    while (off < size) {
        // One byte gives the piece's length (its low 7 bits, times 5 when
        // the top bit is set: up to 635 bytes), then that many input bytes.
        const std::uint8_t ctl = data[off++];
        std::size_t n = (ctl & 0x7f) * ((ctl & 0x80) ? 5 : 1);
        if (n > size - off) n = size - off;
        const byte_view piece(data + off, n);
        off += n;
        portable.update(piece);
        if (has_avx) avx.update(piece);
        ref.update(piece);
        const auto want = ref.digest();
        if (portable.digest() != want) std::abort();
        if (has_avx && avx.digest() != want) std::abort();
    }
    if (crypto::keccak256_sponge::hash(byte_view(data, size), crypto::keccak_impl::portable) !=
        crypto::botan_keccak256::hash(byte_view(data, size)))
        std::abort();
    if (has_avx && crypto::keccak256_sponge::hash(byte_view(data, size), crypto::keccak_impl::avx512) !=
                       crypto::botan_keccak256::hash(byte_view(data, size)))
        std::abort();
    return 0;
}
