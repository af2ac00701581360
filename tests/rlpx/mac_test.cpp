#include "rlpx/mac.hpp"

#include <gtest/gtest.h>

namespace polywire::rlpx {
namespace {

// crypto::keccak256 that counts the digests read from it.
struct counting_keccak {
    static inline int digests = 0;
    crypto::keccak256 k;
    counting_keccak(const crypto::keccak256& s) : k(s) {}  // NOLINT: as the chain builds it
    void update(byte_view d) noexcept { k.update(d); }
    crypto::digest32 digest() const noexcept {
        ++digests;
        return k.digest();
    }
};

secrets some_secrets() {
    secrets s;
    s.mac_secret = secret<32>(bytes(32, 0x5a));
    s.egress_mac.update(as_bytes("egress seed"));
    s.ingress_mac.update(as_bytes("ingress seed"));
    return s;
}

// The header's seed and tag and the body's seed and tag: four digests a
// frame. The body's seed is read once and serves as AES input and XOR mask.
TEST(KeccakMacChainTest, FourDigestsPerFrame) {
    const secrets s = some_secrets();
    basic_keccak_mac_chain<counting_keccak> mac(s, policies::direction::egress);
    const bytes header(16, 1), body(64, 2);
    std::array<std::uint8_t, 16> tag;
    counting_keccak::digests = 0;
    mac.header_tag(header, tag);
    mac.body_tag(body, tag);
    EXPECT_EQ(counting_keccak::digests, 4);
}

// The construction, step by step, from rlpx.md's definition, on Keccak-256
// and AES-256 directly.
TEST(KeccakMacChainTest, TagsFollowTheDefinition) {
    const secrets s = some_secrets();
    keccak_mac_chain mac(s, policies::direction::egress);
    crypto::keccak256 k = s.egress_mac;
    crypto::aes256_block aes(s.mac_secret.view());
    const bytes header(16, 3), body(48, 4);

    auto seed = k.digest();
    aes.encrypt(seed.data());
    for (int i = 0; i < 16; ++i) seed[i] ^= header[i];
    k.update(byte_view(seed.data(), 16));
    std::array<std::uint8_t, 16> want, got;
    std::copy_n(k.digest().begin(), 16, want.begin());
    mac.header_tag(header, got);
    EXPECT_EQ(got, want);

    k.update(body);
    const auto fseed = k.digest();
    auto enc = fseed;
    aes.encrypt(enc.data());
    for (int i = 0; i < 16; ++i) enc[i] ^= fseed[i];
    k.update(byte_view(enc.data(), 16));
    std::copy_n(k.digest().begin(), 16, want.begin());
    mac.body_tag(body, got);
    EXPECT_EQ(got, want);
    EXPECT_TRUE(mac.check_body(body, got));  // replayed: the state moved on, refused
}

}  // namespace
}  // namespace polywire::rlpx
