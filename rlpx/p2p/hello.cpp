#include "rlpx/p2p/hello.hpp"

#include <algorithm>
#include <exception>
#include <new>

#include "rlpx/error.hpp"
#include "rlpx/rlp.hpp"

namespace polywire::rlpx::p2p {
namespace {

std::error_code bad() noexcept { return make_error_code(errc::bad_hello_rlp); }

// Each step below maps any RLP error onto bad_hello_rlp.
template <class T>
result<T> field(result<T>&& r) noexcept {
    if (!r) return bad();
    return std::move(r).value();
}

bool less_cap(const capability& a, const capability& b) noexcept {
    if (a.name != b.name) return a.name < b.name;  // char_traits<char>: unsigned, byte-wise
    return a.version < b.version;
}

result<capability> decode_capability(const rlp::item& it) {
    if (it.type != rlp::kind::list) return bad();
    rlp::list_reader r(it.payload);
    POLYWIRE_TRY(name, field(r.next_bytes()));
    POLYWIRE_TRY(version, field(r.next_uint()));
    while (!r.empty()) {  // further elements of a capability are ignored
        POLYWIRE_TRY(extra, field(r.next()));
        (void)extra;
    }
    return capability{std::string(reinterpret_cast<const char*>(name.data()), name.size()), version};
}

result<hello> decode_impl(byte_view payload) {
    POLYWIRE_TRY(outer, field(rlp::decode(payload)));  // bytes after the list are ignored
    if (outer.type != rlp::kind::list) return bad();
    rlp::list_reader r(outer.payload);

    hello h;
    POLYWIRE_TRY(version, field(r.next_uint()));
    h.protocol_version = version;

    POLYWIRE_TRY(client, field(r.next_bytes()));
    h.client_id.assign(reinterpret_cast<const char*>(client.data()), client.size());

    POLYWIRE_TRY(caps, field(r.next_list()));
    for (rlp::list_reader cr(caps); !cr.empty();) {
        POLYWIRE_TRY(item, field(cr.next()));
        POLYWIRE_TRY(cap, decode_capability(item));
        h.caps.push_back(std::move(cap));
    }

    POLYWIRE_TRY(port, field(r.next_uint()));
    h.listen_port = port;

    POLYWIRE_TRY(id, field(r.next_bytes()));
    if (id.size() != h.node_id.size()) return bad();
    if (std::all_of(id.begin(), id.end(), [](std::uint8_t b) { return b == 0; })) return bad();
    std::copy(id.begin(), id.end(), h.node_id.begin());

    // Remaining elements (newer protocol versions' fields) are ignored, but
    // must still be well-formed items of the list.
    while (!r.empty()) {
        POLYWIRE_TRY(extra, field(r.next()));
        (void)extra;
    }
    return h;
}

}  // namespace

bytes encode(const hello& h) noexcept {
    std::vector<capability> caps = h.caps;
    std::sort(caps.begin(), caps.end(), less_cap);

    bytes cap_list;
    for (const capability& c : caps) {
        bytes one;
        rlp::encode_string(one, c.name);
        rlp::encode_uint(one, c.version);
        rlp::encode_list(cap_list, one);
    }

    bytes body;
    rlp::encode_uint(body, h.protocol_version);
    rlp::encode_string(body, h.client_id);
    rlp::encode_list(body, cap_list);
    rlp::encode_uint(body, h.listen_port);
    rlp::encode_bytes(body, byte_view(h.node_id.data(), h.node_id.size()));

    bytes out;
    out.reserve(body.size() + 9);
    rlp::encode_list(out, body);
    return out;
}

result<hello> decode_hello(byte_view payload) noexcept {
    if (payload.size() > max_hello_size) return make_error_code(errc::hello_too_large);
    try {
        return decode_impl(payload);
    } catch (const std::bad_alloc&) {
        std::terminate();  // allocation failure terminates (docs/architecture.md, "Failure policy")
    }
}

std::error_code check_identity(const hello& h, const crypto::secp256k1::public_key& handshake_key) noexcept {
    // geth compares keccak256(Hello.ID) with the handshake key's node ID
    // (keccak256 of the same 64 bytes); comparing the keys is equivalent.
    if (h.node_id != handshake_key) return make_error_code(errc::hello_identity_mismatch);
    return {};
}

}  // namespace polywire::rlpx::p2p
