#include "policies/crypto/xchacha20_poly1305.hpp"

#include <algorithm>
#include <new>

#include <botan/aead.h>
#include <botan/exceptn.h>

namespace polywire::crypto {
namespace {

void zero(mutable_byte_view b) noexcept {
    if (!b.empty()) detail::wipe(b.data(), b.size());
}

}  // namespace

// One Botan mode object per direction, made on first use and re-keyed in
// place by set_key (so a rekey costs no allocation once both exist); `tag`
// is a reused buffer for finish(), which wants a secure_vector.
struct xchacha20_poly1305::impl {
    secret<key_size> key;
    bool keyed = false;
    std::unique_ptr<Botan::AEAD_Mode> enc, dec;
    bool enc_keyed = false, dec_keyed = false;
    Botan::secure_vector<std::uint8_t> tag;

    Botan::AEAD_Mode* mode(Botan::Cipher_Dir dir) {
        auto& m = dir == Botan::ENCRYPTION ? enc : dec;
        bool& k = dir == Botan::ENCRYPTION ? enc_keyed : dec_keyed;
        if (!m) m = Botan::AEAD_Mode::create_or_throw("ChaCha20Poly1305", dir);
        if (!k) {
            m->set_key(key.data(), key.size());
            k = true;
        }
        return m.get();
    }
};

xchacha20_poly1305::xchacha20_poly1305() noexcept = default;
xchacha20_poly1305::~xchacha20_poly1305() = default;
xchacha20_poly1305::xchacha20_poly1305(xchacha20_poly1305&&) noexcept = default;
xchacha20_poly1305& xchacha20_poly1305::operator=(xchacha20_poly1305&&) noexcept = default;

bool xchacha20_poly1305::has_key() const noexcept { return p_ && p_->keyed; }

std::error_code xchacha20_poly1305::set_key(byte_view key) noexcept {
    if (key.size() != key_size) return aead_errc::bad_key_size;
    try {
        if (!p_) p_ = std::make_unique<impl>();
        p_->key.assign(key);
        p_->keyed = true;
        p_->enc_keyed = p_->dec_keyed = false;
        if (p_->enc) p_->mode(Botan::ENCRYPTION);
        if (p_->dec) p_->mode(Botan::DECRYPTION);
        return {};
    } catch (const std::bad_alloc&) {
        return std::make_error_code(std::errc::not_enough_memory);
    } catch (...) {
        return aead_errc::library_failure;
    }
}

std::error_code xchacha20_poly1305::seal(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                         mutable_byte_view tag) noexcept {
    std::error_code ec;
    if (!p_ || !p_->keyed) ec = aead_errc::no_key;
    else if (nonce.size() != nonce_size) ec = aead_errc::bad_nonce_size;
    else if (tag.size() != tag_size) ec = aead_errc::bad_tag_size;
    if (!ec) {
        try {
            Botan::AEAD_Mode* m = p_->mode(Botan::ENCRYPTION);
            m->set_associated_data(ad.data(), ad.size());
            m->start(nonce.data(), nonce.size());  // 24 bytes: XChaCha20Poly1305
            m->process(inout.data(), inout.size());
            p_->tag.clear();
            m->finish(p_->tag, 0);
            std::copy(p_->tag.begin(), p_->tag.end(), tag.begin());
            return {};
        } catch (const std::bad_alloc&) {
            ec = std::make_error_code(std::errc::not_enough_memory);
        } catch (...) {
            ec = aead_errc::library_failure;
        }
    }
    zero(inout);
    zero(tag);
    return ec;
}

std::error_code xchacha20_poly1305::open(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                         byte_view tag) noexcept {
    std::error_code ec;
    if (!p_ || !p_->keyed) ec = aead_errc::no_key;
    else if (nonce.size() != nonce_size) ec = aead_errc::bad_nonce_size;
    else if (tag.size() != tag_size) ec = aead_errc::bad_tag_size;
    if (!ec) {
        try {
            Botan::AEAD_Mode* m = p_->mode(Botan::DECRYPTION);
            m->set_associated_data(ad.data(), ad.size());
            m->start(nonce.data(), nonce.size());
            m->process(inout.data(), inout.size());
            p_->tag.assign(tag.begin(), tag.end());
            m->finish(p_->tag, 0);  // checks the tag; throws on a mismatch
            return {};
        } catch (const Botan::Invalid_Authentication_Tag&) {
            ec = aead_errc::tag_mismatch;
        } catch (const std::bad_alloc&) {
            ec = std::make_error_code(std::errc::not_enough_memory);
        } catch (...) {
            ec = aead_errc::library_failure;
        }
    }
    zero(inout);
    return ec;
}

}  // namespace polywire::crypto
