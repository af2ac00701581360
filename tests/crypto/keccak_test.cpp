// polywire's own Keccak-f[1600] and Keccak-256, each implementation tested
// by name: known answers (PyCryptodome's, tests/vectors/keccak256-vectors.json;
// Ethereum's), and against Botan's Keccak-1600(256) and SHA_3::permute.
#include "crypto/keccak.hpp"

#include <array>
#include <cstddef>
#include <new>
#include <random>
#include <string>

#include <botan/sha3.h>
#include <gtest/gtest.h>

#include "crypto/hash.hpp"
#include "tests/support/hex.hpp"
#include "tests/support/vectors.hpp"

namespace polywire::crypto {
namespace {
using test::hx;

class KeccakImplTest : public ::testing::TestWithParam<keccak_impl> {
protected:
    void SetUp() override {
        if (GetParam() != keccak_impl::portable && !keccak_avx512_supported())
            GTEST_SKIP() << "this CPU has no AVX-512F/VL: the AVX-512 Keccak is not tested here";
    }
    keccak_impl impl() const { return GetParam(); }
};

bytes pattern(std::size_t n) {
    bytes m(n);
    for (std::size_t i = 0; i < n; ++i) m[i] = static_cast<std::uint8_t>((i * 7 + n) % 256);
    return m;
}

TEST_P(KeccakImplTest, SpongeUsesTheImplementationAskedFor) { EXPECT_EQ(keccak256_sponge(impl()).impl(), impl()); }

TEST_P(KeccakImplTest, EthereumHashes) {
    EXPECT_EQ(hx(keccak256_sponge::hash({}, impl())),
              "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    EXPECT_EQ(hx(keccak256_sponge::hash(as_bytes("abc"), impl())),
              "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST_P(KeccakImplTest, KnownAnswersForEveryLengthUpTo1000) {
    static const nlohmann::json v = test::load_vectors("keccak256-vectors.json");
    const auto& want = v["lengths"];
    ASSERT_EQ(want.size(), 1001u);
    for (std::size_t n = 0; n <= 1000; ++n) {
        const bytes m = pattern(n);
        ASSERT_EQ(hx(keccak256_sponge::hash(m, impl())), want[n].get<std::string>()) << "length " << n;
        // The same message byte by byte and in two uneven parts.
        keccak256_sponge a(impl()), b(impl());
        for (std::uint8_t c : m) a.update(byte_view(&c, 1));
        b.update(byte_view(m).first(n / 3));
        b.update(byte_view(m).subspan(n / 3));
        ASSERT_EQ(hx(a.digest()), want[n].get<std::string>()) << "byte by byte, length " << n;
        ASSERT_EQ(hx(b.digest()), want[n].get<std::string>()) << "split, length " << n;
    }
}

TEST_P(KeccakImplTest, KnownAnswersForLongMessages) {
    static const nlohmann::json v = test::load_vectors("keccak256-vectors.json");
    const auto& want = v["long"];
    {
        keccak256_sponge k(impl());
        const bytes chunk(1000, 'a');
        for (int i = 0; i < 1000; ++i) k.update(chunk);
        EXPECT_EQ(hx(k.digest()), want[0]["digest"].get<std::string>());
    }
    {
        const bytes m = pattern(want[1]["pattern_length"].get<std::size_t>());
        EXPECT_EQ(hx(keccak256_sponge::hash(m, impl())), want[1]["digest"].get<std::string>());
        keccak256_sponge k(impl());
        std::mt19937 rng(7);
        for (std::size_t off = 0; off < m.size();) {
            const std::size_t n = std::min<std::size_t>(rng() % 5000, m.size() - off);
            k.update(byte_view(m).subspan(off, n));
            off += n;
        }
        EXPECT_EQ(hx(k.digest()), want[1]["digest"].get<std::string>());
    }
}

TEST_P(KeccakImplTest, PermutationOfTheZeroStateAndAgainstBotan) {
    keccak_state a{};
    keccak_f1600(a, impl());
    // Keccak-f[1600] of the all-zero state, first two lanes (the Keccak
    // team's KeccakF-1600-IntermediateValues.txt).
    EXPECT_EQ(a[0], 0xF1258F7940E1DDE7ULL);
    EXPECT_EQ(a[1], 0x84D5CCF933C0478AULL);
    std::mt19937_64 rng(1);
    for (int t = 0; t < 100; ++t) {
        keccak_state s;
        for (auto& l : s) l = rng();
        std::uint64_t ref[25];
        std::copy(s.begin(), s.end(), ref);
        Botan::SHA_3::permute(ref);
        keccak_f1600(s, impl());
        ASSERT_TRUE(std::equal(s.begin(), s.end(), ref)) << "trial " << t;
    }
}

TEST_P(KeccakImplTest, EqualsBotanForEveryLengthUpToFiveBlocks) {
    for (std::size_t n = 0; n <= 5 * keccak256_sponge::rate + 1; ++n) {
        const bytes m = pattern(n);
        ASSERT_EQ(keccak256_sponge::hash(m, impl()), botan_keccak256::hash(m)) << "length " << n;
    }
}

// The RLPx MAC chain's use: a running state that takes updates of any size
// and is read (digest) between them, and copied.
TEST_P(KeccakImplTest, RunningStateEqualsBotanAtRandomSplitPoints) {
    std::mt19937 rng(42);
    for (int trial = 0; trial < 200; ++trial) {
        keccak256 ours(impl());
        botan_keccak256 ref;
        const bytes m = pattern(rng() % 2000);
        std::size_t off = 0;
        while (off < m.size()) {
            const std::size_t n = std::min<std::size_t>(rng() % 300, m.size() - off);
            ours.update(byte_view(m).subspan(off, n));
            ref.update(byte_view(m).subspan(off, n));
            off += n;
            ASSERT_EQ(ours.digest(), ref.digest()) << "trial " << trial << " at " << off;
            if (rng() % 4 == 0) {
                keccak256 copy(impl());
                copy.copy_state_from(ours);
                ASSERT_EQ(copy.digest(), ref.digest());
            }
        }
        ASSERT_EQ(ours.digest(), ref.digest());
    }
}

// A session embeds the sponge, and sessions live in storage that does not
// honour over-alignment (GCC's coroutine frames, outcome's result<>): an
// alignas(64) state let -march=native builds store it with aligned AVX-512
// moves and crash there.
static_assert(alignof(keccak256_sponge) <= alignof(std::max_align_t),
              "keccak256_sponge must not be over-aligned");

TEST_P(KeccakImplTest, WorksAtAnAddressNotAlignedTo64) {
    alignas(64) std::array<std::byte, sizeof(keccak256_sponge) + 64> storage{};
    auto* sponge = new (storage.data() + alignof(keccak256_sponge)) keccak256_sponge(impl());
    sponge->update(as_bytes("abc"));
    EXPECT_EQ(hx(sponge->digest()), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    sponge->~keccak256_sponge();
}

TEST_P(KeccakImplTest, ResetStartsOver) {
    keccak256_sponge k(impl());
    k.update(as_bytes("something"));
    k.reset();
    k.update(as_bytes("abc"));
    EXPECT_EQ(hx(k.digest()), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

INSTANTIATE_TEST_SUITE_P(Implementations, KeccakImplTest,
                         ::testing::Values(keccak_impl::portable, keccak_impl::avx512, keccak_impl::avx512_rows),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(KeccakDispatchTest, DefaultIsAvx512WhereTheCpuHasIt) {
#if defined(POLYWIRE_KECCAK_PORTABLE)
    EXPECT_EQ(keccak_default_impl(), keccak_impl::portable);
#else
    EXPECT_EQ(keccak_default_impl(), keccak_avx512_supported() ? keccak_impl::avx512 : keccak_impl::portable);
#endif
    EXPECT_EQ(keccak256_sponge().impl(), keccak_default_impl());
}

TEST(KeccakDispatchTest, Avx512FallsBackToPortableWithoutTheCpu) {
    if (keccak_avx512_supported()) GTEST_SKIP() << "this CPU has AVX-512: no fallback to see";
    EXPECT_EQ(keccak256_sponge(keccak_impl::avx512).impl(), keccak_impl::portable);
}

}  // namespace
}  // namespace polywire::crypto
