#include "variants/sha256_per_side/key_schedule.hpp"

#include <gtest/gtest.h>

#include "tests/variants/sha256_per_side/fixture.hpp"

namespace polywire::variants::sha256_per_side {
namespace {
using namespace test;

secret<32> shared_secret() {
    auto b_pub = k1::parse_public_key(h(input("b_session_pub"))).value();
    return k1::ecdh_sha256(key("a_session_priv"), b_pub).value();
}

TEST(Sha256PerSideKeyScheduleTest, SharedSecretIsEcdhSha256OfTheSessionKeys) {
    EXPECT_EQ(hx(shared_secret().view()), vectors()["vectors"]["shared_secret"].get<std::string>());
    auto a_pub = k1::parse_public_key(h(input("a_session_pub"))).value();
    EXPECT_EQ(hx(k1::ecdh_sha256(key("b_session_priv"), a_pub).value().view()),
              vectors()["vectors"]["shared_secret"].get<std::string>());
}

TEST(Sha256PerSideKeyScheduleTest, EachDirectionIsKeyedByItsSendersSessionKey) {
    const auto& v = vectors()["vectors"];
    for (auto [sender, keys] : {std::pair{"a_session_pub", "a_to_b_keys"}, std::pair{"b_session_pub", "b_to_a_keys"}}) {
        const compressed_key spub = compressed(input(sender));
        EXPECT_EQ(hx(key_hash(shared_secret(), spub, 0)), v[keys]["enc_key_full_sha256"].get<std::string>());
        const direction_keys k = derive_direction_keys(shared_secret(), spub);
        EXPECT_EQ(hx(k.aes_key.view()), v[keys]["aes128_key"].get<std::string>());
        EXPECT_EQ(hx(k.hmac_key.view()), v[keys]["hmac_key"].get<std::string>());
        EXPECT_EQ(hx(k.iv.view()), v[keys]["iv"].get<std::string>());
    }
}

TEST(Sha256PerSideKeyScheduleTest, EgressUsesOurKeyAndIngressThePeers) {
    const auto& v = vectors()["vectors"];
    const secrets a = derive_secrets(shared_secret(), compressed(input("a_session_pub")), compressed(input("b_session_pub")));
    using policies::direction;
    EXPECT_EQ(hx(cipher_key(a, direction::egress)), v["a_to_b_keys"]["aes128_key"].get<std::string>());
    EXPECT_EQ(hx(cipher_iv(a, direction::egress)), v["a_to_b_keys"]["iv"].get<std::string>());
    EXPECT_EQ(hx(mac_key(a, direction::egress)), v["a_to_b_keys"]["hmac_key"].get<std::string>());
    EXPECT_EQ(hx(cipher_key(a, direction::ingress)), v["b_to_a_keys"]["aes128_key"].get<std::string>());
    EXPECT_EQ(hx(cipher_iv(a, direction::ingress)), v["b_to_a_keys"]["iv"].get<std::string>());
    EXPECT_EQ(hx(mac_key(a, direction::ingress)), v["b_to_a_keys"]["hmac_key"].get<std::string>());
    EXPECT_EQ(hx(a.local_session_key), input("a_session_pub"));
    EXPECT_EQ(hx(a.remote_session_key), input("b_session_pub"));
    EXPECT_EQ(a.remote_id, compressed_key{});  // known only after Authenticate
}

}  // namespace
}  // namespace polywire::variants::sha256_per_side
