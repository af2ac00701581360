// The session fuzz harness, written once for every variant of the one list
// (variants/all.hpp) and made from its descriptor alone: fixed identity
// keys (V::load_key of 64 hex digits), the descriptor's options
// (V::make_options), and a deterministic random source in options.random,
// so two runs make the same ephemeral keys and nonces, a real handshake
// ends with the same transport keys every time, and a seed that is a real
// peer's bytes reaches past the handshake on every run.
//
// Input: a mode byte, then records  length (2 bytes, big-endian) | bytes
// (a final short record takes what is left). Each record is one receive()
// over a stream (so the fuzzer chooses the splits) or one datagram.
//   mode 0  a responder reads the records as the initiator's handshake (and
//           whatever follows it);
//   mode 1  an initiator (expecting the responder's id) reads them as the
//           responder's;
//   mode 2  after a real handshake between two sessions, the responder
//           reads them as the initiator's transport frames;
//   mode 3  the same, the initiator reading the responder's frames.
// Then the clock jumps (keepalive, timeouts) and a message is sent if the
// session is still established.
//
// tests/fuzz/session_fuzz.cpp instantiates it for one variant per fuzz
// target; make_seeds writes each target's seeds from seeds<V>(), which
// records what real peers send.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "transport/bytes.hpp"
#include "transport/random.hpp"
#include "variants/all.hpp"

namespace polywire::fuzz::session_fuzz {

/// A deterministic byte source for options.random: a 64-bit linear
/// congruential sequence. A test fixture, not a cryptographic generator:
/// it only has to give every run the same bytes.
inline transport::random_source counter_random(std::uint64_t seed) {
    auto state = std::make_shared<std::uint64_t>(seed);
    return [state](mutable_byte_view out) -> std::error_code {
        for (auto& b : out) {
            *state = *state * 6364136223846793005ull + 1442695040888963407ull;
            b = static_cast<std::uint8_t>(*state >> 56);
        }
        return {};
    };
}

enum class mode : std::uint8_t { responder_handshake = 0, initiator_handshake = 1, responder_frames = 2, initiator_frames = 3 };

/// How the harness makes a variant's peers. The default reads the
/// descriptor; a variant whose keys cannot be written as 64 hex digits
/// specializes it.
template <class V>
struct setup {
    /// The initiator's or the responder's fixed identity key.
    static typename V::private_key key(bool initiator) {
        std::string why;
        auto k = V::load_key(std::string(64, initiator ? '1' : '2'), std::nullopt, why);
        if (!k) {
            std::fprintf(stderr, "session fuzz harness: %s cannot load a 64-hex-digit key (%s); specialize "
                                 "fuzz::session_fuzz::setup for it\n",
                         std::string(V::name).c_str(), why.c_str());
            std::abort();
        }
        return std::move(*k);
    }
    static typename V::node_config config(bool initiator) {
        auto c = V::make_config(key(initiator), transport::timeouts::suggested());
        if constexpr (requires { V::set_application(c, {}, std::string(), true); })
            V::set_application(c, {{"fuzz", 1, 8}}, "polywire-fuzz", true);
        return c;
    }
    /// The session options: the initiator expects the responder's id.
    static typename V::session::options options(bool initiator) {
        std::optional<typename V::remote_id> remote;
        if (initiator) remote = V::node_id(key(false)).value();
        auto o = V::make_options(config(initiator), remote);
        if (!o) {
            std::fprintf(stderr, "session fuzz harness: %s: make_options failed: %s\n", std::string(V::name).c_str(),
                         o.error().message().c_str());
            std::abort();
        }
        auto opts = std::move(o.value());
        opts.random = counter_random(initiator ? 0x1111 : 0x2222);
        opts.limits.max_input_buffer = 1 << 20;
        return opts;
    }
};

inline const transport::time_point start_time = transport::time_point{} + std::chrono::hours(1);

/// Appends `data` as one record (as several, if longer than a record holds).
inline void record(bytes& out, byte_view data) {
    do {
        const std::size_t n = std::min<std::size_t>(data.size(), 0xffff);
        out.push_back(static_cast<std::uint8_t>(n >> 8));
        out.push_back(static_cast<std::uint8_t>(n));
        out.insert(out.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
        data = data.subspan(n);
    } while (!data.empty());
}

/// What a run saw (the seeds test checks that seeds reach messages).
struct outcome {
    bool handshake_done = false;  ///< the session under test reached established
    std::vector<bytes> messages;  ///< payloads delivered (decoded as the descriptor decodes them)
    std::error_code error;        ///< the session's error, if it closed with one
};

template <class V>
struct harness {
    using session = typename V::session;
    /// Whole datagrams (receive_datagram) rather than a byte stream.
    static constexpr bool datagrams = policies::is_datagram<typename session::frame_layout>();

    static void feed(session& s, byte_view piece, transport::time_point now) {
        if constexpr (datagrams)
            (void)s.receive_datagram(piece, now);
        else
            (void)s.receive(piece, now);
    }
    static void discard_output(session& s) {
        for (int i = 0; i < 1 << 16 && !s.pending_output().empty(); ++i) s.consume_output(s.pending_output().size());
    }
    static void drain(session& s, outcome* seen) {
        while (auto e = s.next_event()) {
            if (!seen) continue;
            if (e->kind == transport::event_kind::handshake_complete) seen->handshake_done = true;
            if (e->kind == transport::event_kind::message)
                if (auto m = V::decode(e->code, e->payload)) seen->messages.emplace_back(m->second.begin(), m->second.end());
        }
    }

    /// Two sessions whose handshake is done, and what each sent for it
    /// (as records).
    struct pair {
        session a{policies::handshake_role::initiator, setup<V>::options(true)};
        session b{policies::handshake_role::recipient, setup<V>::options(false)};
        bytes a_sent, b_sent;

        /// Moves everything one side has to the other; false if nothing moved.
        static bool move(session& from, session& to, bytes& sent) {
            bool moved = false;
            for (int i = 0; i < 1 << 12 && !from.pending_output().empty(); ++i) {
                if (to.state() == transport::session_state::closed) break;
                byte_view out = from.pending_output();
                if constexpr (!datagrams) out = out.first(std::min(out.size(), to.input_capacity()));
                if (out.empty()) break;
                const bytes copy(out.begin(), out.end());
                from.consume_output(copy.size());
                record(sent, copy);
                feed(to, copy, start_time);
                drain(to, nullptr);
                moved = true;
            }
            return moved;
        }
        void run() {
            (void)a.start(start_time);
            (void)b.start(start_time);
            for (int i = 0; i < 64; ++i) {
                const bool ab = move(a, b, a_sent);
                const bool ba = move(b, a, b_sent);
                drain(a, nullptr);
                drain(b, nullptr);
                if (!ab && !ba) break;
            }
        }
        bool established() const {
            return a.state() == transport::session_state::established &&
                   b.state() == transport::session_state::established;
        }
    };

    /// Runs one input (the fuzz entry point's body).
    static outcome run(const std::uint8_t* data, std::size_t size) {
        outcome seen;
        if (size == 0) return seen;
        const auto m = static_cast<mode>(data[0] & 3);
        std::optional<pair> p;
        std::optional<session> alone;
        session* s = nullptr;
        if (m == mode::responder_frames || m == mode::initiator_frames) {
            p.emplace();
            p->run();
            if (!p->established()) return seen;
            s = m == mode::responder_frames ? &p->b : &p->a;
            seen.handshake_done = true;
        } else {
            const bool initiator = m == mode::initiator_handshake;
            alone.emplace(initiator ? policies::handshake_role::initiator : policies::handshake_role::recipient,
                          setup<V>::options(initiator));
            s = &*alone;
            (void)s->start(start_time);
            discard_output(*s);
        }
        byte_view in(data + 1, size - 1);
        while (!in.empty() && s->state() != transport::session_state::closed) {
            std::size_t n = in.size() >= 2 ? (std::size_t{in[0]} << 8 | in[1]) : in.size();
            in = in.subspan(in.size() >= 2 ? 2 : 0);
            n = std::min(n, in.size());
            feed(*s, in.first(n), start_time);
            in = in.subspan(n);
            drain(*s, &seen);
            discard_output(*s);
        }
        // Time passes: keepalive, handshake and idle timeouts.
        (void)s->on_tick(start_time + std::chrono::minutes(10));
        drain(*s, &seen);
        if (s->state() == transport::session_state::established) {
            bytes scratch;
            const auto [code, payload] = V::encode(V::first_application_code, as_bytes("fuzz"), scratch);
            (void)s->send(code, payload, start_time + std::chrono::minutes(10));
        }
        discard_output(*s);
        drain(*s, &seen);
        seen.error = s->error();
        return seen;
    }

    /// The messages the seeds carry after the handshake.
    static std::vector<bytes> seed_messages() {
        const std::size_t large = std::min<std::uint64_t>(V::max_payload, 1000);
        std::vector<bytes> m{bytes(as_bytes("hello fuzz").begin(), as_bytes("hello fuzz").end()), bytes(large, 0x5a)};
        return m;
    }

    /// What a session sends after the handshake: the seed messages, a ping
    /// (if the variant has one), a close.
    static bytes frames_after_handshake(session& from) {
        bytes out;
        auto take = [&] {
            for (int i = 0; i < 1 << 12 && !from.pending_output().empty(); ++i) {
                const byte_view o = from.pending_output();
                record(out, o);
                from.consume_output(o.size());
            }
        };
        for (const bytes& m : seed_messages()) {
            bytes scratch;
            const auto [code, payload] = V::encode(V::first_application_code, m, scratch);
            (void)from.send(code, payload, start_time);
            take();
        }
        if constexpr (V::has_ping) {
            (void)from.ping(start_time);
            take();
        }
        (void)from.close(V::default_reason, start_time);
        take();
        return out;
    }

    /// The seeds of the variant's target, by name: every mode, from real
    /// peers (empty if the real handshake does not complete).
    static std::vector<std::pair<std::string, bytes>> seeds() {
        std::vector<std::pair<std::string, bytes>> out;
        auto with_mode = [](mode m, const bytes& records) {
            bytes b{static_cast<std::uint8_t>(m)};
            b.insert(b.end(), records.begin(), records.end());
            return b;
        };
        {
            pair p;
            p.run();
            if (!p.established()) return out;
            out.emplace_back("responder_handshake", with_mode(mode::responder_handshake, p.a_sent));
            out.emplace_back("initiator_handshake", with_mode(mode::initiator_handshake, p.b_sent));
        }
        // Each side's frames come from a pair of its own: the fuzz run sets
        // up a fresh pair too, so the frames match its keys and counters.
        for (const bool from_initiator : {true, false}) {
            pair p;
            p.run();
            const bytes frames = frames_after_handshake(from_initiator ? p.a : p.b);
            const mode m = from_initiator ? mode::responder_frames : mode::initiator_frames;
            const std::string name = from_initiator ? "responder_frames" : "initiator_frames";
            out.emplace_back(name, with_mode(m, frames));
            // Over a stream, the same bytes cut into 7-byte receives.
            if constexpr (!datagrams) {
                bytes joined, cut;
                for (byte_view in = frames; in.size() >= 2;) {
                    const std::size_t n = std::min<std::size_t>(std::size_t{in[0]} << 8 | in[1], in.size() - 2);
                    joined.insert(joined.end(), in.begin() + 2, in.begin() + 2 + static_cast<std::ptrdiff_t>(n));
                    in = in.subspan(2 + n);
                }
                for (std::size_t at = 0; at < joined.size(); at += 7)
                    record(cut, byte_view(joined).subspan(at, std::min<std::size_t>(7, joined.size() - at)));
                out.emplace_back(name + "_split", with_mode(m, cut));
            }
        }
        return out;
    }
};

/// The fuzz target's name for a variant: "<name>_session_fuzz", '-' as '_'.
inline std::string target_name(std::string_view variant_name) {
    std::string n(variant_name);
    for (char& c : n)
        if (c == '-') c = '_';
    return n + "_session_fuzz";
}

}  // namespace polywire::fuzz::session_fuzz
