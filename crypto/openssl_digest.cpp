#include "crypto/openssl_digest.hpp"

#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

#include "transport/error.hpp"

namespace polywire::crypto::openssl_digest {
namespace {

const EVP_MD* md_of(digest_algorithm a) noexcept {
    switch (a) {
        case digest_algorithm::sha256: return EVP_sha256();
        case digest_algorithm::sha512: return EVP_sha512();
        case digest_algorithm::blake2s256: return EVP_blake2s256();
        case digest_algorithm::blake2b512: return EVP_blake2b512();
    }
    return nullptr;
}

const char* name_of(digest_algorithm a) noexcept {
    switch (a) {
        case digest_algorithm::sha256: return "SHA256";
        case digest_algorithm::sha512: return "SHA512";
        case digest_algorithm::blake2s256: return "BLAKE2S-256";
        case digest_algorithm::blake2b512: return "BLAKE2B-512";
    }
    return "";
}

struct md_ctx_free {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
struct mac_free {
    void operator()(EVP_MAC* m) const noexcept { EVP_MAC_free(m); }
};
struct mac_ctx_free {
    void operator()(EVP_MAC_CTX* c) const noexcept { EVP_MAC_CTX_free(c); }
};

// One HMAC algorithm object per process (fetching it is costly).
EVP_MAC* hmac_algorithm() noexcept {
    static EVP_MAC* const m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return m;
}

}  // namespace

std::error_code hash(digest_algorithm a, std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept {
    if (out.size() != digest_size(a)) return transport::errc::invalid_argument;
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md_of(a), nullptr) != 1) return transport::errc::crypto_failure;
    for (byte_view p : parts) {
        if (!p.empty() && EVP_DigestUpdate(ctx.get(), p.data(), p.size()) != 1) return transport::errc::crypto_failure;
    }
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx.get(), out.data(), &n) != 1 || n != out.size()) return transport::errc::crypto_failure;
    return {};
}

std::error_code hmac(digest_algorithm a, byte_view key, std::initializer_list<byte_view> parts,
                     mutable_byte_view out) noexcept {
    if (out.size() != digest_size(a)) return transport::errc::invalid_argument;
    EVP_MAC* mac = hmac_algorithm();
    if (mac == nullptr) return transport::errc::crypto_failure;
    std::unique_ptr<EVP_MAC_CTX, mac_ctx_free> ctx(EVP_MAC_CTX_new(mac));
    if (!ctx) return transport::errc::crypto_failure;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("digest", const_cast<char*>(name_of(a)), 0),
        OSSL_PARAM_construct_end(),
    };
    static const std::uint8_t empty_key[1] = {0};
    const std::uint8_t* k = key.empty() ? empty_key : key.data();
    if (EVP_MAC_init(ctx.get(), k, key.size(), params) != 1) return transport::errc::crypto_failure;
    for (byte_view p : parts) {
        if (!p.empty() && EVP_MAC_update(ctx.get(), p.data(), p.size()) != 1) return transport::errc::crypto_failure;
    }
    std::size_t n = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &n, out.size()) != 1 || n != out.size())
        return transport::errc::crypto_failure;
    return {};
}

}  // namespace polywire::crypto::openssl_digest
