#include "variants/sha256_per_side/key_schedule.hpp"

#include <algorithm>

namespace polywire::variants::sha256_per_side {

crypto::digest32 key_hash(const secret<32>& shared, const compressed_key& sender, std::uint8_t index) noexcept {
    secret<32 + 33 + 1> input;  // wiped when it goes
    std::copy(shared.view().begin(), shared.view().end(), input.data());
    std::copy(sender.begin(), sender.end(), input.data() + 32);
    input[65] = index;
    return crypto::sha256(input.view());
}

direction_keys derive_direction_keys(const secret<32>& shared, const compressed_key& sender) noexcept {
    direction_keys k;
    crypto::digest32 h = key_hash(shared, sender, 0);
    k.aes_key.assign(byte_view(h).first(16));
    h = key_hash(shared, sender, 1);
    k.hmac_key.assign(h);
    h = key_hash(shared, sender, 2);
    k.iv.assign(byte_view(h).first(16));
    polywire::detail::wipe(h.data(), h.size());
    return k;
}

secrets derive_secrets(const secret<32>& shared, const compressed_key& local, const compressed_key& remote) noexcept {
    secrets s;
    s.egress = derive_direction_keys(shared, local);
    s.ingress = derive_direction_keys(shared, remote);
    s.local_session_key = local;
    s.remote_session_key = remote;
    return s;
}

}  // namespace polywire::variants::sha256_per_side
