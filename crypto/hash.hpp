// Hash and MAC primitives: Keccak-256 on polywire's own Keccak-f[1600]
// (keccak.hpp), the others wrapped from Botan behind small non-template
// classes so Botan's headers stay out of users' translation units.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "crypto/keccak.hpp"
#include "transport/bytes.hpp"

namespace polywire::crypto {

using digest32 = std::array<std::uint8_t, 32>;

/// Legacy Keccak-256 (Ethereum's, padding 0x01, not FIPS SHA3-256), as an
/// incremental sponge: polywire's own Keccak-f[1600] (keccak.hpp; AVX-512
/// where the CPU has it). Copying the state into another instance with
/// `copy_state_from` and reading `digest` never allocate: the RLPx MAC chain
/// reads four digests per frame.
class keccak256 {
public:
    keccak256() noexcept = default;
    explicit keccak256(keccak_impl impl) noexcept : s_(impl) {}

    void update(byte_view data) noexcept { s_.update(data); }
    /// The digest of everything absorbed so far; the state is unchanged, so
    /// more data may follow (geth's `hash.Sum(nil)`).
    digest32 digest() const noexcept { return s_.digest(); }
    void copy_state_from(const keccak256& other) noexcept { s_ = other.s_; }
    void reset() noexcept { s_.reset(); }

    static digest32 hash(byte_view data) noexcept { return keccak256_sponge::hash(data); }

private:
    keccak256_sponge s_;
};

/// Botan 2's Keccak-1600(256) with the same interface: the independent
/// implementation the tests and the benchmarks compare keccak256 with.
class botan_keccak256 {
public:
    botan_keccak256();
    ~botan_keccak256();
    botan_keccak256(const botan_keccak256& other);
    botan_keccak256& operator=(const botan_keccak256& other);
    botan_keccak256(botan_keccak256&&) noexcept;
    botan_keccak256& operator=(botan_keccak256&&) noexcept;

    void update(byte_view data) noexcept;
    digest32 digest() const noexcept;
    void copy_state_from(const botan_keccak256& other) noexcept;
    void reset() noexcept;

    static digest32 hash(byte_view data) noexcept;

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

/// SHA-256.
digest32 sha256(byte_view data) noexcept;
digest32 sha256(byte_view a, byte_view b) noexcept;

/// HMAC-SHA256 over the concatenation of up to three parts.
digest32 hmac_sha256(byte_view key, byte_view a, byte_view b = {}, byte_view c = {}) noexcept;

}  // namespace polywire::crypto
