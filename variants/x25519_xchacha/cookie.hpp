// x25519-xchacha over datagrams: the responder's stateless cookie round
// (docs/variants.md, "x25519-xchacha", "Cookies"), as WireGuard's cookie
// reply or QUIC's Retry. A listener under load answers a HELLO that carries
// no cookie with
//   COOKIE (49 B) 0x05 | sid_i (16, the HELLO's) | cookie (32)
// and keeps nothing; the initiator sends its HELLO again as
//   COOKIE_HELLO (114 B) 0x06 | cookie (32) | HELLO (81)
// and only a COOKIE_HELLO whose cookie verifies (constant time) gets a
// session, and with it any key work. So under load no state and no
// X25519/Ed25519 operation is spent on an address that does not receive
// what is sent to it, and what goes to an unverified address (49 B) is less
// than what came from it (81 B).
//
//   cookie = HMAC-SHA256(secret_t, "polywire x25519-xchacha v1 cookie" |
//                                  LE64(t) | source)
// where t = now / lifetime is the time bucket, secret_t is 32 random bytes
// drawn for bucket t (the secret rotates with the bucket; the previous one
// is kept), and source is the sender's address and port as the listener
// encodes them (its address bytes, then the port big-endian). A cookie verifies in its bucket and the
// next one: for between one and two lifetimes. A wrong, foreign or expired
// cookie is dropped without an answer.
//
// A COOKIE is not authenticated: whoever sees a HELLO (and so its sid_i)
// can send the initiator a wrong cookie, which delays its handshake until
// the genuine COOKIE (the newest one wins) or the deadline — no more than
// dropping its datagrams would. One guard is used by one thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "transport/bytes.hpp"
#include "transport/options.hpp"

namespace polywire::variants::x25519_xchacha {

class cookie_guard {
public:
    struct options {
        /// The time bucket: a secret lives this long, a cookie one to two.
        transport::duration lifetime = std::chrono::seconds(120);
    };
    using cookie = std::array<std::uint8_t, 32>;

    /// What to do with the first datagram from a source without a session.
    enum class verdict {
        accept,  ///< give it to a new session (a HELLO; or a COOKIE_HELLO whose cookie verified)
        answer,  ///< send `reply` (a COOKIE) back and keep nothing
        drop,    ///< not a first handshake message, or a cookie that does not verify
    };

    cookie_guard() noexcept : cookie_guard(options{}) {}
    explicit cookie_guard(options o) noexcept : opts_(o) {}

    /// `source`: the sender's address and port (any fixed encoding, the
    /// same for the same sender); `require_cookie`: the listener is under
    /// load, a HELLO without a cookie gets a COOKIE. A COOKIE_HELLO is
    /// checked whatever the load. `reply` is cleared, and filled on answer.
    verdict check(byte_view datagram, byte_view source, transport::time_point now, bool require_cookie,
                  bytes& reply) noexcept;

    /// check() as a listener's gate (transport/adapters/asio_datagram.hpp,
    /// first_datagram_gate): true to accept; false with `reply` to send, or
    /// empty to drop.
    bool admit(byte_view datagram, byte_view source, transport::time_point now, bool under_load, bytes& reply) noexcept {
        return check(datagram, source, now, under_load, reply) == verdict::accept;
    }

    /// The cookie `source` gets now (std::nullopt if no random secret could
    /// be drawn).
    std::optional<cookie> cookie_for(byte_view source, transport::time_point now) noexcept;

private:
    std::int64_t bucket_of(transport::time_point now) const noexcept;
    bool rotate(std::int64_t bucket) noexcept;
    bool verifies(byte_view c, byte_view source, transport::time_point now) noexcept;

    options opts_;
    std::optional<std::int64_t> bucket_;  ///< the bucket of current_
    secret<32> current_, previous_;
    bool previous_valid_ = false;
};

}  // namespace polywire::variants::x25519_xchacha
