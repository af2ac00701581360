// Writes tests/vectors/x25519-xchacha-golden.json: a full x25519-xchacha
// session between two fixed identities with fixed ephemeral keys and
// session ids — the handshake (without and with a pre-shared key), packets
// both ways (one message, an empty one, a batch on several channels), a
// rekey exchange and packets under the new keys, and the same packets in
// the datagram layout. Run once:
//
//   bazel run //tests/variants/x25519_xchacha:golden_generator > tests/vectors/x25519-xchacha-golden.json
//
// then reviewed by hand and checked against an independent implementation
// (golden_check.py); vectors_test replays the file through the sessions.
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/hkdf.hpp"
#include "tests/variants/x25519_xchacha/fixture.hpp"

namespace polywire::variants::x25519_xchacha {
namespace {
using namespace test;
using nlohmann::ordered_json;
using transport::outgoing_message;

template <class Session>
typename Session::options golden_options(bool initiator, bool with_psk) {
    auto o = initiator ? alice_options<Session>() : bob_options<Session>();
    // The fixture's ephemeral keys and session ids, then the rekey's key.
    o.random = initiator ? fixed_random(0xa1, 0xa5, x_key(0xc1).view()) : fixed_random(0xb1, 0xb5, x_key(0xd1).view());
    if (with_psk) o.handshake.psk = secret<32>(bytes(32, 0x5c));
    o.protocol.rekey_interval = initiator ? std::chrono::seconds(60) : std::chrono::seconds(0);
    return o;
}

template <class Session>
bytes take_output(Session& s) {
    bytes out;
    for (auto d = s.pending_output(); !d.empty(); d = s.pending_output()) {
        out.insert(out.end(), d.begin(), d.end());
        s.consume_output(d.size());
    }
    return out;
}

// Every datagram pending, one per element.
template <class Session>
std::vector<bytes> take_datagrams(Session& s) {
    std::vector<bytes> out;
    for (auto d = s.pending_output(); !d.empty(); d = s.pending_output()) {
        out.emplace_back(d.begin(), d.end());
        s.consume_output(d.size());
    }
    return out;
}

ordered_json messages_json(const std::vector<outgoing_message>& ms) {
    ordered_json a = ordered_json::array();
    for (const auto& m : ms) a.push_back({{"channel", m.code}, {"payload", to_hex(m.payload)}});
    return a;
}

ordered_json handshake_json(bool with_psk) {
    session a(policies::handshake_role::initiator, golden_options<session>(true, with_psk));
    session b(policies::handshake_role::recipient, golden_options<session>(false, with_psk));
    const auto t0 = transport::time_point{} + std::chrono::hours(1);
    (void)a.start(t0);
    (void)b.start(t0);
    const bytes hello = take_output(a);
    (void)b.receive(hello, t0);
    const bytes reply = take_output(b);
    (void)a.receive(reply, t0);
    const bytes proof = take_output(a);
    (void)b.receive(proof, t0);
    const bytes finished = take_output(b);
    (void)a.receive(finished, t0);
    if (a.state() != transport::session_state::established || b.state() != transport::session_state::established)
        throw std::runtime_error("golden handshake failed");
    // The key agreement on its own, for the transcript hash and the keys.
    handshake ka(policies::handshake_role::initiator, golden_options<session>(true, with_psk).handshake);
    bytes out, sink;
    (void)ka.start(out);
    (void)ka.consume(reply, sink);
    (void)ka.consume(finished, sink);
    const secrets s = ka.take_secrets();
    return {{"hello", to_hex(hello)},
            {"reply", to_hex(reply)},
            {"proof", to_hex(proof)},
            {"finished", to_hex(finished)},
            {"transcript_hash", to_hex(ka.transcript_hash())},
            {"initiator_key", to_hex(s.initiator_key)},
            {"responder_key", to_hex(s.responder_key)},
            {"chaining_key", to_hex(s.chaining_key)}};
}

// Sends `ms` from `from` as one batch; the wire bytes (stream: one packet
// per element after splitting at packet boundaries is not needed: batches
// here fit one packet).
template <class Session>
ordered_json packet(Session& from, Session& to, const char* who, const std::vector<outgoing_message>& ms,
                    transport::time_point now) {
    if (from.send_batch(ms, now)) throw std::runtime_error("send failed");
    const std::uint64_t id = from.egress_codec()->next_packet_id() - 1;
    const std::uint32_t epoch = from.egress_codec()->epoch();
    const bytes wire = take_output(from);
    (void)to.receive(wire, now);
    std::size_t delivered = 0;
    while (auto e = to.next_event())
        if (e->kind == transport::event_kind::message) ++delivered;
    if (delivered != ms.size()) throw std::runtime_error("packet not delivered");
    return {{"from", who}, {"epoch", epoch}, {"packet_id", id}, {"messages", messages_json(ms)}, {"wire", to_hex(wire)}};
}

ordered_json generate() {
    ordered_json j;
    j["_comment"] =
        "x25519-xchacha golden transcript (polywire's own protocol: NOT secureio's wire format). Generated once by "
        "tests/variants/x25519_xchacha/golden_generator.cpp, reviewed by hand, and checked against an independent "
        "implementation of docs/variants.md's spec (golden_check.py: Python 'cryptography' for X25519, Ed25519, "
        "HKDF, HMAC and ChaCha20-Poly1305, with HChaCha20 written out). vectors_test replays it through the "
        "sessions. Integers on the wire are little-endian; hex is lower case.";
    j["protocol_label"] = std::string(protocol_label);
    j["inputs"] = {
        {"initiator",
         {{"identity_seed", to_hex(alice().seed())},
          {"identity_public", to_hex(alice().public_key())},
          {"ephemeral_private", to_hex(x_key(0xa1))},
          {"ephemeral_public", to_hex(crypto::x25519::public_key_of(x_key(0xa1)))},
          {"session_id", to_hex(sid(0xa5))},
          {"rekey_private", to_hex(x_key(0xc1))},
          {"rekey_public", to_hex(crypto::x25519::public_key_of(x_key(0xc1)))}}},
        {"responder",
         {{"identity_seed", to_hex(bob().seed())},
          {"identity_public", to_hex(bob().public_key())},
          {"ephemeral_private", to_hex(x_key(0xb1))},
          {"ephemeral_public", to_hex(crypto::x25519::public_key_of(x_key(0xb1)))},
          {"session_id", to_hex(sid(0xb5))},
          {"rekey_private", to_hex(x_key(0xd1))},
          {"rekey_public", to_hex(crypto::x25519::public_key_of(x_key(0xd1)))}}},
        {"psk", to_hex(bytes(32, 0x5c))},
    };
    j["handshake"] = handshake_json(false);
    j["handshake_with_psk"] = handshake_json(true);

    // Packets over the stream layout, then a rekey, then packets under epoch 1.
    session a(policies::handshake_role::initiator, golden_options<session>(true, false));
    session b(policies::handshake_role::recipient, golden_options<session>(false, false));
    auto now = transport::time_point{} + std::chrono::hours(1);
    (void)a.start(now);
    (void)b.start(now);
    for (int i = 0; i < 4; ++i) {
        (void)b.receive(take_output(a), now);
        (void)a.receive(take_output(b), now);
    }
    while (a.next_event()) {
    }
    while (b.next_event()) {
    }
    const bytes hello_msg = bytes(as_bytes("hello, bob").begin(), as_bytes("hello, bob").end());
    const bytes reply_msg = bytes(as_bytes("hello, alice").begin(), as_bytes("hello, alice").end());
    const bytes b1 = h("01"), b2 = h("0202"), b3 = h("030303");
    ordered_json packets = ordered_json::array();
    packets.push_back(packet(a, b, "initiator", {{.code = 0, .payload = hello_msg}}, now));
    packets.push_back(packet(b, a, "responder", {{.code = 0, .payload = reply_msg}}, now));
    packets.push_back(packet(a, b, "initiator", {{.code = 7, .payload = {}}}, now));
    packets.push_back(packet(a, b, "initiator", {{.code = 1, .payload = b1}, {.code = 2, .payload = b2}, {.code = max_channel, .payload = b3}}, now));
    j["stream_packets"] = packets;

    // The rekey: Alice's timer fires after 60 s.
    ordered_json rekey = ordered_json::array();
    now += std::chrono::seconds(60);
    (void)a.on_tick(now);
    const char* names[] = {"rekey", "rekey_ack", "rekey_done", "rekey_done"};
    session* from[] = {&a, &b, &a, &b};
    session* to[] = {&b, &a, &b, &a};
    for (int i = 0; i < 4; ++i) {
        const bytes wire = take_output(*from[i]);  // sealed already (on_tick, or the last receive)
        const std::uint64_t id = from[i]->egress_codec()->next_packet_id() - 1;
        (void)to[i]->receive(wire, now);
        rekey.push_back({{"message", names[i]},
                         {"from", from[i] == &a ? "initiator" : "responder"},
                         {"packet_id", id},
                         {"wire", to_hex(wire)}});
    }
    if (a.protocol().rekeys_completed() != 1 || b.protocol().rekeys_completed() != 1)
        throw std::runtime_error("golden rekey failed");
    while (a.next_event()) {
    }
    while (b.next_event()) {
    }
    // Epoch 1's keys, for the reader (computed as docs/variants.md says).
    {
        handshake ka(policies::handshake_role::initiator, golden_options<session>(true, false).handshake);
        bytes out, sink;
        (void)ka.start(out);
        (void)ka.consume(h(j["handshake"]["reply"].get<std::string>()), sink);
        (void)ka.consume(h(j["handshake"]["finished"].get<std::string>()), sink);
        const secrets s = ka.take_secrets();
        auto ss = crypto::x25519::shared_secret(x_key(0xc1), crypto::x25519::public_key_of(x_key(0xd1))).value();
        bytes info(as_bytes(protocol_label).begin(), as_bytes(protocol_label).end());
        for (char c : std::string_view(" rekey")) info.push_back(static_cast<std::uint8_t>(c));
        for (std::uint8_t e : {1, 0, 0, 0}) info.push_back(e);
        const auto pa = crypto::x25519::public_key_of(x_key(0xc1)), pb = crypto::x25519::public_key_of(x_key(0xd1));
        info.insert(info.end(), pa.begin(), pa.end());
        info.insert(info.end(), pb.begin(), pb.end());
        secret<96> okm;
        (void)crypto::hkdf_sha256(okm.mutable_view(), ss, s.chaining_key, info);
        j["rekey"] = {{"epoch", 1},
                      {"chaining_key", to_hex(okm.view().first(32))},
                      {"initiator_key", to_hex(okm.view().subspan(32, 32))},
                      {"responder_key", to_hex(okm.view().subspan(64, 32))},
                      {"messages", rekey}};
    }
    ordered_json after = ordered_json::array();
    after.push_back(packet(a, b, "initiator", {{.code = 3, .payload = hello_msg}}, now));
    after.push_back(packet(b, a, "responder", {{.code = 4, .payload = reply_msg}}, now));
    j["stream_packets_after_rekey"] = after;

    // The datagram layout: the same handshake datagrams, then packets with
    // its 12-byte header.
    udp_session ua(policies::handshake_role::initiator, golden_options<udp_session>(true, false));
    udp_session ub(policies::handshake_role::recipient, golden_options<udp_session>(false, false));
    auto unow = transport::time_point{} + std::chrono::hours(1);
    (void)ua.start(unow);
    (void)ub.start(unow);
    std::vector<bytes> hs;
    for (int i = 0; i < 2; ++i) {
        for (const bytes& d : take_datagrams(ua)) {
            hs.push_back(d);
            (void)ub.receive_datagram(d, unow);
        }
        for (const bytes& d : take_datagrams(ub)) {
            hs.push_back(d);
            (void)ua.receive_datagram(d, unow);
        }
    }
    if (hs.size() != 4 || to_hex(hs[0]) != j["handshake"]["hello"] || to_hex(hs[3]) != j["handshake"]["finished"])
        throw std::runtime_error("datagram handshake differs");
    ordered_json dpackets = ordered_json::array();
    for (int k = 0; k < 2; ++k) {
        udp_session& f = k == 0 ? ua : ub;
        udp_session& t = k == 0 ? ub : ua;
        const std::vector<outgoing_message> ms = {{.code = 0, .payload = k == 0 ? hello_msg : reply_msg}};
        if (f.send_batch(ms, unow)) throw std::runtime_error("send failed");
        const auto ds = take_datagrams(f);
        (void)t.receive_datagram(ds.at(0), unow);
        dpackets.push_back({{"from", k == 0 ? "initiator" : "responder"},
                            {"epoch", 0},
                            {"packet_id", 0},
                            {"messages", messages_json(ms)},
                            {"wire", to_hex(ds.at(0))}});
    }
    j["datagram_packets"] = dpackets;
    return j;
}

}  // namespace
}  // namespace polywire::variants::x25519_xchacha

int main() {
    try {
        std::cout << polywire::variants::x25519_xchacha::generate().dump(1) << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "golden_generator: " << e.what() << "\n";
        return 1;
    }
}
