// aes_ctr<KeyBytes, Backend>: a Cipher model — AES-CTR as a stream cipher,
// one continuous keystream per direction, no tag (integrity comes from the
// configuration's MacState). RLPx uses aes_ctr<32>; the 2016 c-lightning
// transport aes_ctr<16>. `Backend` picks the library (crypto/
// backend.hpp); the default is the measured fastest.
//
// The key and IV come from the configuration's secrets through two free
// functions found by argument-dependent lookup next to the secrets type:
//     byte_view cipher_key(const Secrets&, direction);
//     byte_view cipher_iv(const Secrets&, direction);
#pragma once

#include <cstddef>
#include <string_view>
#include <system_error>

#include "crypto/backend.hpp"
#include "policies/key_agreement.hpp"

namespace polywire::policies {

template <std::size_t KeyBytes, class Backend = crypto::default_aes_ctr_backend>
class aes_ctr {
    static_assert(KeyBytes == 16 || KeyBytes == 32, "AES-CTR takes a 16- or 32-byte key");

public:
    static constexpr std::string_view name = KeyBytes == 32 ? "AES-256-CTR" : "AES-128-CTR";
    static constexpr std::size_t key_size = KeyBytes;
    static constexpr std::size_t tag_size = 0;
    using backend = Backend;

    template <class Secrets>
        requires has_cipher_key_and_iv<Secrets>
    aes_ctr(const Secrets& s, direction d) : ctr_(cipher_key(s, d).first(KeyBytes), cipher_iv(s, d)) {}

    void seal(mutable_byte_view inout, mutable_byte_view) noexcept { ctr_.apply(inout); }
    std::error_code open(mutable_byte_view inout, byte_view) noexcept {
        ctr_.apply(inout);
        return {};
    }

private:
    typename crypto::backend_traits<Backend>::aes_ctr ctr_;
};

}  // namespace polywire::policies
