// The hostile-peer suite over loopback sockets, through the real blocking
// adapters (blocking_socket over TCP, datagram_socket over UDP), for every
// configuration, with deadlines of a second or less: a peer that connects
// and says nothing, one that sends a byte (or a truncated datagram) every
// 100 ms, tampered bytes at sampled positions of the first handshake
// message, of a session message and of a datagram size probe or its
// acknowledgement, and a peer that stops reading. The
// exhaustive positions are in hostile_session_test.cpp.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "tests/hostile/traits.hpp"
#include "transport/adapters/blocking_socket.hpp"
#include "transport/adapters/datagram_socket.hpp"

namespace polywire::hostile {
namespace {
using namespace std::chrono_literals;
namespace ad = transport::adapters;
using transport::clock;
using transport::event_kind;
using transport::session_state;

constexpr std::size_t memory_bound = 64 * 1024;

template <class Traits>
typename Traits::session::options quick(typename Traits::session::options o) {
    o.timeouts.handshake = 500ms;
    o.timeouts.read = 800ms;
    o.timeouts.write = 300ms;
    o.timeouts.linger = 100ms;
    o.timeouts.retransmit = 100ms;
    return o;
}

bool one_of(std::error_code ec, const std::vector<std::error_code>& allowed) {
    return std::find(allowed.begin(), allowed.end(), ec) != allowed.end();
}

/// posix_io that XORs 0xff into the byte at offset `flip_at` of everything
/// written on the connection (shared state: the adapter copies its Io).
struct tampering_io : ad::posix_io {
    struct state {
        std::size_t written = 0;
        std::size_t flip_at = std::numeric_limits<std::size_t>::max();
    };
    std::shared_ptr<state> s = std::make_shared<state>();
    result<std::size_t> write_some(const ad::socket_fd& fd, byte_view in) noexcept {
        bytes copy(in.begin(), in.end());
        if (s->flip_at >= s->written && s->flip_at < s->written + copy.size()) copy[s->flip_at - s->written] ^= 0xff;
        auto n = ad::write_some(fd, copy);
        if (n) s->written += n.value();
        return n;
    }
};

/// A connected UDP pair on loopback.
struct udp_pair {
    ad::socket_fd server, client;
    udp_pair() {
        server = ad::udp_bind("127.0.0.1", 0).value();
        client = ad::udp_bind("127.0.0.1", 0).value();
        EXPECT_FALSE(ad::udp_connect(server, "127.0.0.1", ad::local_port(client)));
        EXPECT_FALSE(ad::udp_connect(client, "127.0.0.1", ad::local_port(server)));
    }
};

template <class Traits>
class HostileSocketTest : public ::testing::Test {
protected:
    using session = typename Traits::session;
    Traits traits;

    session server_session() { return session(policies::handshake_role::recipient, quick<Traits>(traits.recipient())); }
    session client_session() { return session(policies::handshake_role::initiator, quick<Traits>(traits.initiator())); }
    /// The initiator's first handshake message.
    bytes first_message() {
        session a(policies::handshake_role::initiator, traits.initiator());
        EXPECT_FALSE(a.start({}));
        return bytes(a.pending_output().begin(), a.pending_output().end());
    }

    /// Runs the server's handshake against whatever `peer` does with its
    /// end of the connection (a TCP socket or a connected UDP socket);
    /// returns the server's result and how long it took.
    /// Over UDP: why the server last discarded a datagram (after serve()).
    std::error_code server_last_discard;

    template <class Peer>
    std::pair<std::error_code, clock::duration> serve(Peer&& peer) {
        std::atomic<bool> done{false};
        std::error_code ec;
        const auto t0 = clock::now();
        if constexpr (Traits::datagrams) {
            udp_pair u;
            std::thread t([&] { peer(u.client, done); });
            ad::datagram_socket<session> srv(std::move(u.server), server_session());
            ec = srv.handshake();
            EXPECT_EQ(srv.session().state(), session_state::closed);
            EXPECT_LT(srv.session().buffered_bytes(), memory_bound);
            server_last_discard = srv.session().last_discard();
            done = true;
            t.join();
        } else {
            auto l = ad::tcp_listener::listen("127.0.0.1", 0);
            EXPECT_TRUE(l);
            std::thread t([&, port = l.value().port()] {
                auto fd = ad::tcp_connect("127.0.0.1", port, clock::now() + 1s);
                if (fd) peer(fd.value(), done);
            });
            auto fd = l.value().accept(clock::now() + 1s);
            EXPECT_TRUE(fd);
            if (fd) {
                ad::blocking_socket<session> srv(std::move(fd).value(), server_session());
                ec = srv.handshake();
                EXPECT_EQ(srv.session().state(), session_state::closed);
                EXPECT_LT(srv.session().buffered_bytes(), memory_bound);
            }
            done = true;
            t.join();
        }
        return {ec, clock::now() - t0};
    }
};

using configurations = test::suite_types<hostile_traits>;  // every variant of variants/all.hpp
class names {
public:
    template <class T>
    static std::string GetName(int) {
        std::string n(T::name);
        std::replace(n.begin(), n.end(), '-', '_');
        return n;
    }
};
TYPED_TEST_SUITE(HostileSocketTest, configurations, names);

void wait_for(const std::atomic<bool>& done) {
    while (!done) std::this_thread::sleep_for(5ms);
}

TYPED_TEST(HostileSocketTest, APeerThatSaysNothingTimesOutAtTheHandshakeDeadline) {
    auto [ec, took] = this->serve([](ad::socket_fd&, const std::atomic<bool>& done) { wait_for(done); });
    EXPECT_EQ(ec, transport::errc::handshake_timeout) << ec.message();
    EXPECT_GE(took, 450ms);
    EXPECT_LT(took, 1200ms);
}

TYPED_TEST(HostileSocketTest, OneByteEvery100msDoesNotExtendTheHandshakeDeadline) {
    const bytes m = this->first_message();
    auto [ec, took] = this->serve([&](ad::socket_fd& fd, const std::atomic<bool>& done) {
        for (std::size_t i = 0; i < m.size() && !done; ++i) {
            if constexpr (TypeParam::datagrams) {
                (void)ad::send_datagram(fd, byte_view(m).first(1));  // a truncated message, again and again
            } else {
                (void)ad::write_some(fd, byte_view(m).subspan(i, 1));
            }
            std::this_thread::sleep_for(100ms);
        }
        wait_for(done);
    });
    EXPECT_EQ(ec, transport::errc::handshake_timeout) << ec.message();
    EXPECT_LT(took, 1200ms);  // m would take seconds
    EXPECT_GT(m.size(), 12u);
}

TYPED_TEST(HostileSocketTest, SampledFlipsOfTheFirstHandshakeMessageFailTheHandshake) {
    const bytes m = this->first_message();
    for (std::size_t pos : {std::size_t{0}, m.size() / 2, m.size() - 1}) {
        const expectation e = TypeParam::handshake_flip(0, pos, m);
        if constexpr (TypeParam::datagrams) {
            // A raw peer: the tampered datagram, then silence.
            auto [ec, took] = this->serve([&](ad::socket_fd& fd, const std::atomic<bool>& done) {
                bytes bad = m;
                bad[pos] ^= 0xff;
                (void)ad::send_datagram(fd, bad);
                wait_for(done);
            });
            // Refused by the server (discarded: the genuine HELLO may still
            // come) or, a flipped id or key, only detectable by the
            // initiator, which is not there: either way the deadline.
            EXPECT_EQ(ec, transport::errc::handshake_timeout) << pos << ": " << ec.message();
            if (pos == 0) {
                EXPECT_TRUE(one_of(this->server_last_discard, e.errors)) << this->server_last_discard.message();
            }
            EXPECT_LT(took, 1200ms) << pos;
        } else {
            // A real initiator whose adapter flips one byte on the way out.
            std::error_code client_ec;
            auto [ec, took] = this->serve([&](ad::socket_fd& fd, const std::atomic<bool>&) {
                tampering_io io;
                io.s->flip_at = pos;
                ad::blocking_socket<typename TypeParam::session, tampering_io> c(std::move(fd), this->client_session(), {}, io);
                client_ec = c.handshake();
            });
            const bool detected = one_of(ec, e.errors) || one_of(client_ec, e.errors) ||
                                  (e.may_wait && ec == transport::errc::handshake_timeout);
            EXPECT_TRUE(detected) << pos << ": server " << ec.message() << ", client " << client_ec.message();
            EXPECT_TRUE(ec) << pos;  // the server never completes
            EXPECT_TRUE(client_ec) << pos;
            EXPECT_LT(took, 2s) << pos;
        }
    }
}

TYPED_TEST(HostileSocketTest, SampledFlipsOfASessionMessageCloseTheSessionAndDeliverNothing) {
    if constexpr (TypeParam::datagrams) {
        // The peer drives its session by hand over its UDP socket, so it can
        // send each sampled tampering and then the genuine datagram: the
        // server's adapter discards the first and delivers the second once.
        const std::string_view chars = "sampled tampering over a socket";
        const bytes text(chars.begin(), chars.end());
        for (std::size_t pos : {std::size_t{0}, std::size_t{20}, std::size_t{40}}) {
            udp_pair u;
            std::atomic<bool> done{false};
            expectation e;
            std::thread client([&] {
                auto a = this->client_session();
                (void)a.start(clock::now());
                std::array<std::uint8_t, 2048> buf{};
                const auto until = clock::now() + 1s;
                while (a.state() != session_state::established && a.state() != session_state::closed && clock::now() < until) {
                    while (!a.pending_output().empty()) {
                        (void)ad::send_datagram(u.client, a.pending_output());
                        a.consume_output(a.pending_output().size());
                    }
                    if (auto r = ad::wait(u.client, true, false, clock::now() + 20ms); r && r.value()) {
                        if (auto n = ad::receive_datagram(u.client, buf); n)
                            (void)a.receive_datagram(byte_view(buf.data(), n.value()), clock::now());
                    }
                    (void)a.on_tick(clock::now());
                }
                if (a.state() != session_state::established) return;
                // Whatever the session queued once established (its datagram
                // size probes, where the layout negotiates) goes out as it
                // is, so that the datagram tampered with is the message.
                while (!a.pending_output().empty()) {
                    (void)ad::send_datagram(u.client, a.pending_output());
                    a.consume_output(a.pending_output().size());
                }
                ASSERT_FALSE(a.send(TypeParam::app_code, text, clock::now()));
                const bytes genuine(a.pending_output().begin(), a.pending_output().end());
                a.consume_output(genuine.size());
                ASSERT_TRUE(a.pending_output().empty()) << pos;  // the message is the one datagram queued
                ASSERT_LT(genuine.size(), text.size() + 64) << pos;  // not a probe
                bytes bad = genuine;
                e = TypeParam::message_flip(pos, bad);
                bad[pos] ^= 0xff;
                (void)ad::send_datagram(u.client, bad);
                std::this_thread::sleep_for(20ms);
                (void)ad::send_datagram(u.client, genuine);
                wait_for(done);
            });
            ad::datagram_socket<typename TypeParam::session> srv(std::move(u.server), this->server_session());
            const auto hs = srv.handshake();
            EXPECT_FALSE(hs) << pos << ": " << hs.message();
            std::optional<transport::event> ev;
            if (!hs) ev = srv.next_event();
            done = true;
            client.join();
            ASSERT_TRUE(ev) << pos;
            EXPECT_EQ(ev->kind, event_kind::message) << pos;
            EXPECT_EQ(bytes(ev->payload.begin(), ev->payload.end()), text) << pos;
            EXPECT_EQ(srv.session().discarded_datagrams(), 1u) << pos;
            EXPECT_TRUE(one_of(srv.session().last_discard(), e.errors)) << pos << ": " << srv.session().last_discard().message();
            EXPECT_EQ(srv.session().state(), session_state::established) << pos;
        }
    } else {
        const std::string_view chars = "sampled tampering over a socket";
        const bytes text(chars.begin(), chars.end());
        const std::size_t wire = [&] {  // the message's size on the wire
            auto a = this->client_session();
            auto b = this->server_session();
            (void)a.start({});
            (void)b.start({});
            for (int i = 0; i < 8; ++i) {
                const bytes ab(a.pending_output().begin(), a.pending_output().end());
                a.consume_output(ab.size());
                (void)b.receive(ab, {});
                const bytes ba(b.pending_output().begin(), b.pending_output().end());
                b.consume_output(ba.size());
                (void)a.receive(ba, {});
            }
            EXPECT_EQ(a.state(), session_state::established);
            (void)a.send(TypeParam::app_code, text, {});
            return a.pending_output().size();
        }();
        for (std::size_t pos : {std::size_t{0}, wire / 2, wire - 1}) {
            const expectation e = TypeParam::message_flip(pos, {});
            auto l = ad::tcp_listener::listen("127.0.0.1", 0);
            ASSERT_TRUE(l);
            std::atomic<bool> done{false};
            std::thread client([&, port = l.value().port()] {
                auto fd = ad::tcp_connect("127.0.0.1", port, clock::now() + 1s);
                if (!fd) return;
                tampering_io io;
                ad::blocking_socket<typename TypeParam::session, tampering_io> c(std::move(fd).value(), this->client_session(),
                                                                                  {}, io);
                if (c.handshake()) return;
                // The message's byte `pos`, after whatever of the handshake is still queued.
                io.s->flip_at = io.s->written + c.session().pending_output().size() + pos;
                (void)c.send(TypeParam::app_code, text);
                wait_for(done);
            });
            auto fd = l.value().accept(clock::now() + 1s);
            if (!fd) {
                ADD_FAILURE() << "no connection";
                done = true;
                client.join();
                continue;
            }
            ad::blocking_socket<typename TypeParam::session> srv(std::move(fd).value(), this->server_session());
            // The tampered message may come in the same read as the end of
            // the handshake: then handshake() already reports its error.
            std::error_code ec = srv.handshake();
            const auto t0 = clock::now();
            std::size_t messages = 0;
            while (auto ev = srv.next_event()) {
                if (ev->kind == event_kind::message) ++messages;
                if (ev->kind == event_kind::error) ec = ev->error;
            }
            done = true;
            client.join();
            EXPECT_EQ(messages, 0u) << pos;
            EXPECT_TRUE(one_of(ec, e.errors) || (e.may_wait && ec == transport::errc::read_timeout))
                << pos << ": " << ec.message();
            EXPECT_EQ(srv.session().state(), session_state::closed) << pos;
            EXPECT_LT(clock::now() - t0, 1500ms) << pos;
        }
    }
}

// Datagram size probes and their acknowledgements are sealed like any
// message: a tampered one is discarded with why (as any tampered datagram
// over UDP), is neither answered nor counted, and delivers nothing; the
// genuine one after it still counts once, and the session goes on.
TYPED_TEST(HostileSocketTest, SampledFlipsOfADatagramSizeProbeOrAckAreDiscardedAndDeliverNothing) {
    if constexpr (!TypeParam::datagrams || !TypeParam::session::probes_datagram_size) {
        GTEST_SKIP() << "this layout does not negotiate its datagram size";
    } else {
        const std::string_view chars = "after the probes";
        const bytes text(chars.begin(), chars.end());
        for (const bool ack : {false, true}) {
            for (std::size_t pos : {std::size_t{0}, std::size_t{20}, std::size_t{40}}) {
                const std::string what = std::string(ack ? "ack " : "probe ") + std::to_string(pos);
                udp_pair u;
                std::atomic<bool> done{false};
                expectation e;
                std::size_t tampered_size = 0;
                std::thread client([&] {
                    auto a = this->client_session();
                    (void)a.start(clock::now());
                    std::vector<std::uint8_t> buf(65536);
                    const std::size_t message_wire = text.size() + 64;  // no probe is this small, an ack is
                    // Drives the session until it queues the datagram wanted:
                    // one of its own probes (the layout's largest datagrams),
                    // or its acknowledgement of one of the server's. Anything
                    // else queued once established is dropped.
                    std::optional<bytes> target;
                    const auto until = clock::now() + 1s;
                    while (!target && a.state() != session_state::closed && clock::now() < until) {
                        while (!a.pending_output().empty()) {
                            const byte_view d = a.pending_output();
                            if (a.state() != session_state::established) {
                                (void)ad::send_datagram(u.client, d);
                            } else if (!target && (ack ? d.size() < message_wire : d.size() > message_wire)) {
                                target = bytes(d.begin(), d.end());
                            }
                            a.consume_output(d.size());
                        }
                        if (target) break;
                        if (auto r = ad::wait(u.client, true, false, clock::now() + 20ms); r && r.value()) {
                            if (auto n = ad::receive_datagram(u.client, buf); n)
                                (void)a.receive_datagram(byte_view(buf.data(), n.value()), clock::now());
                        }
                        (void)a.on_tick(clock::now());
                    }
                    if (!target) return;
                    while (!a.pending_output().empty()) a.consume_output(a.pending_output().size());
                    const bytes& genuine = *target;
                    bytes bad = genuine;
                    e = TypeParam::message_flip(pos, bad);
                    bad[pos] ^= 0xff;
                    tampered_size = bad.size();
                    (void)ad::send_datagram(u.client, bad);
                    std::this_thread::sleep_for(20ms);
                    (void)ad::send_datagram(u.client, genuine);
                    ASSERT_FALSE(a.send(TypeParam::app_code, text, clock::now()));
                    (void)ad::send_datagram(u.client, a.pending_output());
                    a.consume_output(a.pending_output().size());
                    wait_for(done);
                });
                ad::datagram_socket<typename TypeParam::session> srv(std::move(u.server), this->server_session());
                const auto hs = srv.handshake();
                EXPECT_FALSE(hs) << what << ": " << hs.message();
                std::optional<transport::event> ev;
                if (!hs) ev = srv.next_event();
                done = true;
                client.join();
                ASSERT_TRUE(ev) << what;
                ASSERT_NE(tampered_size, 0u) << what << ": the client never had the datagram to tamper with";
                // The first event is the message: nothing came of the probe.
                EXPECT_EQ(ev->kind, event_kind::message) << what << ": " << ev->error.message();
                EXPECT_EQ(bytes(ev->payload.begin(), ev->payload.end()), text) << what;
                EXPECT_EQ(srv.session().discarded_datagrams(), 1u) << what;
                EXPECT_TRUE(one_of(srv.session().last_discard(), e.errors))
                    << what << ": " << srv.session().last_discard().message();
                EXPECT_EQ(srv.session().state(), session_state::established) << what;
                const auto sizes = srv.session().datagram_sizes();
                if (ack) {
                    // The genuine acknowledgement counted once and raised the
                    // size to the probe's; the tampered one did nothing.
                    EXPECT_EQ(sizes.probes_acknowledged, 1u) << what;
                    EXPECT_EQ(sizes.acks_ignored, 0u) << what;
                    EXPECT_EQ(sizes.changes, 1u) << what;
                    EXPECT_GT(sizes.max_frame_size, TypeParam::session::frame_layout::base_frame_size) << what;
                } else {
                    EXPECT_EQ(sizes.probes_answered, 1u) << what;  // the genuine probe only
                }
            }
        }
    }
}

TYPED_TEST(HostileSocketTest, APeerThatStopsReadingHitsTheWriteTimeoutWithBoundedMemory) {
    if constexpr (TypeParam::datagrams) {
        GTEST_SKIP() << "UDP has no back-pressure: datagrams a peer does not read are dropped by its host";
    } else {
        auto l = ad::tcp_listener::listen("127.0.0.1", 0);
        ASSERT_TRUE(l);
        std::atomic<bool> done{false};
        std::thread lazy([&] {
            auto fd = l.value().accept(clock::now() + 1s);
            if (!fd) return;
            ad::blocking_socket<typename TypeParam::session> s(std::move(fd).value(), this->server_session());
            (void)s.handshake();
            wait_for(done);  // and never read again
        });
        auto fd = ad::tcp_connect("127.0.0.1", l.value().port(), clock::now() + 1s);
        ASSERT_TRUE(fd);
        ad::blocking_socket<typename TypeParam::session> c(std::move(fd).value(), this->client_session());
        ASSERT_FALSE(c.handshake());
        const bytes big(std::min<std::size_t>(TypeParam::max_message, 64 * 1024), 0x42);
        std::error_code ec;
        const auto t0 = clock::now();
        int sent = 0;
        for (; sent < 2000 && !ec; ++sent) ec = c.send(TypeParam::app_code, big);
        done = true;
        lazy.join();
        EXPECT_EQ(ec, transport::errc::write_timeout) << ec.message();
        EXPECT_LT(sent, 2000);
        EXPECT_LT(clock::now() - t0, 3s);
        EXPECT_EQ(c.session().state(), session_state::closed);
        EXPECT_LT(c.session().buffered_bytes(), 4 * big.size() + memory_bound);  // a message or so, not what was sent
    }
}

}  // namespace
}  // namespace polywire::hostile
