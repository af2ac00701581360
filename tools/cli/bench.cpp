// polywire bench: throughput and handshake rates of any --variant, as one
// JSON line, so other programs can compare polywire with other
// implementations.
//
// memory: both sessions in this thread, bytes handed from one to the other
//         (seal, frame, open and deliver; no system calls).
// tcp:    a sender and a receiver thread over 127.0.0.1, through the
//         adapters listen and dial use (stream variants).
// udp:    the same over UDP (datagram variants). UDP drops what a socket
//         buffer cannot hold and nothing retransmits a message, so the
//         receiver acknowledges every window of messages (an eighth of
//         the socket's receive buffer or 256 messages) and the sender
//         keeps at most two windows unacknowledged; what was lost is
//         reported.
//
// Every message is checked on arrival (code, size and content), so a figure is
// only printed for messages that arrived intact.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include "crypto/random.hpp"
#include "tools/bench/rlpx_fixture.hpp"
#include "tools/cli/common.hpp"
#include "tools/cli/variant.hpp"

namespace polywire::cli {

namespace {

using clock = transport::clock;
using transport::event_kind;

constexpr option_spec bench_options[] = {
    {"variant", true}, {"size", true},    {"count", true},   {"transport", true}, {"snappy", true},
    {"batch", true},   {"handshakes", true}, {"timeout", true}, {"datagram-probes", true}, {"help", false},
};

/// The one capability both nodes offer; messages go out on its first code.
const std::vector<rlpx::p2p::local_capability> bench_caps = {{"bench", 1, 4}};
constexpr std::uint64_t bench_code = 0x10;
/// Over UDP: the receiver's acknowledgements, and the sender's last word.
constexpr std::uint64_t ack_code = 0x11;
constexpr std::uint64_t end_code = 0x12;

template <class V>
constexpr bool over_datagrams = policies::is_datagram<typename V::session::frame_layout>();

/// The largest payload a bench message of variant V may carry (over
/// datagrams in memory, the floor: no probe runs there).
template <class V>
constexpr std::uint64_t max_bench_payload(bool memory) {
    if constexpr (over_datagrams<V>) {
        using layout = typename V::session::frame_layout;
        if constexpr (policies::probes_datagram_size<layout>()) {
            if (memory) return layout::base_payload;
        }
        return layout::max_payload;
    } else {
        (void)memory;
        return V::max_payload;
    }
}

struct outcome {
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    double seconds = 0;
    std::error_code error{};
    std::string failure;  ///< a sentence, when error is set
    std::size_t datagram_size = 0;  ///< over UDP: the largest datagram the sender sent (negotiated)
};

outcome failed(std::error_code ec, std::string why) {
    outcome o;
    o.error = ec;
    o.failure = std::move(why);
    return o;
}

double since(clock::time_point t0) { return std::chrono::duration<double>(clock::now() - t0).count(); }

/// The two nodes of a run: a dialer and a listener, fresh keys.
template <class V>
struct bench_nodes {
    node_settings<V> dialer, listener;
    typename V::remote_id listener_id{};
};

template <class V>
result<bench_nodes<V>> make_nodes(bool snappy) {
    bench_nodes<V> n;
    for (auto* s : {&n.dialer, &n.listener}) {
        auto k = V::generate_key();
        if (!k) return k.error();
        s->key = std::move(k.value());
        s->caps = bench_caps;
        s->snappy = snappy;
    }
    auto id = V::node_id(n.listener.key);
    if (!id) return id.error();
    n.listener_id = id.value();
    return n;
}

/// The bench message as the variant's session carries it.
template <class V>
struct bench_message {
    bytes payload, scratch;
    std::uint64_t wire_code = 0;
    byte_view wire{};

    explicit bench_message(std::size_t size) : payload(size) {
        (void)crypto::random_bytes(payload);
        std::tie(wire_code, wire) = V::encode(bench_code, payload, scratch);
    }
    /// Whether a received message is this one: code, size and content.
    bool matches(const transport::event& e) const {
        auto m = V::decode(e.code, e.payload);
        return m && m->first == bench_code && std::ranges::equal(m->second, payload);
    }
};

// ---- in memory ----------------------------------------------------------

/// Two sessions of V in memory, handshakes run: `a` dialled `b`.
template <class V>
using memory_pair = bench::pair_of<typename V::session>;

template <class V>
result<std::pair<typename V::session::options, typename V::session::options>> pair_options(const bench_nodes<V>& n) {
    auto ao = V::session_options(n.dialer, n.listener_id);
    if (!ao) return ao.error();
    auto bo = V::session_options(n.listener, std::nullopt);
    if (!bo) return bo.error();
    return std::pair{std::move(ao.value()), std::move(bo.value())};
}

template <class V>
outcome memory_throughput(const bench_nodes<V>& n, std::size_t size, std::uint64_t count) {
    auto o = pair_options(n);
    if (!o) return failed(o.error(), "could not make the sessions' options");
    memory_pair<V> p(o.value().first, o.value().second);
    if (auto ec = p.error()) return failed(ec, "the in-memory handshake failed");
    const bench_message<V> m(size);
    outcome r;
    const auto t0 = clock::now();
    for (; r.sent < count; ++r.sent) {
        if (auto ec = p.a.send(m.wire_code, m.wire, clock::now())) return failed(ec, "sending failed");
        memory_pair<V>::move(p.a, p.b);
        while (auto e = p.b.next_event()) {
            if (e->kind == event_kind::error) return failed(e->error, "the receiving session failed");
            if (e->kind != event_kind::message) continue;
            if (!m.matches(*e))
                return failed(make_error_code(transport::errc::malformed_frame), "a message arrived altered");
            ++r.received;
        }
        memory_pair<V>::move(p.b, p.a);  // whatever the receiver answers (acknowledgements, pongs)
        while (p.a.next_event()) {
        }
    }
    r.seconds = since(t0);
    if (r.received != count)
        return failed(make_error_code(transport::errc::peer_closed),
                      std::to_string(count - r.received) + " messages did not arrive");
    return r;
}

template <class V>
outcome memory_handshakes(const bench_nodes<V>& n, std::uint64_t count) {
    auto o = pair_options(n);
    if (!o) return failed(o.error(), "could not make the sessions' options");
    outcome r;
    const auto t0 = clock::now();
    for (; r.received < count; ++r.received) {
        memory_pair<V> p(o.value().first, o.value().second);
        if (auto ec = p.error()) return failed(ec, "an in-memory handshake failed");
    }
    r.seconds = since(t0);
    return r;
}

// ---- over the network -----------------------------------------------------

/// A listener of V on 127.0.0.1 and its URL.
template <class V>
struct local_listener {
    typename V::acceptor acceptor;
    address<V> url;

    static result<local_listener> open(const bench_nodes<V>& n) {
        auto a = V::acceptor::open(n.listener, "127.0.0.1", 0);
        if (!a) return a.error();
        std::string why;
        auto u = V::parse_url(V::url(n.listener_id, "127.0.0.1", a.value().port()), why);
        if (!u) return make_error_code(transport::errc::invalid_argument);
        return local_listener{std::move(a.value()), std::move(*u)};
    }
};

/// Dials `l` as the bench's dialer. If the dial fails, a throwaway
/// connection (over UDP: a datagram, which the listener discards and then
/// times out) releases a listener thread still waiting in accept().
template <class V>
connect_outcome<V> dial_local(const bench_nodes<V>& n, const local_listener<V>& l) {
    namespace io = transport::adapters;
    auto out = V::dial(n.dialer, l.url);
    if (out.conn) return out;
    if constexpr (over_datagrams<V>) {
        if (auto fd = io::udp_bind("127.0.0.1", 0); fd && !io::udp_connect(fd.value(), "127.0.0.1", l.url.port))
            (void)io::send_datagram(fd.value(), bytes{0});
    } else {
        (void)io::tcp_connect("127.0.0.1", l.url.port, clock::now() + std::chrono::seconds(1));
    }
    return out;
}

/// How long network_handshakes' listener waits for the next handshake.
constexpr std::chrono::seconds accept_patience{10};

template <class V>
outcome network_handshakes(const bench_nodes<V>& n, std::uint64_t count) {
    auto l = local_listener<V>::open(n);
    if (!l) return failed(l.error(), "could not listen on 127.0.0.1");
    outcome server;
    std::thread t([&] {
        for (; server.received < count; ++server.received) {
            // A bounded wait: over UDP a dialer may count a handshake whose
            // last message the listener never got (the dialer closes at
            // once), and then no further peer would ever come.
            auto in = l.value().acceptor.accept(clock::now() + accept_patience);
            if (!in.conn) {
                server = failed(in.error, "the listener's handshake failed: " + in.failure);
                return;
            }
        }
    });
    outcome r;
    const auto t0 = clock::now();
    for (; r.received < count; ++r.received) {
        auto out = dial_local(n, l.value());
        if (!out.conn) {
            r = failed(out.error, "a dial failed: " + out.failure);
            break;
        }
    }
    t.join();
    r.seconds = since(t0);
    if (!r.error && server.error) return server;
    return r;
}

/// Sends `count` messages: queued (coalesced writes, each message separate
/// on the wire), or merged `batch` at a time with send_batch.
template <class Conn>
std::error_code send_all(Conn& conn, std::uint64_t wire_code, byte_view wire, std::uint64_t count, std::size_t batch) {
    if (batch > 1) {
        if constexpr (requires(std::span<const transport::outgoing_message> s) { conn.send_batch(s); }) {
            const std::vector<transport::outgoing_message> group(batch, transport::outgoing_message{wire_code, wire});
            for (std::uint64_t sent = 0; sent < count;) {
                const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(batch, count - sent));
                if (auto ec = conn.send_batch(std::span(group).first(k))) return ec;
                sent += k;
            }
            return {};
        }
    }
    for (std::uint64_t i = 0; i < count; ++i)
        if (auto ec = conn.queue(wire_code, wire)) return ec;
    return conn.flush();
}

template <class V>
outcome tcp_throughput(const bench_nodes<V>& n, std::size_t size, std::uint64_t count, std::size_t batch) {
    const bench_message<V> m(size);
    auto l = local_listener<V>::open(n);
    if (!l) return failed(l.error(), "could not listen on 127.0.0.1");
    outcome server;
    clock::time_point t_end{};
    std::thread t([&] {
        auto in = l.value().acceptor.accept();
        if (!in.conn) {
            server = failed(in.error, "the listener's handshake failed: " + in.failure);
            return;
        }
        while (server.received < count) {
            auto e = in.conn->next_event();
            if (!e) {
                server = failed(in.conn->session().error() ? in.conn->session().error()
                                                            : make_error_code(transport::errc::peer_closed),
                                "the connection ended after " + std::to_string(server.received) + " messages");
                return;
            }
            if (e->kind == event_kind::error) {
                server = failed(e->error, "the receiving session failed");
                return;
            }
            if (e->kind != event_kind::message) continue;
            if (!m.matches(*e)) {
                server = failed(make_error_code(transport::errc::malformed_frame), "a message arrived altered");
                return;
            }
            ++server.received;
        }
        t_end = clock::now();
        // Wait for the dialer's goodbye (or end of stream), so it is never
        // cut off while flushing.
        while (auto e = in.conn->next_event()) {
        }
    });
    auto out = dial_local(n, l.value());
    if (!out.conn) {
        t.join();
        return failed(out.error, "the dial failed: " + out.failure);
    }
    outcome r;
    const auto t0 = clock::now();
    r.error = send_all(*out.conn, m.wire_code, m.wire, count, batch);
    if (r.error) {
        r.failure = "sending failed";
        out.conn.reset();  // the receiver sees the end
        t.join();
        return r;
    }
    r.sent = count;
    (void)close_with(*out.conn, V::quit_reason);
    t.join();
    if (server.error) return server;
    r.received = server.received;
    r.seconds = std::chrono::duration<double>(t_end - t0).count();
    return r;
}

/// Over UDP: acknowledgements every `window` messages carry the count
/// received so far (8 bytes, big-endian); the sender waits while two windows
/// are unacknowledged, at most `ack_wait` (a lost acknowledgement or lost
/// messages then cost that long, not the run).
template <class V>
outcome udp_throughput(const bench_nodes<V>& n, std::size_t size, std::uint64_t count, std::size_t batch) {
    using namespace std::chrono_literals;
    constexpr auto ack_wait = 50ms;
    constexpr auto quiet = 500ms;  // the receiver's end when the end message is lost
    // An eighth of the receive buffer the adapter's socket was granted (a
    // socket buffer is charged per datagram as well as per byte) or 256
    // messages a window, whichever is less, and at least one batch: both
    // sides' sockets get the same buffers, so both compute the same.
    auto window_of = [size, batch](const transport::adapters::socket_fd& s) {
        const std::size_t room = std::max<std::size_t>(transport::adapters::udp_receive_buffer(s) / 8, 16u << 10);
        return std::max<std::uint64_t>(batch, std::clamp<std::size_t>(room / (size + 32), 1, 256));
    };

    const bench_message<V> m(size);
    auto l = local_listener<V>::open(n);
    if (!l) return failed(l.error(), "could not listen on 127.0.0.1");
    std::atomic<bool> dial_failed{false};
    outcome server;
    clock::time_point t_end{};
    std::thread t([&] {
        auto in = l.value().acceptor.accept();
        if (!in.conn) {
            if (!dial_failed) server = failed(in.error, "the listener's handshake failed: " + in.failure);
            return;
        }
        auto& c = *in.conn;
        const std::uint64_t window = window_of(c.socket());
        auto last = clock::now();
        t_end = last;
        auto ack = [&] {
            std::array<std::uint8_t, 8> b{};
            for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(server.received >> (56 - 8 * i));
            return c.send(ack_code, b);
        };
        for (bool done = false; !done && server.received < count;) {
            c.poll(last + quiet);
            while (auto e = c.session().next_event()) {
                if (e->kind == event_kind::error) {
                    server = failed(e->error, "the receiving session failed");
                    return;
                }
                if (e->kind != event_kind::message) continue;
                if (e->code == end_code) {
                    done = true;
                    break;
                }
                if (!m.matches(*e)) {
                    server = failed(make_error_code(transport::errc::malformed_frame), "a message arrived altered");
                    return;
                }
                ++server.received;
                last = t_end = clock::now();
                if (server.received % window == 0) (void)ack();
            }
            if (c.session().state() == transport::session_state::closed) break;
            if (clock::now() - last >= quiet) break;
        }
        (void)ack();
    });
    auto out = dial_local(n, l.value());
    if (!out.conn) {
        dial_failed = true;
        t.join();
        return failed(out.error, "the dial failed: " + out.failure);
    }
    auto& c = *out.conn;
    // Timing starts once the first round of probes found the path's size
    // (loopback: the largest datagram, within milliseconds; at most 2 s),
    // so that "datagram_size" is what the run used.
    if constexpr (policies::probes_datagram_size<typename V::session::frame_layout>()) {
        if (!std::getenv("POLYWIRE_DATAGRAM_PROBES"))
            await_message_size(c, V::session::frame_layout::max_payload, std::chrono::seconds(2));
    }
    const std::uint64_t window = window_of(c.socket());
    const std::vector<transport::outgoing_message> group(batch, transport::outgoing_message{m.wire_code, m.wire});
    std::uint64_t acked = 0;
    auto take_acks = [&] {
        while (auto e = c.session().next_event())
            if (e->kind == event_kind::message && e->code == ack_code && e->payload.size() == 8) {
                std::uint64_t v = 0;
                for (auto b : e->payload) v = v << 8 | b;
                acked = std::max(acked, v);
            }
    };
    outcome r;
    const auto t0 = clock::now();
    while (r.sent < count) {
        const auto k = static_cast<std::size_t>(std::min<std::uint64_t>(batch, count - r.sent));
        const std::error_code ec =
            k > 1 ? c.send_batch(std::span(group).first(k)) : c.send(m.wire_code, m.wire);
        if (ec) {
            r = failed(ec, "sending failed");
            break;
        }
        r.sent += k;
        take_acks();
        const auto give_up = clock::now() + ack_wait;
        while (r.sent - acked >= 2 * window && clock::now() < give_up &&
               c.session().state() != transport::session_state::closed) {
            c.poll(give_up);
            take_acks();
        }
        if (r.sent - acked >= 2 * window) acked = r.sent - window;  // lost: go on
    }
    if (!r.error) (void)c.send(end_code, {});
    t.join();
    r.datagram_size = c.session().datagram_sizes().datagram_size;
    (void)close_with(c, V::quit_reason);
    if (r.error) {
        if (r.error == transport::errc::message_too_large)
            r.failure += " (the path carries " + std::to_string(r.datagram_size) + "-byte datagrams" +
                         (std::getenv("POLYWIRE_DATAGRAM_PROBES") ? ", datagram size negotiation off)" : ")");
        return r;
    }
    if (server.error) return server;
    r.received = server.received;
    r.seconds = std::chrono::duration<double>(t_end - t0).count();
    if (r.received == 0) return failed(make_error_code(transport::errc::peer_closed), "no message arrived");
    return r;
}

// ---- the command -------------------------------------------------------------

struct request {
    std::string transport;
    bool snappy = true;
    std::optional<std::uint64_t> handshakes;
    std::uint64_t size = 0, count = 0, batch = 1;
};

template <class V>
int bench_variant(const request& q) {
    constexpr bool datagrams = over_datagrams<V>;
    const std::string network = datagrams ? "udp" : "tcp";
    if (q.transport != "memory" && q.transport != network)
        throw usage_error("bench: --variant " + std::string(V::name) + " runs in memory or over " + network +
                          " (--transport memory|" + network + ")");
    if (q.batch > 1 && !requires(typename V::connection & c, std::span<const transport::outgoing_message> s) {
            c.send_batch(s);
        })
        throw usage_error("bench: --batch needs a variant that merges messages (x25519-xchacha, x25519-xchacha-udp)");
    if (q.batch > 1 && q.transport == "memory")
        throw usage_error("bench: --batch applies to --transport " + network);
    if (const auto most = max_bench_payload<V>(q.transport == "memory"); !q.handshakes && q.size > most)
        throw usage_error("bench: --size at most " + std::to_string(most) + " for --variant " + std::string(V::name) +
                          (q.transport == "memory" ? "" : " over " + q.transport));

    auto n = make_nodes<V>(q.snappy);
    if (!n) {
        emit_error("bench: could not make keys: " + n.error().message());
        return exit_failure;
    }
    json line{{"variant", std::string(V::name)}, {"transport", q.transport}};
    if constexpr (V::has_capabilities) line["snappy"] = q.snappy ? "on" : "off";

    if (q.handshakes) {
        const outcome r = q.transport == "memory" ? memory_handshakes(n.value(), *q.handshakes)
                                                  : network_handshakes(n.value(), *q.handshakes);
        if (r.error) {
            emit_error("bench: " + r.failure + ": " + r.error.message());
            return exit_failure;
        }
        line["handshakes"] = *q.handshakes;
        line["handshakes_per_s"] = static_cast<double>(r.received) / r.seconds;
        emit(line);
        return exit_ok;
    }
    outcome r;
    const auto size = static_cast<std::size_t>(q.size);
    if (q.transport == "memory")
        r = memory_throughput(n.value(), size, q.count);
    else if constexpr (datagrams)
        r = udp_throughput(n.value(), size, q.count, q.batch);
    else
        r = tcp_throughput(n.value(), size, q.count, q.batch);
    if (r.error) {
        emit_error("bench: " + r.failure + ": " + r.error.message());
        return exit_failure;
    }
    line["size"] = q.size;
    line["count"] = q.count;
    if (q.batch > 1) line["batch"] = q.batch;
    if constexpr (datagrams) {
        line["received"] = r.received;
        line["lost"] = r.sent - r.received;
        if (q.transport != "memory") line["datagram_size"] = r.datagram_size;
    }
    line["msgs_per_s"] = static_cast<double>(r.received) / r.seconds;
    line["mb_per_s"] = static_cast<double>(r.received) * static_cast<double>(size) / r.seconds / 1e6;
    emit(line);
    return exit_ok;
}

}  // namespace

int run_bench(std::span<const std::string> words) {
    const args a = args::parse("bench", words, bench_options, 0);
    if (a.has("help")) {
        print_line(usage());
        return exit_ok;
    }
    request q;
    const std::string variant = variant_name(a);
    q.transport = a.value("transport").value_or("memory");
    if (auto z = a.value("snappy")) {
        if (*z != "on" && *z != "off") throw usage_error("bench: --snappy must be on or off");
        if (variant != "rlpx") throw usage_error("bench: --snappy applies to --variant rlpx");
        q.snappy = *z == "on";
    }
    if (auto b = a.value("batch")) q.batch = parse_uint("batch", *b, 1, 4096);
    if (auto p = a.value("datagram-probes")) {
        if (*p != "on" && *p != "off") throw usage_error("bench: --datagram-probes must be on or off");
        if (variant != "x25519-xchacha-udp")
            throw usage_error("bench: --datagram-probes applies to --variant x25519-xchacha-udp");
        // Both nodes are in this process: the environment switch turns it off for both.
        if (*p == "off") ::setenv("POLYWIRE_DATAGRAM_PROBES", "0", 1);
    }
    if (auto h = a.value("handshakes")) {
        if (a.has("size") || a.has("count")) throw usage_error("bench: --handshakes takes no --size or --count");
        q.handshakes = parse_uint("handshakes", *h, 1, 100'000'000);
    } else {
        const auto size_text = a.value("size");
        const auto count_text = a.value("count");
        if (!size_text || !count_text) throw usage_error("bench needs --size BYTES and --count N (or --handshakes N)");
        q.size = parse_uint("size", *size_text, 0, 16 * 1024 * 1024 - 2);
        q.count = parse_uint("count", *count_text, 1, 1'000'000'000);
    }
    start_watchdog(a.has("timeout") ? parse_seconds("timeout", *a.value("timeout")) : std::chrono::minutes(10),
                   output_mode::json_events);
    return with_variant(variant, [&](auto v) { return bench_variant<decltype(v)>(q); });
}

}  // namespace polywire::cli
