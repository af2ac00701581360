// polywire demo: two peers agree on keys over secp256k1 and exchange an
// encrypted, authenticated message, printed as a readable transcript.
#include <cstdio>
#include <string>

#include "policies/crypto/aes.hpp"
#include "policies/crypto/hash.hpp"
#include "policies/crypto/secp256k1.hpp"

using namespace polywire;
namespace k1 = crypto::secp256k1;

int main() {
    auto alice = k1::generate_private_key();
    auto bob = k1::generate_private_key();
    if (!alice || !bob) return std::fprintf(stderr, "key generation failed\n"), 1;
    auto alice_pub = k1::derive_public_key(alice.value()).value();
    auto bob_pub = k1::derive_public_key(bob.value()).value();
    std::printf("alice node id  %s\n", to_hex(alice_pub).c_str());
    std::printf("bob   node id  %s\n", to_hex(bob_pub).c_str());

    auto s_alice = k1::ecdh_x(alice.value(), bob_pub);
    auto s_bob = k1::ecdh_x(bob.value(), alice_pub);
    if (!s_alice || !s_bob) return std::fprintf(stderr, "ECDH failed\n"), 1;
    const bool agree = constant_time_equal(s_alice.value(), s_bob.value());
    std::printf("ECDH           both sides derived the same secret: %s\n", agree ? "yes" : "NO");

    // Key schedule in the RLPx style: keccak256 over the shared secret.
    auto aes_key = crypto::keccak256::hash(s_alice.value());
    auto mac_key = crypto::keccak256::hash(aes_key);
    const std::string text = "hello from alice over polywire";
    bytes frame(text.begin(), text.end());
    crypto::aes_ctr(aes_key, bytes(16, 0)).apply(frame);
    auto tag = crypto::hmac_sha256(mac_key, frame);
    std::printf("alice -> bob   %zu bytes ciphertext %s...\n", frame.size(), to_hex(byte_view(frame).first(8)).c_str());

    auto check = crypto::hmac_sha256(crypto::keccak256::hash(crypto::keccak256::hash(s_bob.value())), frame);
    if (!constant_time_equal(check, tag)) return std::fprintf(stderr, "MAC check failed\n"), 1;
    crypto::aes_ctr(crypto::keccak256::hash(s_bob.value()), bytes(16, 0)).apply(frame);
    std::printf("bob received   \"%s\" (MAC verified before decrypting)\n", std::string(frame.begin(), frame.end()).c_str());
    return agree ? 0 : 1;
}
