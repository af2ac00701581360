#include "variants/x25519_xchacha/cookie.hpp"

#include <exception>
#include <new>
#include <string_view>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "variants/x25519_xchacha/handshake.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {

constexpr std::string_view cookie_label = "polywire x25519-xchacha v1 cookie";

cookie_guard::cookie mac(const secret<32>& key, std::int64_t bucket, byte_view source) noexcept {
    std::array<std::uint8_t, 8> t{};
    for (std::size_t i = 0; i < 8; ++i) t[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(bucket) >> (8 * i));
    return crypto::hmac_sha256(key, as_bytes(cookie_label), t, source);
}

}  // namespace

std::int64_t cookie_guard::bucket_of(transport::time_point now) const noexcept {
    const auto lifetime = std::max(opts_.lifetime.count(), transport::duration::rep{1});
    return std::chrono::duration_cast<transport::duration>(now.time_since_epoch()).count() / lifetime;
}

// Draws the secret of `bucket` if it is newer than the current one; keeps
// the current one as the previous if it is the bucket just before.
bool cookie_guard::rotate(std::int64_t bucket) noexcept {
    if (bucket_ && bucket <= *bucket_) return true;
    secret<32> fresh;
    if (crypto::random_bytes(fresh.mutable_view())) return false;
    previous_valid_ = bucket_ && *bucket_ == bucket - 1;
    previous_ = previous_valid_ ? current_ : secret<32>();
    current_ = fresh;
    bucket_ = bucket;
    return true;
}

std::optional<cookie_guard::cookie> cookie_guard::cookie_for(byte_view source, transport::time_point now) noexcept {
    const std::int64_t bucket = bucket_of(now);
    if (!rotate(bucket) || bucket != *bucket_) return std::nullopt;  // a clock going back: no cookie
    return mac(current_, bucket, source);
}

bool cookie_guard::verifies(byte_view c, byte_view source, transport::time_point now) noexcept {
    const std::int64_t bucket = bucket_of(now);
    if (!rotate(bucket)) return false;
    // Both are computed, so the time taken does not say which one matched.
    const bool now_ok = bucket == *bucket_ && constant_time_equal(mac(current_, bucket, source), c);
    const bool before_ok = previous_valid_ && constant_time_equal(mac(previous_, *bucket_ - 1, source), c);
    return now_ok || before_ok;
}

cookie_guard::verdict cookie_guard::check(byte_view datagram, byte_view source, transport::time_point now,
                                          bool require_cookie, bytes& reply) noexcept {
    reply.clear();
    if (datagram.size() == hello_size && datagram[0] == kind::hello) {
        if (!require_cookie) return verdict::accept;
        auto c = cookie_for(source, now);
        if (!c) return verdict::drop;
        try {
            reply.reserve(cookie_reply_size);
            reply.push_back(kind::cookie);
            reply.insert(reply.end(), datagram.begin() + 1, datagram.begin() + 17);  // sid_i
            reply.insert(reply.end(), c->begin(), c->end());
        } catch (const std::bad_alloc&) {
            std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
        } catch (...) {
            reply.clear();
            return verdict::drop;
        }
        return verdict::answer;
    }
    if (datagram.size() == cookie_hello_size && datagram[0] == kind::cookie_hello &&
        datagram[1 + cookie_size] == kind::hello) {
        return verifies(datagram.subspan(1, cookie_size), source, now) ? verdict::accept : verdict::drop;
    }
    return verdict::drop;
}

}  // namespace polywire::variants::x25519_xchacha
