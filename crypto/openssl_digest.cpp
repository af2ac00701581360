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

constexpr std::size_t algorithm_count = 4;

// One HMAC algorithm object per process (fetching it is costly).
EVP_MAC* hmac_algorithm() noexcept {
    static EVP_MAC* const m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return m;
}

// The digests fetched once per process: handing EVP_DigestInit_ex the
// built-in EVP_sha256() makes OpenSSL 3 fetch it again at every call (a
// locked lookup by name), which cost more than hashing a Noise handshake's
// few blocks. Null if the fetch failed (the built-in is used then).
const EVP_MD* fetched_md(digest_algorithm a) noexcept {
    static EVP_MD* const mds[algorithm_count] = {
        EVP_MD_fetch(nullptr, name_of(digest_algorithm::sha256), nullptr),
        EVP_MD_fetch(nullptr, name_of(digest_algorithm::sha512), nullptr),
        EVP_MD_fetch(nullptr, name_of(digest_algorithm::blake2s256), nullptr),
        EVP_MD_fetch(nullptr, name_of(digest_algorithm::blake2b512), nullptr),
    };
    const EVP_MD* md = mds[static_cast<std::size_t>(a)];
    return md != nullptr ? md : md_of(a);
}

// One HMAC context per thread and digest, its digest set once (setting it
// by name fetches the digest each time) and re-keyed per call. Between
// calls it holds the state of a public key (hmac() re-keys it with
// `public_key` after each use), never one of the caller's keys.
const std::uint8_t public_key[1] = {0};

struct hmac_contexts {
    EVP_MAC_CTX* ctx[algorithm_count] = {};
    ~hmac_contexts() {
        for (EVP_MAC_CTX* c : ctx) EVP_MAC_CTX_free(c);  // cleanses
    }
    EVP_MAC_CTX* get(digest_algorithm a) noexcept {
        EVP_MAC_CTX*& c = ctx[static_cast<std::size_t>(a)];
        if (c != nullptr) return c;
        EVP_MAC* mac = hmac_algorithm();
        if (mac == nullptr) return nullptr;
        std::unique_ptr<EVP_MAC_CTX, mac_ctx_free> fresh(EVP_MAC_CTX_new(mac));
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string("digest", const_cast<char*>(name_of(a)), 0),
            OSSL_PARAM_construct_end(),
        };
        if (!fresh || EVP_MAC_init(fresh.get(), public_key, sizeof public_key, params) != 1) return nullptr;
        c = fresh.release();
        return c;
    }
};

}  // namespace

std::error_code hash(digest_algorithm a, std::initializer_list<byte_view> parts, mutable_byte_view out) noexcept {
    if (out.size() != digest_size(a)) return transport::errc::invalid_argument;
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), fetched_md(a), nullptr) != 1) return transport::errc::crypto_failure;
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
    thread_local hmac_contexts contexts;
    EVP_MAC_CTX* ctx = contexts.get(a);
    if (ctx == nullptr) return transport::errc::crypto_failure;
    static const std::uint8_t empty_key[1] = {0};
    const std::uint8_t* k = key.empty() ? empty_key : key.data();
    std::error_code ec;
    std::size_t n = 0;
    if (EVP_MAC_init(ctx, k, key.size(), nullptr) != 1) {
        ec = transport::errc::crypto_failure;
    } else {
        for (byte_view p : parts) {
            if (!p.empty() && EVP_MAC_update(ctx, p.data(), p.size()) != 1) {
                ec = transport::errc::crypto_failure;
                break;
            }
        }
        if (!ec && (EVP_MAC_final(ctx, out.data(), &n, out.size()) != 1 || n != out.size()))
            ec = transport::errc::crypto_failure;
    }
    // Drop the state derived from `key`; if even that fails, drop the context.
    if (EVP_MAC_init(ctx, public_key, sizeof public_key, nullptr) != 1) {
        EVP_MAC_CTX_free(ctx);
        contexts.ctx[static_cast<std::size_t>(a)] = nullptr;
    }
    return ec;
}

}  // namespace polywire::crypto::openssl_digest
