#include "crypto/x448.hpp"

#include <openssl/evp.h>

#include <memory>

#include "transport/error.hpp"

namespace polywire::crypto::x448 {
namespace {

struct pkey_free {
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct pkey_ctx_free {
    void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

pkey_ptr private_pkey(const private_key& k) noexcept {
    return pkey_ptr(EVP_PKEY_new_raw_private_key(EVP_PKEY_X448, nullptr, k.data(), key_size));
}

}  // namespace

result<public_key> public_key_of(const private_key& k) noexcept {
    pkey_ptr p = private_pkey(k);
    public_key pub{};
    std::size_t n = pub.size();
    if (!p || EVP_PKEY_get_raw_public_key(p.get(), pub.data(), &n) != 1 || n != pub.size())
        return transport::errc::crypto_failure;
    return pub;
}

result<secret<key_size>> shared_secret(const private_key& k, const public_key& peer) noexcept {
    pkey_ptr self = private_pkey(k);
    pkey_ptr other(EVP_PKEY_new_raw_public_key(EVP_PKEY_X448, nullptr, peer.data(), peer.size()));
    if (!self || !other) return transport::errc::crypto_failure;
    std::unique_ptr<EVP_PKEY_CTX, pkey_ctx_free> ctx(EVP_PKEY_CTX_new(self.get(), nullptr));
    secret<key_size> out;
    std::size_t n = key_size;
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), other.get()) != 1)
        return transport::errc::crypto_failure;
    // OpenSSL itself refuses an all-zero X448 output; either way the peer
    // key was degenerate.
    if (EVP_PKEY_derive(ctx.get(), out.data(), &n) != 1) return transport::errc::bad_key;
    if (n != key_size) return transport::errc::crypto_failure;
    std::uint8_t acc = 0;
    for (std::size_t i = 0; i < key_size; ++i) acc |= out[i];
    if (acc == 0) return transport::errc::bad_key;
    return out;
}

}  // namespace polywire::crypto::x448
