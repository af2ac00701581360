#include "variants/sha256_per_side/handshake.hpp"

#include <algorithm>
#include <utility>

#include "transport/error.hpp"
#include "variants/sha256_per_side/error.hpp"

namespace polywire::variants::sha256_per_side {

namespace k1 = crypto::secp256k1;

handshake::handshake(policies::handshake_role, const options&,
                                           const transport::key_agreement_context& context)
    : random_(context.random) {}

std::error_code handshake::start(bytes& out) noexcept {
    if (started_) return transport::errc::invalid_argument;
    auto key = k1::generate_private_key(random_);
    if (!key) return key.error();
    session_key_ = key.value();
    auto pub = k1::derive_compressed_public_key(session_key_);
    if (!pub) return pub.error();
    local_ = pub.value();
    out.insert(out.end(), local_.begin(), local_.end());
    started_ = true;
    return {};
}

result<policies::handshake_step> handshake::consume(byte_view in, bytes&) noexcept {
    if (!started_ || done_) return make_error_code(transport::errc::invalid_argument);
    if (in.size() < session_key_size) return policies::handshake_step{0, false};
    const byte_view raw = in.first(session_key_size);
    // Only the compressed form (0x02/0x03 || X) of a point on the curve.
    if (raw[0] != 0x02 && raw[0] != 0x03) return make_error_code(errc::bad_session_key);
    auto remote = k1::parse_public_key(raw);
    if (!remote) return make_error_code(errc::bad_session_key);
    // Our own key back (a peer echoing our bytes, or a connection to
    // ourselves): both directions would share one AES-CTR keystream.
    if (std::equal(raw.begin(), raw.end(), local_.begin(), local_.end())) return make_error_code(errc::own_session_key);
    auto shared = k1::ecdh_sha256(session_key_, remote.value());
    session_key_ = k1::private_key{};  // the session key is used once
    if (!shared) return shared.error();
    compressed_key remote_key{};
    std::copy(raw.begin(), raw.end(), remote_key.begin());
    secrets_ = derive_secrets(shared.value(), local_, remote_key);
    done_ = true;
    return policies::handshake_step{session_key_size, true};
}

handshake::secrets handshake::take_secrets() noexcept {
    secrets s = secrets_;
    secrets_ = secrets{};
    return s;
}

}  // namespace polywire::variants::sha256_per_side
