// Hash and MAC primitives, wrapped from Botan behind small non-template
// classes so Botan's headers stay out of users' translation units.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "transport/bytes.hpp"

namespace polywire::crypto {

using digest32 = std::array<std::uint8_t, 32>;

/// Legacy Keccak-256 (Ethereum's, padding 0x01, not FIPS SHA3-256), as an
/// incremental sponge. Copying the state into another instance with
/// `copy_state_from` and reading `digest` never allocate: the RLPx MAC chain
/// does both four times per frame.
class keccak256 {
public:
    keccak256();
    ~keccak256();
    keccak256(const keccak256& other);
    keccak256& operator=(const keccak256& other);
    keccak256(keccak256&&) noexcept;
    keccak256& operator=(keccak256&&) noexcept;

    void update(byte_view data) noexcept;
    /// The digest of everything absorbed so far; the state is unchanged, so
    /// more data may follow (geth's `hash.Sum(nil)`).
    digest32 digest() const noexcept;
    void copy_state_from(const keccak256& other) noexcept;
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
