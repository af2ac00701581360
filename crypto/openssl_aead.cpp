#include "crypto/openssl_aead.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <new>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

namespace polywire::crypto {
namespace {

void zero(mutable_byte_view b) noexcept {
    if (!b.empty()) polywire::detail::wipe(b.data(), b.size());
}

// EVP takes int lengths: longer inputs go through in pieces (the AEAD
// state carries over between EVP_CipherUpdate calls).
constexpr std::size_t max_piece = std::size_t{1} << 30;

// One direction of EVP's ChaCha20-Poly1305 (12-byte nonces). The context
// is made and bound to the cipher once; a key change and each message's
// nonce re-initialise it in place, which allocates nothing.
class evp_direction {
public:
    explicit evp_direction(bool encrypt) noexcept : encrypt_(encrypt ? 1 : 0) {}
    ~evp_direction() { EVP_CIPHER_CTX_free(ctx_); }  // cleanses the key schedule
    evp_direction(const evp_direction&) = delete;
    evp_direction& operator=(const evp_direction&) = delete;

    bool set_key(const std::uint8_t* key) noexcept {
        if (!ctx_) {
            ctx_ = EVP_CIPHER_CTX_new();
            if (!ctx_) return false;
            if (EVP_CipherInit_ex(ctx_, EVP_chacha20_poly1305(), nullptr, nullptr, nullptr, encrypt_) != 1) {
                EVP_CIPHER_CTX_free(ctx_);
                ctx_ = nullptr;
                return false;
            }
        }
        keyed_ = EVP_CipherInit_ex(ctx_, nullptr, nullptr, key, nullptr, encrypt_) == 1;
        return keyed_;
    }

    // Starts a message: nonce, then the associated data.
    bool start(const std::uint8_t* nonce12, byte_view ad) noexcept {
        if (!keyed_ || EVP_CipherInit_ex(ctx_, nullptr, nullptr, nullptr, nonce12, encrypt_) != 1) return false;
        return update(nullptr, ad.data(), ad.size());
    }

    // Runs `in` through into `out` (the same size; the same bytes or apart).
    bool process(byte_view in, mutable_byte_view out) noexcept { return update(out.data(), in.data(), in.size()); }
    bool process(mutable_byte_view inout) noexcept { return process(inout, inout); }

    // The tag goes through the provider's parameters directly
    // (EVP_CIPHER_CTX_ctrl would translate to the same, at a cost per call).
    bool finish_seal(mutable_byte_view tag) noexcept {
        int n = 0;
        std::uint8_t none[16];
        OSSL_PARAM p[] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag.data(), tag.size()),
                          OSSL_PARAM_construct_end()};
        return EVP_CipherFinal_ex(ctx_, none, &n) == 1 && EVP_CIPHER_CTX_get_params(ctx_, p) == 1;
    }

    // True only if the tag matches (OpenSSL compares it with CRYPTO_memcmp,
    // in constant time).
    bool finish_open(byte_view tag) noexcept {
        int n = 0;
        std::uint8_t none[16];
        OSSL_PARAM p[] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
                                                            const_cast<std::uint8_t*>(tag.data()), tag.size()),
                          OSSL_PARAM_construct_end()};
        return EVP_CIPHER_CTX_set_params(ctx_, p) == 1 && EVP_CipherFinal_ex(ctx_, none, &n) == 1;
    }

private:
    bool update(std::uint8_t* out, const std::uint8_t* in, std::size_t size) noexcept {
        while (size > 0) {
            const std::size_t piece = std::min(size, max_piece);
            int n = 0;
            if (EVP_CipherUpdate(ctx_, out, &n, in, static_cast<int>(piece)) != 1) return false;
            if (out) out += piece;
            in += piece;
            size -= piece;
        }
        return true;
    }

    EVP_CIPHER_CTX* ctx_ = nullptr;
    int encrypt_;
    bool keyed_ = false;
};

std::error_code check(bool keyed, byte_view nonce, std::size_t nonce_size, std::size_t tag_size) noexcept {
    if (!keyed) return aead_errc::no_key;
    if (nonce.size() != nonce_size) return aead_errc::bad_nonce_size;
    if (tag_size != 16) return aead_errc::bad_tag_size;
    return {};
}

// Seal: on any failure nothing readable leaves.
std::error_code seal_with(evp_direction& d, const std::uint8_t* nonce12, byte_view ad, byte_view in,
                          mutable_byte_view out, mutable_byte_view tag) noexcept {
    if (d.start(nonce12, ad) && d.process(in, out) && d.finish_seal(tag)) return {};
    zero(out);
    zero(tag);
    return aead_errc::library_failure;
}

// Open. EVP checks the tag only in EVP_CipherFinal_ex, after
// EVP_CipherUpdate has already written the plaintext; that plaintext is
// written into the caller's buffer, but the caller gets the buffer back only
// when this returns, and it is wiped here unless the tag matched: no
// decrypted byte is released before verification.
std::error_code open_with(evp_direction& d, const std::uint8_t* nonce12, byte_view ad, mutable_byte_view inout,
                          byte_view tag) noexcept {
    if (!d.start(nonce12, ad) || !d.process(inout)) {
        zero(inout);
        return aead_errc::library_failure;
    }
    if (d.finish_open(tag)) return {};
    zero(inout);
    return aead_errc::tag_mismatch;
}

bool sodium_ready() noexcept {
    static const bool ok = sodium_init() >= 0;
    return ok;
}

}  // namespace

// Each direction keeps an EVP context. For XChaCha20-Poly1305, per
// message: subkey = HChaCha20(key, nonce[0..16]) and the RFC 8439 AEAD under
// the subkey with nonce 0^32 || nonce[16..24]. Each direction keeps the
// first 16 nonce bytes its subkey was made for: protocols that keep them
// fixed (a per-direction prefix and a counter) derive the subkey once per
// key instead of once per message. For ChaCha20-Poly1305 the contexts are
// keyed directly and the nonce passes through.

template <std::size_t N>
struct openssl_chacha20_poly1305_aead<N>::impl {
    static constexpr bool extended = N == 24;

    struct direction {
        evp_direction evp;
        std::array<std::uint8_t, 16> prefix{};
        bool ready = false;  // evp is keyed (extended: with HChaCha20(key, prefix))
        explicit direction(bool encrypt) noexcept : evp(encrypt) {}
    };
    secret<key_size> key;  // kept for the subkeys (extended only)
    bool keyed = false;
    direction enc{true}, dec{false};

    bool set_key(byte_view k) noexcept {
        if constexpr (extended) {
            key.assign(k);
            // The old subkeys are overwritten now; the new ones are made on first use.
            static constexpr std::uint8_t zeros[32] = {};
            for (auto* d : {&enc, &dec}) {
                if (d->ready) (void)d->evp.set_key(zeros);
                d->ready = false;
            }
            return true;
        } else {
            enc.ready = enc.evp.set_key(k.data());
            dec.ready = enc.ready && dec.evp.set_key(k.data());
            return dec.ready;
        }
    }

    // Makes `d` ready for `nonce`.
    bool select(direction& d, byte_view nonce) noexcept {
        if constexpr (!extended) return d.ready;
        if (d.ready && std::equal(d.prefix.begin(), d.prefix.end(), nonce.begin())) return true;
        secret<32> subkey;
        d.ready = crypto_core_hchacha20(subkey.data(), nonce.data(), key.data(), nullptr) == 0 &&
                  d.evp.set_key(subkey.data());
        if (d.ready) std::copy_n(nonce.begin(), 16, d.prefix.begin());
        return d.ready;
    }

    // Checks the arguments and makes the direction `d` of `p` ready for
    // `nonce`.
    static std::error_code ready(impl* p, direction impl::*d, byte_view nonce, std::size_t tag_size) noexcept {
        if (auto ec = check(p && p->keyed, nonce, N, tag_size)) return ec;
        return p->select(p->*d, nonce) ? std::error_code{} : aead_errc::library_failure;
    }

    // The 12-byte nonce EVP's ChaCha20-Poly1305 takes.
    static std::array<std::uint8_t, 12> inner_nonce(byte_view nonce) noexcept {
        std::array<std::uint8_t, 12> n{};
        if constexpr (extended)
            std::copy_n(nonce.begin() + 16, 8, n.begin() + 4);
        else
            std::copy_n(nonce.begin(), 12, n.begin());
        return n;
    }
};

template <std::size_t N>
openssl_chacha20_poly1305_aead<N>::openssl_chacha20_poly1305_aead() noexcept = default;
template <std::size_t N>
openssl_chacha20_poly1305_aead<N>::~openssl_chacha20_poly1305_aead() = default;
template <std::size_t N>
openssl_chacha20_poly1305_aead<N>::openssl_chacha20_poly1305_aead(openssl_chacha20_poly1305_aead&&) noexcept =
    default;
template <std::size_t N>
openssl_chacha20_poly1305_aead<N>& openssl_chacha20_poly1305_aead<N>::operator=(
    openssl_chacha20_poly1305_aead&&) noexcept = default;

template <std::size_t N>
bool openssl_chacha20_poly1305_aead<N>::has_key() const noexcept {
    return p_ && p_->keyed;
}

template <std::size_t N>
std::error_code openssl_chacha20_poly1305_aead<N>::set_key(byte_view key) noexcept {
    if (key.size() != key_size) return aead_errc::bad_key_size;
    if (impl::extended && !sodium_ready()) return aead_errc::library_failure;
    if (!p_) {
        p_.reset(new (std::nothrow) impl);
        if (!p_) return std::make_error_code(std::errc::not_enough_memory);
    }
    p_->keyed = p_->set_key(key);
    return p_->keyed ? std::error_code{} : aead_errc::library_failure;
}

template <std::size_t N>
std::error_code openssl_chacha20_poly1305_aead<N>::seal(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                                        mutable_byte_view tag) noexcept {
    return seal(nonce, ad, inout, inout, tag);
}

template <std::size_t N>
std::error_code openssl_chacha20_poly1305_aead<N>::seal(byte_view nonce, byte_view ad, byte_view in,
                                                        mutable_byte_view out, mutable_byte_view tag) noexcept {
    if (auto ec = impl::ready(p_.get(), &impl::enc, nonce, tag.size());
        ec || (ec = check_out_of_place(in, out))) {
        zero(out);
        zero(tag);
        return ec;
    }
    return seal_with(p_->enc.evp, impl::inner_nonce(nonce).data(), ad, in, out, tag);
}

template <std::size_t N>
std::error_code openssl_chacha20_poly1305_aead<N>::open(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                                        byte_view tag) noexcept {
    if (auto ec = impl::ready(p_.get(), &impl::dec, nonce, tag.size())) {
        zero(inout);
        return ec;
    }
    return open_with(p_->dec.evp, impl::inner_nonce(nonce).data(), ad, inout, tag);
}

template class openssl_chacha20_poly1305_aead<12>;
template class openssl_chacha20_poly1305_aead<24>;

}  // namespace polywire::crypto
