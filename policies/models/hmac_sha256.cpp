#include "policies/models/hmac_sha256.hpp"

#include <algorithm>

#include <botan/mac.h>

namespace polywire::policies::detail {

struct keyed_hmac_sha256::impl {
    std::unique_ptr<Botan::MessageAuthenticationCode> m;
};

keyed_hmac_sha256::keyed_hmac_sha256(byte_view key) : p_(std::make_unique<impl>()) {
    p_->m = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    p_->m->set_key(key.data(), key.size());
}
keyed_hmac_sha256::~keyed_hmac_sha256() = default;
keyed_hmac_sha256::keyed_hmac_sha256(keyed_hmac_sha256&&) noexcept = default;
keyed_hmac_sha256& keyed_hmac_sha256::operator=(keyed_hmac_sha256&&) noexcept = default;

void keyed_hmac_sha256::tag(byte_view data, mutable_byte_view out) noexcept {
    // final() leaves the object keyed and ready for the next message.
    p_->m->update(data.data(), data.size());
    std::array<std::uint8_t, 32> t;
    p_->m->final(t.data());
    std::copy_n(t.begin(), std::min(out.size(), t.size()), out.begin());
}

bool keyed_hmac_sha256::check(byte_view data, byte_view tag) noexcept {
    std::array<std::uint8_t, 32> want;
    this->tag(data, want);
    return constant_time_equal(want, tag);
}

}  // namespace polywire::policies::detail
