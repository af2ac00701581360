// The hostile-peer suite, in process, against every configuration (typed
// tests over traits.hpp): for every handshake message and an
// established-session message — truncation at every byte, each byte flipped,
// lengths in clear set to zero, the maximum and beyond, garbage before and
// after, replay and reordering (tolerated within the replay window only by
// the datagram layout); a handshake that never completes, a peer sending one
// byte per (simulated) second, a peer that stops reading. Every case checks
// the exact error, that the session is closed (or, for a datagram, that it
// was discarded and counted — over datagrams a tampered handshake message
// too, sent before the genuine one as a spoofing sender would, and the
// handshake still completes), that nothing of the tampered message was
// delivered, and that memory held stays under a stated bound. Also: peers
// that flood Pings (or, for x25519-xchacha, repeated rekeys) and do not read
// get one queued answer of each kind.
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "tests/hostile/heap.hpp"
#include "tests/hostile/traits.hpp"
#include "tests/support/pair.hpp"

namespace polywire::hostile {
namespace {
using namespace std::chrono_literals;
using test::recorded_event;
using transport::event_kind;
using transport::session_state;

const transport::time_point t0 = transport::time_point{} + std::chrono::hours(1);

/// Bytes a session may hold while waiting for a handshake or a frame that
/// never completes, or once closed (its buffers, not counting the longest
/// legal frame a peer may announce, which the frame-length cases bound).
constexpr std::size_t memory_bound = 64 * 1024;

std::string describe(const std::vector<std::error_code>& v) {
    std::string s;
    for (const auto& e : v) s += "[" + std::string(e.category().name()) + ": " + e.message() + "] ";
    return s;
}
bool one_of(std::error_code ec, const std::vector<std::error_code>& allowed) {
    return std::find(allowed.begin(), allowed.end(), ec) != allowed.end();
}

/// Two sessions and the wire between them, with a test clock.
template <class Traits>
struct peers {
    using session = typename Traits::session;
    session a, b;
    transport::time_point now = t0;
    std::vector<recorded_event> a_events, b_events;

    explicit peers(const Traits& t)
        : a(policies::handshake_role::initiator, t.initiator()), b(policies::handshake_role::recipient, t.recipient()) {}

    session& peer(bool to_b) { return to_b ? b : a; }
    std::vector<recorded_event>& events(bool of_b) { return of_b ? b_events : a_events; }

    std::error_code deliver(bool to_b, byte_view data) {
        auto& s = peer(to_b);
        const auto ec = Traits::datagrams ? s.receive_datagram(data, now) : s.receive(data, now);
        test::session_pair<session>::drain(s, events(to_b));
        return ec;
    }
    void tick(transport::time_point t) {
        now = t;
        (void)a.on_tick(now);
        (void)b.on_tick(now);
        test::session_pair<session>::drain(a, a_events);
        test::session_pair<session>::drain(b, b_events);
    }

    /// One message from `from` (everything pending over a stream, one
    /// datagram over datagrams), taken off the wire.
    bytes take(session& from) {
        bytes m(from.pending_output().begin(), from.pending_output().end());
        from.consume_output(m.size());
        return m;
    }

    /// The honest exchange: the initiator's output to the recipient, the
    /// recipient's back, until neither has anything to send. `hook(index,
    /// to_b, message)` sees each message before delivery, may change it,
    /// and returns false to stop the exchange there (undelivered).
    using hook_t = std::function<bool(std::size_t, bool, bytes&)>;
    std::size_t exchange(const hook_t& hook = {}) {
        if (a.state() == session_state::initial) (void)a.start(now);
        if (b.state() == session_state::initial) (void)b.start(now);
        std::size_t index = 0;
        for (bool moved = true; moved;) {
            moved = false;
            for (bool to_b : {true, false}) {
                session& from = peer(!to_b);
                while (!from.pending_output().empty() && peer(to_b).state() != session_state::closed) {
                    bytes m = take(from);
                    if (hook && !hook(index, to_b, m)) return index;
                    ++index;
                    (void)deliver(to_b, m);
                    moved = true;
                }
            }
        }
        return index;
    }

    /// An established pair (asserted by the caller).
    void establish() { exchange(); }
    bytes sealed(byte_view payload) {
        EXPECT_FALSE(a.send(Traits::app_code, payload, now));
        return take(a);
    }
};

bytes payload(std::size_t n, unsigned seed) {
    bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 131 + seed);
    return b;
}
const std::string_view secret_text = "the plaintext of this message must never be delivered once tampered";
const bytes secret_payload(secret_text.begin(), secret_text.end());

template <class Traits>
class HostileSessionTest : public ::testing::Test {
protected:
    using session = typename Traits::session;
    using peers_t = peers<Traits>;
    Traits traits;

    /// The handshake messages of an honest exchange: who receives each
    /// (true: the recipient) and its bytes.
    struct message {
        bool to_b;
        bytes data;
    };
    std::vector<message> honest() {
        std::vector<message> out;
        peers_t p(traits);
        p.exchange([&](std::size_t, bool to_b, bytes& m) {
            out.push_back({to_b, m});
            return true;
        });
        EXPECT_EQ(p.a.state(), session_state::established);
        EXPECT_EQ(p.b.state(), session_state::established);
        return out;
    }

    std::unique_ptr<peers_t> established() {
        auto p = std::make_unique<peers_t>(traits);
        p->establish();
        EXPECT_EQ(p->a.state(), session_state::established);
        EXPECT_EQ(p->b.state(), session_state::established);
        return p;
    }

    /// After message `k` of the handshake was tampered (and the exchange went
    /// on honestly, then both sides reached the handshake deadline): what
    /// the receiver and its peer must show.
    void expect_handshake_rejected(peers_t& p, bool to_b, const expectation& e, const std::string& where) {
        p.exchange();
        p.tick(t0 + p.b.settings().timeouts.handshake);
        auto& receiver = p.peer(to_b);
        std::vector<std::error_code> seen;
        for (auto* s : {&p.a, &p.b})
            if (s->error()) seen.push_back(s->error());
        const bool detected = std::any_of(seen.begin(), seen.end(), [&](auto ec) { return one_of(ec, e.errors); });
        const bool waited = e.may_wait && receiver.error() == transport::errc::handshake_timeout;
        EXPECT_TRUE(detected || waited) << where << ": errors seen " << describe(seen) << " expected " << describe(e.errors);
        for (const auto& ec : seen)
            EXPECT_TRUE(one_of(ec, e.errors) || ec == transport::errc::handshake_timeout ||
                        ec == transport::errc::peer_disconnected)
                << where << ": " << describe({ec});
        EXPECT_EQ(receiver.state(), session_state::closed) << where;
        EXPECT_EQ(test::count(p.events(to_b), event_kind::handshake_complete), 0u) << where;
        EXPECT_EQ(test::count(p.a_events, event_kind::message) + test::count(p.b_events, event_kind::message), 0u) << where;
        EXPECT_LT(receiver.buffered_bytes(), memory_bound) << where;
    }

    /// Over datagrams: a tampered handshake message was delivered before the
    /// genuine one. It was refused — discarded and counted with one of the
    /// reasons `e` lists, on whichever side could tell — and the handshake
    /// completed.
    void expect_handshake_survived(peers_t& p, const expectation& e, const std::string& where) {
        p.exchange();
        EXPECT_EQ(p.a.state(), session_state::established) << where;
        EXPECT_EQ(p.b.state(), session_state::established) << where;
        EXPECT_GE(p.a.discarded_datagrams() + p.b.discarded_datagrams(), 1u) << where;
        EXPECT_TRUE(one_of(p.a.last_discard(), e.errors) || one_of(p.b.last_discard(), e.errors))
            << where << ": discarded " << describe({p.a.last_discard(), p.b.last_discard()}) << " expected "
            << describe(e.errors);
        EXPECT_EQ(test::count(p.a_events, event_kind::handshake_complete), 1u) << where;
        EXPECT_EQ(test::count(p.b_events, event_kind::handshake_complete), 1u) << where;
        EXPECT_EQ(test::count(p.a_events, event_kind::message) + test::count(p.b_events, event_kind::message), 0u) << where;
        EXPECT_LT(p.a.buffered_bytes(), memory_bound) << where;
        EXPECT_LT(p.b.buffered_bytes(), memory_bound) << where;
    }

    /// An established-session message tampered so that `e` applies,
    /// delivered to b (whose state before is `p`'s).
    void expect_message_rejected(peers_t& p, byte_view tampered, const expectation& e, byte_view genuine,
                                 const std::string& where) {
        p.b_events.clear();
        const auto ec = p.deliver(true, tampered);
        EXPECT_EQ(test::count(p.b_events, event_kind::message), 0u) << where;
        EXPECT_LT(p.b.buffered_bytes(), memory_bound) << where;
        if constexpr (Traits::datagrams) {
            // Before authentication: discarded and counted, never fatal; the
            // genuine packet still passes, once.
            EXPECT_FALSE(ec) << where << ": " << ec.message();
            EXPECT_EQ(p.b.state(), session_state::established) << where;
            EXPECT_EQ(p.b.discarded_datagrams(), 1u) << where;
            EXPECT_TRUE(one_of(p.b.last_discard(), e.errors))
                << where << ": " << describe({p.b.last_discard()}) << " expected " << describe(e.errors);
            EXPECT_FALSE(p.deliver(true, genuine)) << where;
            EXPECT_EQ(test::count(p.b_events, event_kind::message), 1u) << where;
        } else if (!ec && e.may_wait) {
            // A length that promises more: the reader waits, delivers
            // nothing, and the idle deadline closes it.
            EXPECT_EQ(p.b.state(), session_state::established) << where;
            p.tick(p.now + p.b.settings().timeouts.read);
            EXPECT_EQ(p.b.error(), transport::errc::read_timeout) << where;
            EXPECT_EQ(p.b.state(), session_state::closed) << where;
            EXPECT_EQ(test::count(p.b_events, event_kind::message), 0u) << where;
        } else {
            EXPECT_TRUE(one_of(ec, e.errors)) << where << ": " << describe({ec}) << " expected " << describe(e.errors);
            EXPECT_EQ(p.b.state(), session_state::closed) << where;
            EXPECT_EQ(p.b.error(), ec) << where;
            EXPECT_EQ(test::count(p.b_events, event_kind::error), 1u) << where;
        }
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
TYPED_TEST_SUITE(HostileSessionTest, configurations, names);

TYPED_TEST(HostileSessionTest, TheHandshakeHasTheMessagesTheTraitsDescribe) {
    const auto m = this->honest();
    ASSERT_EQ(m.size(), TypeParam::handshake_messages);
    for (std::size_t k = 0; k < m.size(); ++k) {
        EXPECT_EQ(m[k].to_b, k % 2 == 0) << k;  // strictly alternating
        EXPECT_LE(m[k].data.size(), 4096u) << k;  // every one is tested exhaustively
    }
}

// ---- handshake messages ------------------------------------------------

TYPED_TEST(HostileSessionTest, EveryTruncationOfEveryHandshakeMessageWaitsThenTimesOut) {
    const auto msgs = this->honest();
    for (std::size_t k = 0; k < msgs.size(); ++k) {
        const bool to_b = msgs[k].to_b;
        for (std::size_t n = 0; n < msgs[k].data.size(); ++n) {
            const std::string where = "message " + std::to_string(k) + " cut to " + std::to_string(n);
            typename TestFixture::peers_t p(this->traits);
            bytes cut;
            p.exchange([&](std::size_t i, bool, bytes& m) {
                if (i < k) return true;
                cut.assign(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(n));
                return false;
            });
            auto& r = p.peer(to_b);
            const auto discarded = r.discarded_datagrams();
            EXPECT_FALSE(p.deliver(to_b, cut)) << where;
            EXPECT_EQ(r.state(), session_state::handshaking) << where;  // waits (or discards) ...
            if constexpr (TypeParam::datagrams) {
                if (n > 0) {
                    EXPECT_EQ(r.discarded_datagrams(), discarded + 1) << where;
                    EXPECT_EQ(r.last_discard(), transport::errc::truncated_datagram) << where;
                }
            }
            const auto deadline = t0 + r.settings().timeouts.handshake;
            EXPECT_FALSE(r.on_tick(deadline - 1ms)) << where;
            EXPECT_EQ(r.state(), session_state::handshaking) << where;
            EXPECT_EQ(r.on_tick(deadline), transport::errc::handshake_timeout) << where;  // ... until its deadline
            EXPECT_EQ(r.state(), session_state::closed) << where;
            test::session_pair<typename TypeParam::session>::drain(r, p.events(to_b));
            EXPECT_EQ(test::count(p.events(to_b), event_kind::handshake_complete), 0u) << where;
            EXPECT_EQ(test::count(p.events(to_b), event_kind::message), 0u) << where;
            EXPECT_LT(r.buffered_bytes(), memory_bound) << where;
        }
    }
}

// Streams: the tampered message replaces the genuine one and fails the
// handshake. Datagrams: it arrives first, is refused and discarded, and the
// genuine one completes the handshake.
TYPED_TEST(HostileSessionTest, EveryFlippedByteOfEveryHandshakeMessageIsRefused) {
    const auto msgs = this->honest();
    for (std::size_t k = 0; k < msgs.size(); ++k) {
        for (std::size_t pos = 0; pos < msgs[k].data.size(); ++pos) {
            const std::string where = "message " + std::to_string(k) + " byte " + std::to_string(pos);
            typename TestFixture::peers_t p(this->traits);
            expectation e;
            p.exchange([&](std::size_t i, bool to_b, bytes& m) {
                (void)to_b;
                if (i == k) {
                    e = TypeParam::handshake_flip(k, pos, m);
                    if constexpr (TypeParam::datagrams) {
                        bytes bad = m;
                        bad[pos] ^= 0xff;
                        EXPECT_FALSE(p.deliver(to_b, bad)) << where;
                    } else {
                        m[pos] ^= 0xff;
                    }
                }
                return true;
            });
            if constexpr (TypeParam::datagrams) {
                this->expect_handshake_survived(p, e, where);
            } else {
                this->expect_handshake_rejected(p, msgs[k].to_b, e, where);
            }
        }
    }
}

TYPED_TEST(HostileSessionTest, HandshakeLengthsOfZeroTheMaximumAndBeyondAreRejected) {
    const auto msgs = this->honest();
    std::size_t cases = 0;
    for (std::size_t k = 0; k < msgs.size(); ++k) {
        for (const auto& f : TypeParam::handshake_lengths(k, msgs[k].data)) {
            for (const auto& c : f.cases) {
                const std::string where = "message " + std::to_string(k) + " " + f.name + " = " + c.what;
                typename TestFixture::peers_t p(this->traits);
                p.exchange([&](std::size_t i, bool, bytes& m) {
                    if (i == k) write_length(m, f, c.value);
                    return true;
                });
                this->expect_handshake_rejected(p, msgs[k].to_b, c.expect, where);
                ++cases;
            }
        }
    }
    if (cases == 0) GTEST_SKIP() << TypeParam::name << " carries no handshake length in clear";
}

// Streams: the garbage is the start of the first message, which fails.
// Datagrams: a datagram of its own, refused and discarded.
TYPED_TEST(HostileSessionTest, GarbageBeforeTheFirstHandshakeMessageIsRefused) {
    typename TestFixture::peers_t p(this->traits);
    const bytes garbage(7, 0xab);
    p.exchange([&](std::size_t i, bool, bytes& m) {
        if (i > 0) return true;
        if constexpr (TypeParam::datagrams) {
            (void)p.deliver(true, garbage);  // a datagram of its own
        } else {
            m.insert(m.begin(), garbage.begin(), garbage.end());
        }
        return true;
    });
    if constexpr (TypeParam::datagrams) {
        EXPECT_EQ(p.b.discarded_datagrams(), 1u);
        EXPECT_EQ(p.b.last_discard(), TypeParam::garbage_before()) << p.b.last_discard().message();
        EXPECT_EQ(p.b.state(), session_state::established);
        EXPECT_EQ(p.a.state(), session_state::established);
    } else {
        EXPECT_EQ(p.b.error(), TypeParam::garbage_before()) << p.b.error().message();
        EXPECT_EQ(p.b.state(), session_state::closed);
        EXPECT_EQ(test::count(p.b_events, event_kind::handshake_complete), 0u);
        EXPECT_NE(p.a.state(), session_state::established);
    }
}

TYPED_TEST(HostileSessionTest, AHandshakeThatNeverCompletesTimesOutAtItsDeadlineAndReleasesItsMemory) {
    const auto msgs = this->honest();
    const heap_meter heap;
    {
        typename TypeParam::session b(policies::handshake_role::recipient, this->traits.recipient());
        ASSERT_FALSE(b.start(t0));
        b.consume_output(b.pending_output().size());
        // Half of the first message, then nothing.
        const bytes half(msgs[0].data.begin(), msgs[0].data.begin() + static_cast<std::ptrdiff_t>(msgs[0].data.size() / 2));
        const auto ec = TypeParam::datagrams ? b.receive_datagram(half, t0) : b.receive(half, t0);
        ASSERT_FALSE(ec);
        const auto deadline = t0 + b.settings().timeouts.handshake;
        ASSERT_TRUE(b.next_deadline());
        EXPECT_LE(*b.next_deadline(), deadline);
        for (auto t = t0; t < deadline; t += 250ms) {
            EXPECT_FALSE(b.on_tick(t));
            b.consume_output(b.pending_output().size());  // retransmissions, over datagrams
        }
        EXPECT_EQ(b.state(), session_state::handshaking);
        EXPECT_EQ(b.on_tick(deadline), transport::errc::handshake_timeout);
        EXPECT_EQ(b.state(), session_state::closed);
        EXPECT_FALSE(b.next_deadline());  // nothing more to wait for
        EXPECT_EQ(b.on_tick(deadline + 1h), transport::errc::session_closed);
        EXPECT_LT(b.buffered_bytes(), memory_bound);
        EXPECT_LT(heap.growth(), static_cast<std::ptrdiff_t>(memory_bound));
    }
    EXPECT_LE(heap.growth(), 0);  // everything it held is given back
}

TYPED_TEST(HostileSessionTest, OneBytePerSecondDoesNotExtendTheHandshakeDeadline) {
    const auto msgs = this->honest();
    typename TypeParam::session b(policies::handshake_role::recipient, this->traits.recipient());
    ASSERT_FALSE(b.start(t0));
    const auto deadline = t0 + b.settings().timeouts.handshake;
    ASSERT_GT(msgs[0].data.size(), static_cast<std::size_t>(b.settings().timeouts.handshake / 1s));
    std::error_code ec;
    auto t = t0;
    for (std::size_t i = 0; i < msgs[0].data.size() && !ec; ++i, t += 1s) {
        // Over datagrams every datagram is a whole message: the dribbling
        // peer sends a truncated first message each second (discarded).
        const byte_view one = byte_view(msgs[0].data).subspan(TypeParam::datagrams ? 0 : i, 1);
        ec = TypeParam::datagrams ? b.receive_datagram(one, t) : b.receive(one, t);
        if (!ec) ec = b.on_tick(t);
        b.consume_output(b.pending_output().size());
    }
    EXPECT_EQ(ec, transport::errc::handshake_timeout);
    EXPECT_EQ(t - 1s, deadline);  // exactly at the configured deadline, though bytes kept coming
    EXPECT_EQ(b.state(), session_state::closed);
    EXPECT_LT(b.buffered_bytes(), memory_bound);
}

// ---- an established-session message ------------------------------------

TYPED_TEST(HostileSessionTest, EveryTruncationOfAMessageDeliversNothing) {
    std::size_t size = 0;
    {
        auto p = this->established();
        size = p->sealed(secret_payload).size();
    }
    for (std::size_t n = 0; n < size; ++n) {
        const std::string where = "cut to " + std::to_string(n);
        auto p = this->established();
        const bytes w = p->sealed(secret_payload);
        p->b_events.clear();
        EXPECT_FALSE(p->deliver(true, byte_view(w).first(n))) << where;
        EXPECT_EQ(test::count(p->b_events, event_kind::message), 0u) << where;
        EXPECT_EQ(p->b.state(), session_state::established) << where;
        EXPECT_LT(p->b.buffered_bytes(), memory_bound) << where;
        if constexpr (TypeParam::datagrams) {
            if (n > 0) {
                EXPECT_EQ(p->b.discarded_datagrams(), 1u) << where;
                EXPECT_EQ(p->b.last_discard(), transport::errc::truncated_datagram) << where;
            }
            EXPECT_FALSE(p->deliver(true, w)) << where;  // the whole datagram still passes
        } else {
            EXPECT_FALSE(p->deliver(true, byte_view(w).subspan(n))) << where;  // the rest completes it
        }
        ASSERT_EQ(test::count(p->b_events, event_kind::message), 1u) << where;
        EXPECT_EQ(p->b_events.back().payload, secret_payload) << where;
    }
}

TYPED_TEST(HostileSessionTest, EveryFlippedByteOfAMessageIsRejectedAndDeliversNothing) {
    std::size_t size = 0;
    {
        auto p = this->established();
        size = p->sealed(secret_payload).size();
    }
    for (std::size_t pos = 0; pos < size; ++pos) {
        auto p = this->established();
        const bytes w = p->sealed(secret_payload);
        bytes bad = w;
        bad[pos] ^= 0xff;
        this->expect_message_rejected(*p, bad, TypeParam::message_flip(pos, w), w, "byte " + std::to_string(pos));
    }
}

TYPED_TEST(HostileSessionTest, MessageLengthsOfZeroTheMaximumAndBeyondAreRejected) {
    std::size_t cases = 0;
    bytes sample;
    {
        auto p = this->established();
        sample = p->sealed(secret_payload);
    }
    for (const auto& f : TypeParam::message_lengths(sample)) {
        for (const auto& c : f.cases) {
            auto p = this->established();
            const bytes w = p->sealed(secret_payload);
            bytes bad = w;
            write_length(bad, f, c.value);
            this->expect_message_rejected(*p, bad, c.expect, w, std::string(f.name) + " = " + c.what);
            ++cases;
        }
    }
    if (cases == 0) GTEST_SKIP() << TypeParam::name << ": the message length is encrypted and authenticated (see the flips)";
}

TYPED_TEST(HostileSessionTest, GarbageAfterAValidMessageIsRejectedAfterItIsDelivered) {
    auto p = this->established();
    bytes w = p->sealed(secret_payload);
    w.insert(w.end(), 64, 0xab);  // more than any header
    p->b_events.clear();
    const auto ec = p->deliver(true, w);
    ASSERT_EQ(test::count(p->b_events, event_kind::message), 1u);  // the authenticated message, once
    EXPECT_EQ(p->b_events.front().payload, secret_payload);
    const expectation e = TypeParam::garbage_after();
    if constexpr (TypeParam::datagrams) {
        EXPECT_FALSE(ec);
        EXPECT_EQ(p->b.state(), session_state::established);
        EXPECT_EQ(p->b.discarded_datagrams(), 1u);
        EXPECT_TRUE(one_of(p->b.last_discard(), e.errors)) << describe({p->b.last_discard()});
    } else if (!ec && e.may_wait) {
        // A length in clear cannot tell garbage from the start of a large
        // frame: the reader waits, delivers nothing more, and the idle
        // deadline closes it.
        EXPECT_EQ(p->b.state(), session_state::established);
        p->tick(p->now + p->b.settings().timeouts.read);
        EXPECT_EQ(p->b.error(), transport::errc::read_timeout);
        EXPECT_EQ(p->b.state(), session_state::closed);
        EXPECT_EQ(test::count(p->b_events, event_kind::message), 1u);
    } else {
        EXPECT_TRUE(one_of(ec, e.errors)) << describe({ec});
        EXPECT_EQ(p->b.state(), session_state::closed);
    }
}

TYPED_TEST(HostileSessionTest, AReplayedMessageIsRejected) {
    auto p = this->established();
    const bytes w = p->sealed(secret_payload);
    p->b_events.clear();
    ASSERT_FALSE(p->deliver(true, w));
    const auto ec = p->deliver(true, w);
    EXPECT_EQ(test::count(p->b_events, event_kind::message), 1u);  // once only
    if constexpr (TypeParam::datagrams) {
        EXPECT_FALSE(ec);
        EXPECT_EQ(p->b.last_discard(), TypeParam::replayed());
        EXPECT_EQ(p->b.state(), session_state::established);
    } else {
        EXPECT_EQ(ec, TypeParam::replayed()) << ec.message();
        EXPECT_EQ(p->b.state(), session_state::closed);
    }
}

TYPED_TEST(HostileSessionTest, ReorderedMessagesAreRejectedExceptWithinTheDatagramWindow) {
    auto p = this->established();
    const bytes w1 = p->sealed(payload(40, 1));
    const bytes w2 = p->sealed(payload(40, 2));
    p->b_events.clear();
    if constexpr (TypeParam::reorder_tolerated) {
        ASSERT_FALSE(p->deliver(true, w2));
        ASSERT_FALSE(p->deliver(true, w1));
        ASSERT_EQ(test::count(p->b_events, event_kind::message), 2u);
        EXPECT_EQ(p->b_events[0].payload, payload(40, 2));
        EXPECT_EQ(p->b_events[1].payload, payload(40, 1));
        // Beyond the window: a packet older than the newest by the window's
        // width is refused as too old, even never seen before.
        const bytes old = p->sealed(payload(40, 3));
        bytes newest;
        for (std::uint64_t i = 0; i < TypeParam::replay_window; ++i) newest = p->sealed(payload(40, 4));
        ASSERT_FALSE(p->deliver(true, newest));
        ASSERT_FALSE(p->deliver(true, old));
        EXPECT_EQ(p->b.last_discard(), TypeParam::too_old());
        EXPECT_EQ(test::count(p->b_events, event_kind::message), 3u);
        EXPECT_EQ(p->b.state(), session_state::established);
    } else {
        bytes both = w2;
        both.insert(both.end(), w1.begin(), w1.end());
        const auto ec = p->deliver(true, both);
        EXPECT_EQ(ec, TypeParam::reordered()) << ec.message();
        EXPECT_EQ(test::count(p->b_events, event_kind::message), 0u);
        EXPECT_EQ(p->b.state(), session_state::closed);
    }
}

TYPED_TEST(HostileSessionTest, APeerThatStopsReadingBacksUpWritesWithBoundedMemory) {
    typename TypeParam::session::options ao = this->traits.initiator();
    constexpr std::size_t limit = 256 * 1024;
    ao.limits.max_output_buffer = limit;
    typename TestFixture::peers_t p(this->traits);
    p.a = typename TypeParam::session(policies::handshake_role::initiator, std::move(ao));
    p.establish();
    ASSERT_EQ(p.a.state(), session_state::established);
    const bytes m = payload(std::min<std::size_t>(TypeParam::max_message, 16 * 1024), 7);
    const heap_meter heap;
    std::error_code ec;
    std::size_t sent = 0;
    for (; sent < 10000 && !ec; ++sent) ec = p.a.send(TypeParam::app_code, m, p.now);  // nobody reads
    EXPECT_EQ(ec, transport::errc::buffer_limit_exceeded);
    EXPECT_LT(sent, 10000u);
    EXPECT_EQ(p.a.state(), session_state::established);  // a refusal, not a failure: the caller may wait
    const std::size_t bound = limit + 2 * (m.size() + 1024);  // the limit plus the frame that crossed it
    EXPECT_LE(p.a.pending_output().size(), bound);
    EXPECT_LE(p.a.buffered_bytes(), 2 * bound);  // a vector's growth may double its capacity
    EXPECT_LE(heap.growth(), static_cast<std::ptrdiff_t>(2 * bound));
    // Once the peer reads again, everything queued arrives.
    p.exchange();
    EXPECT_EQ(test::count(p.b_events, event_kind::message), sent - 1);
}

TYPED_TEST(HostileSessionTest, APingFloodFromAPeerThatDoesNotReadQueuesOnePong) {
    if constexpr (!TypeParam::session::base_protocol::keepalive) {
        GTEST_SKIP() << "no pings in this configuration";
    } else {
        typename TypeParam::session::options ao = this->traits.initiator();
        ao.limits.max_output_buffer = 256 * 1024;
        typename TestFixture::peers_t p(this->traits);
        p.a = typename TypeParam::session(policies::handshake_role::initiator, std::move(ao));
        p.establish();
        ASSERT_EQ(p.a.state(), session_state::established);
        constexpr std::size_t one_pong = 256;  // a pong frame or datagram, with room to spare
        // b floods pings; a's output is never taken.
        const heap_meter heap;
        std::size_t pings = 0;
        for (std::size_t i = 0; i < 20000; ++i) {
            ASSERT_FALSE(p.b.ping(p.now));
            ASSERT_FALSE(p.deliver(false, p.take(p.b))) << i;
            pings += test::count(p.a_events, event_kind::ping);
            p.a_events.clear();
        }
        EXPECT_EQ(pings, 20000u);
        EXPECT_EQ(p.a.state(), session_state::established);
        EXPECT_LE(heap.growth(), static_cast<std::ptrdiff_t>(16 * 1024));
        // What a has queued: one pong.
        std::size_t queued = 0;
        while (!p.a.pending_output().empty()) {
            bytes m = p.take(p.a);
            queued += m.size();
            ASSERT_FALSE(p.deliver(true, m));
        }
        EXPECT_GT(queued, 0u);
        EXPECT_LE(queued, one_pong);
        EXPECT_EQ(test::count(p.b_events, event_kind::pong), 1u);
        // Once the pong is taken, the next ping is answered again.
        ASSERT_FALSE(p.b.ping(p.now));
        ASSERT_FALSE(p.deliver(false, p.take(p.b)));
        ASSERT_FALSE(p.deliver(true, p.take(p.a)));
        EXPECT_EQ(test::count(p.b_events, event_kind::pong), 2u);
        if constexpr (!TypeParam::datagrams) {
            // A peer that reads a byte per ping: a pong taken in part is
            // still pending, so the output never holds more than one.
            bytes wire;
            for (std::size_t i = 0; i < 1000; ++i) {
                ASSERT_FALSE(p.b.ping(p.now));
                ASSERT_FALSE(p.deliver(false, p.take(p.b)));
                ASSERT_LE(p.a.pending_output().size(), one_pong) << i;
                wire.push_back(p.a.pending_output()[0]);
                p.a.consume_output(1);
            }
            bytes rest = p.take(p.a);
            wire.insert(wire.end(), rest.begin(), rest.end());
            ASSERT_FALSE(p.deliver(true, wire));
            EXPECT_GE(test::count(p.b_events, event_kind::pong), 2u + 1000 / one_pong);
        }
        EXPECT_EQ(p.a.state(), session_state::established);
        EXPECT_EQ(p.b.state(), session_state::established);
    }
}

// x25519-xchacha's other automatic answers: a rekey or rekey_done repeated
// (its answer was lost, over UDP) is answered again, and those answers are
// coalesced like Pongs — also when a flood interleaves them with Pings, so
// that no two successive replies are the same. The flooding peer is the
// configuration with its control protocol swapped out, so that it can send
// any control message at all.

/// A base protocol whose ping() writes the frames it is given (any channel,
/// control channels included); what it receives is delivered as messages.
struct raw_control : policies::no_base_protocol {
    using frames = std::vector<std::pair<std::uint64_t, bytes>>;
    struct options {
        const frames* to_send = nullptr;
    };
    explicit raw_control(const options& o) : no_base_protocol(no_base_protocol::options{}), to_send_(o.to_send) {}
    void ping(policies::frame_writer& w) {
        for (const auto& [code, payload] : *to_send_) w(code, payload, false);
    }

private:
    const frames* to_send_;
};

TEST(HostileControlRepliesTest, RepeatedRekeysInterleavedWithPingsQueueOneAnswerOfEach) {
    namespace xx = variants::x25519_xchacha;
    using raw_session = transport::session<transport::with_policy<xx::config, transport::role::base_protocol, raw_control>>;
    x25519_xchacha_traits traits;
    raw_control::frames flood;
    raw_session::options ro;
    ro.handshake = traits.initiator().handshake;
    ro.protocol.to_send = &flood;
    test::session_pair<raw_session, xx::session> p(std::move(ro), traits.recipient());
    p.start();
    ASSERT_EQ(p.b.state(), session_state::established);
    // A rekey for epoch 1 (LE32 epoch | X25519 key), the same each time.
    bytes rekey(4 + 32);
    rekey[0] = 1;
    const auto k = crypto::x25519::public_key_of(crypto::x25519::generate().value());
    std::copy(k.begin(), k.end(), rekey.begin() + 4);
    const heap_meter heap;
    std::size_t pings = 0;
    flood = {{xx::channel::rekey, rekey}, {xx::channel::ping, {}}};
    for (std::size_t i = 0; i < 10000; ++i) {
        ASSERT_FALSE(p.a.ping(p.now));
        bytes m(p.a.pending_output().begin(), p.a.pending_output().end());
        p.a.consume_output(m.size());
        ASSERT_FALSE(p.b.receive(m, p.now)) << i;
        test::session_pair<xx::session>::drain(p.b, p.b_events);
        pings += test::count(p.b_events, event_kind::ping);
        p.b_events.clear();
    }
    EXPECT_EQ(pings, 10000u);
    EXPECT_EQ(p.b.state(), session_state::established);
    EXPECT_TRUE(p.b.protocol().rekeying());
    EXPECT_LE(heap.growth(), static_cast<std::ptrdiff_t>(16 * 1024));
    // b queued one rekey_ack and one pong.
    EXPECT_LE(p.b.pending_output().size(), 512u);
    p.pump();
    std::size_t acks = 0, pongs = 0;
    for (const auto& e : p.a_events) {
        acks += e.kind == event_kind::message && e.code == xx::channel::rekey_ack;
        pongs += e.kind == event_kind::message && e.code == xx::channel::pong;
    }
    EXPECT_EQ(acks, 1u);
    EXPECT_EQ(pongs, 1u);
}

}  // namespace
}  // namespace polywire::hostile
