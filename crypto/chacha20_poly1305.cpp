#include "crypto/chacha20_poly1305.hpp"

#include <algorithm>
#include <exception>
#include <new>

#include <botan/aead.h>
#include <botan/exceptn.h>

#include "transport/error.hpp"

namespace polywire::crypto {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "polywire.aead"; }
    std::string message(int ev) const override {
        switch (static_cast<aead_errc>(ev)) {
            case aead_errc::tag_mismatch: return "a message failed AEAD authentication (corrupted, forged, or wrong key)";
            case aead_errc::bad_key_size: return "an AEAD key has the wrong size";
            case aead_errc::bad_nonce_size: return "an AEAD nonce has the wrong size";
            case aead_errc::bad_tag_size: return "an AEAD tag has the wrong size";
            case aead_errc::no_key: return "the AEAD was used before a key was set";
            case aead_errc::library_failure: return "the AEAD implementation failed unexpectedly";
            case aead_errc::nonce_exhausted: return "the AEAD's 64-bit message counter is used up (it never wraps)";
            case aead_errc::bad_buffers: return "an AEAD's output is not as long as its input, or partly overlaps it";
        }
        return "unknown polywire.aead error";
    }
    std::error_condition default_error_condition(int ev) const noexcept override {
        switch (static_cast<aead_errc>(ev)) {
            case aead_errc::tag_mismatch: return transport::condition::authentication_failed;
            case aead_errc::bad_key_size:
            case aead_errc::bad_nonce_size:
            case aead_errc::bad_tag_size:
            case aead_errc::no_key:
            case aead_errc::bad_buffers: return transport::condition::misuse;
            case aead_errc::library_failure: return transport::condition::system_failure;
            case aead_errc::nonce_exhausted: return transport::condition::limit_exceeded;
        }
        return {ev, *this};
    }
};

void zero(mutable_byte_view b) noexcept {
    if (!b.empty()) detail::wipe(b.data(), b.size());
}

}  // namespace

const std::error_category& aead_category() noexcept {
    static const category c;
    return c;
}

// One Botan mode object per direction, made on first use and re-keyed in
// place by set_key (so a rekey costs no allocation once both exist). `tag`
// is a reused buffer for finish(), which wants a secure_vector: after the
// first message it never reallocates.
template <std::size_t N>
struct botan_chacha20_poly1305<N>::impl {
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

template <std::size_t N>
botan_chacha20_poly1305<N>::botan_chacha20_poly1305() noexcept = default;
template <std::size_t N>
botan_chacha20_poly1305<N>::~botan_chacha20_poly1305() = default;
template <std::size_t N>
botan_chacha20_poly1305<N>::botan_chacha20_poly1305(botan_chacha20_poly1305&&) noexcept = default;
template <std::size_t N>
botan_chacha20_poly1305<N>& botan_chacha20_poly1305<N>::operator=(botan_chacha20_poly1305&&) noexcept = default;

template <std::size_t N>
bool botan_chacha20_poly1305<N>::has_key() const noexcept {
    return p_ && p_->keyed;
}

template <std::size_t N>
std::error_code botan_chacha20_poly1305<N>::set_key(byte_view key) noexcept {
    if (key.size() != key_size) return aead_errc::bad_key_size;
    try {
        if (!p_) p_ = std::make_unique<impl>();
        p_->key.assign(key);
        p_->keyed = true;
        p_->enc_keyed = p_->dec_keyed = false;
        // Re-key the modes that exist now, so a rotation costs no allocation.
        if (p_->enc) p_->mode(Botan::ENCRYPTION);
        if (p_->dec) p_->mode(Botan::DECRYPTION);
        return {};
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    } catch (...) {
        return aead_errc::library_failure;
    }
}

template <std::size_t N>
std::error_code botan_chacha20_poly1305<N>::seal(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                                 mutable_byte_view tag) noexcept {
    std::error_code ec;
    if (!has_key()) ec = aead_errc::no_key;
    else if (nonce.size() != nonce_size) ec = aead_errc::bad_nonce_size;
    else if (tag.size() != tag_size) ec = aead_errc::bad_tag_size;
    if (!ec) {
        try {
            Botan::AEAD_Mode* m = p_->mode(Botan::ENCRYPTION);
            m->set_associated_data(ad.data(), ad.size());
            m->start(nonce.data(), nonce.size());    // 24 bytes: XChaCha20Poly1305
            m->process(inout.data(), inout.size());  // ChaCha20Poly1305 takes any length
            p_->tag.clear();
            m->finish(p_->tag, 0);  // appends the tag
            std::copy(p_->tag.begin(), p_->tag.end(), tag.begin());
            return {};
        } catch (const std::bad_alloc&) {
            std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
        } catch (...) {
            ec = aead_errc::library_failure;
        }
    }
    zero(inout);
    zero(tag);
    return ec;
}

template <std::size_t N>
std::error_code botan_chacha20_poly1305<N>::open(byte_view nonce, byte_view ad, mutable_byte_view inout,
                                                 byte_view tag) noexcept {
    std::error_code ec;
    if (!has_key()) ec = aead_errc::no_key;
    else if (nonce.size() != nonce_size) ec = aead_errc::bad_nonce_size;
    else if (tag.size() != tag_size) ec = aead_errc::bad_tag_size;
    if (!ec) {
        try {
            Botan::AEAD_Mode* m = p_->mode(Botan::DECRYPTION);
            m->set_associated_data(ad.data(), ad.size());
            m->start(nonce.data(), nonce.size());
            // Botan authenticates the ciphertext as it decrypts; the tag is
            // checked in finish(), and a mismatch wipes the output below.
            m->process(inout.data(), inout.size());
            p_->tag.assign(tag.begin(), tag.end());
            m->finish(p_->tag, 0);
            return {};
        } catch (const Botan::Invalid_Authentication_Tag&) {
            ec = aead_errc::tag_mismatch;
        } catch (const std::bad_alloc&) {
            std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
        } catch (...) {
            ec = aead_errc::library_failure;
        }
    }
    zero(inout);
    return ec;
}

template class botan_chacha20_poly1305<12>;
template class botan_chacha20_poly1305<24>;

}  // namespace polywire::crypto
