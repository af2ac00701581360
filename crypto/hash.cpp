#include "crypto/hash.hpp"

#include <algorithm>

#include <botan/hash.h>
#include <botan/mac.h>
#include <botan/sha3.h>

namespace polywire::crypto {
namespace {
constexpr std::size_t keccak256_rate_bits = 1088;  // 1600 - 2*256
}

struct botan_keccak256::impl {
    Botan::secure_vector<std::uint64_t> s = Botan::secure_vector<std::uint64_t>(25);
    std::size_t pos = 0;
    // Scratch state for digest(): finishing destroys the sponge, so it runs
    // on a copy kept here to avoid an allocation per digest.
    mutable Botan::secure_vector<std::uint64_t> scratch = Botan::secure_vector<std::uint64_t>(25);
};

botan_keccak256::botan_keccak256() : p_(std::make_unique<impl>()) {}
botan_keccak256::~botan_keccak256() = default;
botan_keccak256::botan_keccak256(const botan_keccak256& other) : p_(std::make_unique<impl>()) { copy_state_from(other); }
botan_keccak256& botan_keccak256::operator=(const botan_keccak256& other) {
    if (this != &other) copy_state_from(other);
    return *this;
}
botan_keccak256::botan_keccak256(botan_keccak256&&) noexcept = default;
botan_keccak256& botan_keccak256::operator=(botan_keccak256&&) noexcept = default;

void botan_keccak256::update(byte_view data) noexcept {
    p_->pos = Botan::SHA_3::absorb(keccak256_rate_bits, p_->s, p_->pos, data.data(), data.size());
}

digest32 botan_keccak256::digest() const noexcept {
    std::copy(p_->s.begin(), p_->s.end(), p_->scratch.begin());
    Botan::SHA_3::finish(keccak256_rate_bits, p_->scratch, p_->pos, 0x01, 0x80);
    digest32 out;
    Botan::SHA_3::expand(keccak256_rate_bits, p_->scratch, out.data(), out.size());
    return out;
}

void botan_keccak256::copy_state_from(const botan_keccak256& other) noexcept {
    std::copy(other.p_->s.begin(), other.p_->s.end(), p_->s.begin());
    p_->pos = other.p_->pos;
}

void botan_keccak256::reset() noexcept {
    std::fill(p_->s.begin(), p_->s.end(), 0);
    p_->pos = 0;
}

digest32 botan_keccak256::hash(byte_view data) noexcept {
    Botan::secure_vector<std::uint64_t> s(25);
    std::size_t pos = Botan::SHA_3::absorb(keccak256_rate_bits, s, 0, data.data(), data.size());
    Botan::SHA_3::finish(keccak256_rate_bits, s, pos, 0x01, 0x80);
    digest32 out;
    Botan::SHA_3::expand(keccak256_rate_bits, s, out.data(), out.size());
    return out;
}

digest32 sha256(byte_view data) noexcept { return sha256(data, {}); }

digest32 sha256(byte_view a, byte_view b) noexcept {
    // SHA-256 is a built-in Botan module and never throws for these calls.
    static thread_local std::unique_ptr<Botan::HashFunction> h = Botan::HashFunction::create_or_throw("SHA-256");
    h->update(a.data(), a.size());
    h->update(b.data(), b.size());
    digest32 out;
    h->final(out.data());
    return out;
}

digest32 hmac_sha256(byte_view key, byte_view a, byte_view b, byte_view c) noexcept {
    static thread_local std::unique_ptr<Botan::MessageAuthenticationCode> m =
        Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    m->set_key(key.data(), key.size());
    m->update(a.data(), a.size());
    m->update(b.data(), b.size());
    m->update(c.data(), c.size());
    digest32 out;
    m->final(out.data());
    m->clear();
    return out;
}

}  // namespace polywire::crypto
