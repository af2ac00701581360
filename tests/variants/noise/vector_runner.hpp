// Runs one Noise test vector (cacophony's and snow's format) through two
// real sessions of noise::config<Pattern, Suite>: an initiator and a
// responder configured from the vector (prologue, ephemeral keys through
// the random source, static keys, remote static keys, psks, payloads). Every
// handshake message's bytes are compared with the vector's ciphertext
// (behind the 2-byte length), every received payload with the vector's, the
// handshake hash with the vector's, then each transport message: payload
// in, ciphertext out, opened on the other side. Returns "" or what differed.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "transport/bytes.hpp"
#include "transport/error.hpp"
#include "variants/noise/config.hpp"

namespace polywire::test::noise_vectors {

inline bytes unhex(const nlohmann::json& v) {
    bytes out;
    if (v.is_string()) from_hex(v.get<std::string>(), out);
    return out;
}

inline bytes framed(const bytes& ct) {
    bytes f{static_cast<std::uint8_t>(ct.size() >> 8), static_cast<std::uint8_t>(ct.size())};
    f.insert(f.end(), ct.begin(), ct.end());
    return f;
}

template <class Pattern, class Suite>
std::string run_vector(const nlohmann::json& v) {
    using config = noise::config<Pattern, Suite>;
    using session = transport::session<config>;
    using ka = typename session::key_agreement;
    const auto& msgs = v.at("messages");
    const std::size_t hs = ka::message_count;
    if (msgs.size() < hs) return "fewer messages than the pattern has";

    struct side {
        std::vector<bytes> received;
    };
    auto rec_i = std::make_shared<side>(), rec_r = std::make_shared<side>();
    auto make = [&](const char* who, std::shared_ptr<side> rec) {
        const std::string p = who;
        typename session::options o{};
        auto& h = o.handshake;
        h.prologue = unhex(v.value(p + "_prologue", nlohmann::json()));
        if (v.contains(p + "_static")) h.static_key.emplace(byte_view(unhex(v[p + "_static"])));
        if (v.contains(p + "_remote_static")) {
            const bytes rs = unhex(v[p + "_remote_static"]);
            typename ka::public_key k{};
            std::copy_n(rs.begin(), std::min(rs.size(), k.size()), k.begin());
            h.remote_static = k;
        }
        if (v.contains(p + "_psks"))
            for (const auto& k : v[p + "_psks"]) h.psks.emplace_back(byte_view(unhex(k)));
        for (std::size_t i = 0; i < hs; ++i) h.payloads.push_back(unhex(msgs[i].at("payload")));
        auto eph = std::make_shared<bytes>(unhex(v.value(p + "_ephemeral", nlohmann::json())));
        h.random = [eph](mutable_byte_view out) -> std::error_code {
            if (eph->size() < out.size()) return transport::errc::random_failure;
            std::copy_n(eph->begin(), out.size(), out.begin());
            eph->erase(eph->begin(), eph->begin() + static_cast<std::ptrdiff_t>(out.size()));
            return {};
        };
        h.on_payload = [rec](std::size_t, byte_view payload) { rec->received.emplace_back(payload.begin(), payload.end()); };
        return o;
    };
    const auto now = transport::time_point{} + std::chrono::hours(1);
    session a(policies::handshake_role::initiator, make("init", rec_i));
    session b(policies::handshake_role::recipient, make("resp", rec_r));
    if (auto ec = a.start(now)) return "initiator start: " + ec.message();
    if (auto ec = b.start(now)) return "responder start: " + ec.message();

    auto transfer = [&](session& from, session& to, const bytes& expected, std::size_t i) -> std::string {
        const byte_view out = from.pending_output();
        if (!std::equal(out.begin(), out.end(), expected.begin(), expected.end()))
            return "message " + std::to_string(i) + ": sent " + to_hex(out) + ", the vector has " + to_hex(expected);
        const bytes copy(out.begin(), out.end());
        from.consume_output(copy.size());
        if (auto ec = to.receive(copy, now)) return "message " + std::to_string(i) + " refused: " + ec.message();
        return {};
    };

    for (std::size_t i = 0; i < hs; ++i) {
        const bool by_initiator = i % 2 == 0;
        session& from = by_initiator ? a : b;
        session& to = by_initiator ? b : a;
        if (auto e = transfer(from, to, framed(unhex(msgs[i].at("ciphertext"))), i); !e.empty()) return e;
        const auto& rec = by_initiator ? rec_r->received : rec_i->received;
        if (rec.empty() || rec.back() != unhex(msgs[i].at("payload")))
            return "message " + std::to_string(i) + ": the received payload differs";
    }
    for (session* s : {&a, &b}) {
        auto e = s->next_event();
        if (!e || e->kind != transport::event_kind::handshake_complete) return "no handshake_complete event";
        if (s->state() != transport::session_state::established) return "not established";
    }
    if (v.contains("handshake_hash")) {
        const bytes h = unhex(v["handshake_hash"]);
        if (a.remote_id().handshake_hash != h) return "initiator's handshake hash " + to_hex(a.remote_id().handshake_hash);
        if (b.remote_id().handshake_hash != h) return "responder's handshake hash " + to_hex(b.remote_id().handshake_hash);
    }
    for (std::size_t i = hs; i < msgs.size(); ++i) {
        const bool by_initiator = ka::one_way || i % 2 == 0;
        session& from = by_initiator ? a : b;
        session& to = by_initiator ? b : a;
        const bytes payload = unhex(msgs[i].at("payload"));
        if (auto ec = from.send(0, payload, now)) return "transport message " + std::to_string(i) + ": " + ec.message();
        if (auto e = transfer(from, to, framed(unhex(msgs[i].at("ciphertext"))), i); !e.empty()) return e;
        auto ev = to.next_event();
        if (!ev || ev->kind != transport::event_kind::message) return "transport message " + std::to_string(i) + " not delivered";
        if (!std::equal(ev->payload.begin(), ev->payload.end(), payload.begin(), payload.end()))
            return "transport message " + std::to_string(i) + ": opened payload differs";
    }
    return {};
}

}  // namespace polywire::test::noise_vectors
