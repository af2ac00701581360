// transport::session<Config> — the one session state machine.
//
// CONTRACT
// A session is sans-I/O: it never touches a socket or a clock. Bytes and the
// current time go in; bytes to send, events and deadlines come out. One
// class serves every configuration (RLPx and the variants); the protocol is
// entirely in the policies named by `Config` (see transport/config.hpp).
//
// States: initial -> handshaking -> established -> closing -> closed.
//   start(now)                 initial -> handshaking; the initiator's first
//                              handshake message appears in pending_output().
//   receive(bytes, now)        a piece of a byte stream (any split works), or
//   receive_datagram(d, now)   one whole datagram whose boundary is kept.
//                              Never more than input_capacity() bytes.
//   receive_space(n) / receive_in_place(k, now)
//                              receive() without a copy: room in the
//                              session's input buffer to read into, then
//                              how many bytes were read there.
//   receive_eof(now)           the peer closed its side.
//   next_event()               drain after every receive: handshake_complete,
//                              message{code, payload}, ping, pong,
//                              disconnected{reason}, error{error}. A message's
//                              payload is a view valid until the next call on
//                              the session; a steady-state message costs no
//                              heap allocation. A compressed message is
//                              inflated when taken: if its body is corrupt,
//                              an error event replaces it and everything
//                              queued after it (closing the session if it
//                              was not closed yet, e.g. by close() and its
//                              linger or by the peer's EOF).
//   pending_output() / consume_output(n)
//                              bytes to write, and how many were written.
//                              The base protocol's automatic replies (Pong)
//                              are queued here too, at most one identical
//                              reply waiting at a time (frame_writer::reply).
//   next_deadline() / on_tick(now)
//                              when the session next needs on_tick: handshake
//                              deadline, idle read timeout, keepalive ping,
//                              pong deadline, linger after a disconnect, and
//                              releasing buffers a large message left behind
//                              (limits::retained_buffer).
//   send(code, payload, now)   an application message (established only).
//                              The payload is read once, sealed straight into
//                              the output where the cipher can; it may be any
//                              memory, even a view of pending_output().
//   send_batch(messages, now)  several; a layout that packs messages puts as
//                              many in each frame as fit.
//   ping(now), close(reason, now)
//
// Frames: the FrameLayout chooses the frame's shape (where tags go, what the
// MAC covers, whether the header is encrypted) and may keep per-direction
// state; the session owns one frame codec per direction (transport/
// frame_codec.hpp) and only buffers, limits and dispatches. See
// docs/architecture.md, "Frame shapes".
//
// Datagrams: with a datagram FrameLayout (policies/frame_layout.hpp) each
// pending_output() is exactly one datagram, a datagram that fails before
// authentication (forged, replayed, too old, early or late) is discarded
// and counted (discarded_datagrams(), last_discard()) instead of closing
// the session, and the initiator's last handshake flight is resent every
// timeouts.retransmit until the peer answers (the responder never resends
// on a timer: it answers a repeated message with its last flight again).
// A handshake message the key agreement refuses (malformed, forged, or
// naming another identity) is discarded too: the handshake goes on, bounded by timeouts.handshake; if it runs out, the
// error is handshake_timeout and last_discard() still says what the last
// refused datagram was. See docs/architecture.md, "Datagrams".
// Datagram sizes: a datagram layout may negotiate how large its datagrams
// are (policies::probes_datagram_size; x25519-xchacha over UDP). Sessions
// start at the layout's base_frame_size (the floor); once the keys exist,
// rounds of probes (options.probing: sizes, schedule) go out at deadlines
// next_deadline() includes, the peer acknowledges each probe it receives
// (always, whatever its own options), and the largest acknowledged becomes
// max_frame_size(): send() refuses larger messages with message_too_large,
// send_batch() packs up to it. Probes and acknowledgements are sealed like
// any frame, so a forged or replayed one is discarded and changes nothing;
// datagram_sizes() says what was negotiated. The receiving side accepts any
// authenticated frame up to frame_layout::max_frame_size.
// Until its handshake completes (the peer proved it receives at its
// address), a responder sends at most amplification_limit times the bytes
// it received (what would exceed it is not sent), so that a spoofed source
// cannot turn it into an amplifier.
//
// Keys: once the session is closed, or closing after its goodbye was sealed,
// it holds no key (egress_codec()/ingress_codec() are null again, and the
// key agreement is back to its initial state); every buffer that held one
// was wiped.
//
// Errors: any wire error (bad MAC, malformed message, limit, timeout) — over
// datagrams, any that is not discarded as above — latches
// the session into `closed`, queues an error event, and — once keys exist —
// queues the base protocol's goodbye (RLPx: Disconnect) in pending_output().
// Every call after that returns errc::session_closed; send() before
// `established` returns errc::not_established. Neither is undefined
// behaviour. No plaintext of a frame that failed authentication is ever
// delivered: MACs are checked before decrypting, sizes before allocating.
// Nothing here throws. A frame the session cannot write is reported, never
// dropped silently: send() returns message_too_large (the session goes on)
// or the codec's sealing error (the session closes with it). Allocation
// failure terminates, in the session as in every key agreement and
// primitive (docs/architecture.md, "Failure policy").
//
// Randomness and secrets: options.random is where the key agreement draws
// every random byte (ephemeral keys, nonces, padding, session ids), in the
// order its docs/architecture.md entry lists; empty (the default), the
// operating system's generator. A source that fails makes start() or the
// handshake step fail with its error, and the session closes. Tests replay
// a vector's ephemeral keys and nonces through it. options.key_log, if set,
// is told every secret the session's key agreement holds, with labels
// listed in docs/architecture.md ("Key log"): after start(), after each
// handshake step (what it holds then: static and ephemeral private keys,
// nonces, chaining keys; a secret still held is told again), and once when
// the handshake's secrets are handed to the session (every derived key).
// All-zero (wiped) values are left out. It is called on the session's
// thread and must not throw. Never set it in production: it reveals every
// key (docs/security.md, "Key log"). Empty, it costs one test per step.
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "transport/bytes.hpp"
#include "transport/config.hpp"
#include "transport/error.hpp"
#include "transport/events.hpp"
#include "transport/frame_codec.hpp"
#include "transport/impl/datagram_flight.hpp"
#include "transport/impl/datagram_size.hpp"
#include "transport/impl/event_queue.hpp"
#include "transport/impl/input_buffer.hpp"
#include "transport/impl/key_log.hpp"
#include "transport/impl/output_buffer.hpp"
#include "transport/impl/timer_set.hpp"
#include "transport/options.hpp"
#include "transport/random.hpp"

namespace polywire::transport {

template <class Config>
class session {
    static_assert(check_config<Config>());

public:
    using config = Config;
    using key_agreement = policy_t<Config, role::key_agreement>;
    using cipher = policy_t<Config, role::cipher>;
    using mac_state = policy_t<Config, role::mac_state>;
    using frame_layout = policy_t<Config, role::frame_layout>;
    using compressor = policy_t<Config, role::compressor>;
    using base_protocol = base_protocol_t<Config>;
    using secrets = typename key_agreement::secrets;
    /// One direction's frame sealing and opening (the layout's own codec, or
    /// the standard one for its shape).
    using codec = frame_codec_t<cipher, mac_state, frame_layout>;
    using peer_info = typename base_protocol::peer_info;
    using remote_id_type = std::remove_cvref_t<decltype(std::declval<secrets>().remote_id)>;

    struct options {
        typename key_agreement::options handshake;
        typename base_protocol::options protocol{};
        transport::timeouts timeouts = timeouts::suggested();
        transport::limits limits{};
        /// Where the key agreement draws its randomness; empty: the OS's.
        transport::random_source random{};
        /// Told every secret of the handshake (tests, debugging); never
        /// set in production. See "Randomness and secrets" above.
        transport::key_log key_log{};
        /// Datagram size negotiation, for layouts that declare it (see
        /// "Datagram sizes" above); ignored otherwise.
        transport::datagram_probing probing{};
    };

    session(policies::handshake_role role, options opts);
    session(session&&) noexcept = default;
    session& operator=(session&&) noexcept = default;
    session(const session&) = delete;  // holds key material: never copied
    session& operator=(const session&) = delete;

    // ---- lifecycle -----------------------------------------------------
    std::error_code start(time_point now) noexcept;
    session_state state() const noexcept { return state_; }
    policies::handshake_role role() const noexcept { return role_; }
    /// The error that closed the session, if one did.
    std::error_code error() const noexcept { return error_; }
    /// The reason the peer gave when it said goodbye, if it did.
    std::optional<std::uint8_t> peer_disconnect_reason() const noexcept { return peer_reason_; }
    /// The reason of the goodbye this side queued (close(), or a failure's
    /// automatic goodbye), if it queued one.
    std::optional<std::uint8_t> local_disconnect_reason() const noexcept { return local_reason_; }

    // ---- input ---------------------------------------------------------
    std::size_t input_capacity() const noexcept;
    std::error_code receive(byte_view data, time_point now) noexcept;
    /// receive() without the copy, over a stream: receive_space(n) is room
    /// for at most n bytes (and at most input_capacity()) at the end of the
    /// session's input buffer; read into it, then receive_in_place(k, now)
    /// takes its first k bytes exactly as receive() of them would. The room
    /// is valid until the next call on the session; k larger than the room
    /// is refused with errc::invalid_argument (nothing is taken).
    mutable_byte_view receive_space(std::size_t n) noexcept;
    std::error_code receive_in_place(std::size_t k, time_point now) noexcept;
    std::error_code receive_datagram(byte_view datagram, time_point now) noexcept;
    std::error_code receive_eof(time_point now) noexcept;

    // ---- output --------------------------------------------------------
    /// Bytes to write; with a datagram layout, exactly the next datagram.
    byte_view pending_output() const noexcept;
    void consume_output(std::size_t n) noexcept;

    // ---- events and time -----------------------------------------------
    std::optional<event> next_event() noexcept;
    std::optional<time_point> next_deadline() const noexcept;
    std::error_code on_tick(time_point now) noexcept;

    // ---- application ---------------------------------------------------
    std::error_code send(std::uint64_t code, byte_view payload, time_point now) noexcept;
    /// Sends `messages` in order, all or none (each is checked first). A
    /// layout that packs messages (policies::packs_messages) fills each frame
    /// with as many as fit; otherwise each message is its own frame.
    std::error_code send_batch(std::span<const outgoing_message> messages, time_point now) noexcept;
    std::error_code ping(time_point now) noexcept;
    std::error_code close(std::uint8_t reason, time_point now) noexcept;
    /// Closes at once with `ec` and no goodbye (an adapter's I/O failure).
    void abort(std::error_code ec) noexcept;

    /// What the base protocol learnt about the peer (RLPx: its Hello and the
    /// shared capabilities); meaningful once established.
    const peer_info& peer() const noexcept { return base_.info(); }
    /// The peer's authenticated identity: the key agreement's, or the base
    /// protocol's once its greeting is accepted if it provides `remote_id()`
    /// (c-lightning's Authenticate); meaningful once established.
    const remote_id_type& remote_id() const noexcept { return remote_id_; }
    const options& settings() const noexcept { return opts_; }

    /// Bytes of buffers this session holds (for memory accounting).
    std::size_t buffered_bytes() const noexcept { return in_.capacity() + out_.capacity() + scratch_.capacity(); }

    /// The base protocol's and each direction's codec state (diagnostics,
    /// tests); the codecs exist once the keys do.
    const base_protocol& protocol() const noexcept { return base_; }
    const codec* egress_codec() const noexcept { return egress_ ? &*egress_ : nullptr; }
    const codec* ingress_codec() const noexcept { return ingress_ ? &*ingress_ : nullptr; }

    /// Datagram layouts: datagrams discarded so far, and why the last one was
    /// (kept after the session closed: after a handshake_timeout, the last
    /// handshake message the key agreement refused, if any).
    std::uint64_t discarded_datagrams() const noexcept { return flight_.discarded(); }
    std::error_code last_discard() const noexcept { return flight_.last_discard(); }
    /// Datagram layouts, responder: the most it sends an address it has not
    /// verified yet, as a multiple of what it received from there.
    static constexpr std::size_t amplification_limit = detail::datagram_flight<true>::amplification_limit;

    /// Whether this configuration negotiates its datagram size.
    static constexpr bool probes_datagram_size = policies::probes_datagram_size<frame_layout>();
    /// The largest frame body (message codes and payloads) a frame sent now
    /// may carry: frame_layout::max_frame_size, or, where datagram sizes are
    /// negotiated, the size negotiated so far (base_frame_size at first).
    std::size_t max_frame_size() const noexcept { return frame_limit(); }
    /// The largest frame sent now, on the wire (over datagrams: the largest
    /// datagram).
    std::size_t max_wire_size() const noexcept { return codec::wire_size(frame_limit()); }
    /// What datagram size negotiation did so far (zeros without it).
    datagram_size_stats datagram_sizes() const noexcept {
        datagram_size_stats s{};
        if constexpr (probes_datagram_size) s = sizer_.stats();
        s.max_frame_size = frame_limit();
        s.datagram_size = max_wire_size();
        return s;
    }

private:
    static constexpr bool datagrams = policies::is_datagram<frame_layout>();

    bool keys_ready() const noexcept { return egress_.has_value(); }
    bool compressing() const noexcept {
        return !std::is_same_v<compressor, policies::no_compression> && base_.compression_active();
    }
    /// A responder before its keys: its peer's address is not verified.
    bool unverified() const noexcept { return role_ == policies::handshake_role::recipient && !keys_ready(); }
    /// An initiator before its keys: it resends its flight on a timer.
    bool awaiting_answer() const noexcept { return role_ == policies::handshake_role::initiator && !keys_ready(); }

    // impl/session_start.hpp
    std::error_code process(time_point now) noexcept;
    std::error_code on_keys(time_point now) noexcept;
    /// Tells options.key_log the secrets held now (and those of `s`); a
    /// no-op unless a key log is set.
    void log_keys(const secrets* s) const noexcept;
    // impl/session_receive.hpp
    /// What receive() and receive_in_place() do once the bytes are in.
    std::error_code received(std::size_t n, time_point now) noexcept;
    std::error_code read_frame(bool& progressed) noexcept;
    std::error_code dispatch_body(std::size_t body, std::size_t size) noexcept;
    std::error_code dispatch(std::uint64_t code, std::size_t offset, std::size_t size) noexcept;
    /// A frame or datagram refused before authentication: discarded over
    /// datagrams (returns no error), fatal over a stream (returns `ec`).
    std::error_code reject(std::error_code ec) noexcept;
    /// Bytes of input no untaken message points into (all parsed bytes at most).
    std::size_t reclaimable() const noexcept { return events_.first_message_offset(in_.parsed()); }
    void compact() noexcept;
    void push(const detail::queued_event& e) { events_.push(e); }
    // impl/session_output.hpp
    /// Seals one frame into the output; on an error (docs/architecture.md,
    /// "Failure policy") nothing of it is queued.
    std::error_code write_frame(std::uint64_t code, byte_view payload, bool compressible, bool reply = false);
    std::error_code seal_body(byte_view body);
    /// Seals a frame whose body is `head` then `rest` onto the end of the
    /// output; on an error nothing of it is queued. With no head and a
    /// codec that can, the body is read once, straight into the output
    /// (codec::seal_from, out of place); else copied in and sealed there.
    std::error_code append_frame(byte_view head, byte_view rest);
    std::error_code check_send(std::uint64_t code, std::size_t size) const noexcept;
    void apply_key_updates() noexcept;
    // impl/session_deadlines.hpp
    std::error_code tick_base(time_point now, bool force) noexcept;
    // The shrink policy of options.hpp (limits::retained_buffer).
    bool holds_large_buffers() const noexcept;
    bool large_buffers_releasable() const noexcept;
    void note_buffer_use(time_point now) noexcept {
        if (holds_large_buffers()) timers_.used_large_buffer(now);
    }
    void release_large_buffers(time_point now) noexcept;
    // impl/session_probes.hpp (datagram size negotiation)
    std::size_t frame_limit() const noexcept;
    std::error_code tick_probes(time_point now) noexcept;
    std::error_code write_probe(std::uint32_t id, std::size_t frame);
    std::error_code on_probe(std::uint64_t code, byte_view payload);
    // impl/session_close.hpp
    std::error_code fail(std::error_code ec) noexcept;
    /// Destroys both codecs (their keys are wiped) and any key the key
    /// agreement still holds: called as the session closes.
    void wipe_keys() noexcept;

    policies::frame_writer writer() noexcept {
        frame_sink_.self = this;  // the session may have moved since the last call
        return policies::frame_writer(frame_sink_);
    }
    struct sink {
        session* self;
        std::error_code operator()(std::uint64_t code, byte_view payload, bool compressible, bool reply) {
            return self->write_frame(code, payload, compressible, reply);
        }
    };

    options opts_;
    policies::handshake_role role_;
    session_state state_ = session_state::initial;
    std::error_code error_{};
    std::optional<std::uint8_t> peer_reason_;
    std::optional<std::uint8_t> local_reason_;

    key_agreement ka_;
    base_protocol base_;
    std::optional<codec> egress_, ingress_;
    remote_id_type remote_id_{};
    sink frame_sink_{this};

    detail::input_buffer in_;    // received bytes (impl/input_buffer.hpp)
    detail::event_queue events_;  // what next_event() hands out (impl/event_queue.hpp)
    detail::timer_set timers_;    // keepalive, timeouts, linger (impl/timer_set.hpp)
    detail::datagram_flight<datagrams> flight_;  // datagram-only state (impl/datagram_flight.hpp)
    detail::datagram_sizer<probes_datagram_size> sizer_;  // datagram size negotiation (impl/datagram_size.hpp)
    detail::output_buffer out_;  // sealed output not taken yet (impl/output_buffer.hpp)
    std::size_t out_pos_ = 0;
    bytes handshake_out_;        // what the key agreement's last step wrote
    // Automatic replies (frame_writer::reply) queued in out_: what each said
    // and where its frame ends (0: a free slot, its frame taken). An
    // identical reply is not queued again until that frame is taken. Slots
    // are reused, so a steady ping/pong costs no allocation.
    struct queued_reply {
        std::uint64_t code = 0;
        bytes payload;
        std::size_t end = 0;
    };
    std::vector<queued_reply> replies_;
    bytes scratch_;              // decompressed payloads
    bytes zbuf_;                 // compressed payloads being sent
    bytes code_buf_;
    bytes batch_;                // send_batch: encoded messages
    std::vector<std::size_t> batch_ends_;
};

}  // namespace polywire::transport

#include "transport/impl/session.hpp"
