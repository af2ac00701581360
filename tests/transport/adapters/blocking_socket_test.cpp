// The blocking adapter under injected I/O faults (Beast's fail_count
// style): every read, write and wait of the client may, at one chosen
// point, return a short count, EINTR, EAGAIN or a connection reset. For
// each fault at each point, the full RLPx handshake and an exchange of
// messages must end either in success with intact payloads or in a clean
// error — never a hang, a crash or a corrupted stream.
#include "transport/adapters/blocking_socket.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "rlpx/node.hpp"

namespace polywire::transport::adapters {
namespace {
namespace k1 = crypto::secp256k1;
using namespace std::chrono_literals;

enum class fault { short_count, interrupted, try_again, reset };

// posix_io with one fault injected at operation number `at` (and short
// counts on every read/write from then on, for fault::short_count).
struct faulty_io {
    fault kind;
    int at;
    int* ops;  // shared counter, so copies of the io see one sequence

    bool hit() { return (*ops)++ == at; }

    result<int> wait(const socket_fd& s, bool r, bool w, time_point d) noexcept {
        if (hit() && kind == fault::reset) return make_error_code(errc::connection_failed);
        return posix_io{}.wait(s, r, w, d);
    }
    result<std::size_t> read_some(const socket_fd& s, mutable_byte_view out) noexcept {
        const bool now = hit();
        if (now && kind == fault::interrupted) return make_error_code(std::errc::interrupted);
        if (now && kind == fault::try_again) return make_error_code(std::errc::resource_unavailable_try_again);
        if (now && kind == fault::reset) return make_error_code(errc::peer_closed);
        if (kind == fault::short_count && *ops > at && !out.empty()) out = out.first(1);
        return posix_io{}.read_some(s, out);
    }
    result<std::size_t> write_some(const socket_fd& s, byte_view in) noexcept {
        const bool now = hit();
        if (now && kind == fault::interrupted) return make_error_code(std::errc::interrupted);
        if (now && kind == fault::try_again) return std::size_t{0};
        if (now && kind == fault::reset) return make_error_code(errc::peer_closed);
        if (kind == fault::short_count && *ops > at && in.size() > 1) in = in.first(1 + in.size() / 3);
        return posix_io{}.write_some(s, in);
    }
    void shutdown_write(const socket_fd& s) noexcept { posix_io{}.shutdown_write(s); }
};

rlpx::node_config node() {
    rlpx::node_config c;
    c.key = k1::generate_private_key().value();
    c.capabilities = {{"test", 1, 4}};
    c.timeouts.handshake = 2s;
    c.timeouts.read = 2s;
    c.timeouts.write = 2s;
    c.timeouts.linger = 100ms;
    return c;
}

struct outcome {
    bool ok = false;
    std::error_code error;
};

// One run: a faulty client against a well-behaved server on a socketpair.
outcome run_once(fault kind, int at, int* ops_used = nullptr) {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
    auto server_cfg = node();
    auto client_cfg = node();
    const auto server_id = k1::derive_public_key(server_cfg.key).value();
    const bytes payload(5000, 0x5c);

    std::thread server([&] {
        blocking_socket<rlpx::session> s(socket_fd(sv[1]),
                                         rlpx::session(policies::handshake_role::recipient, rlpx::make_options(server_cfg, std::nullopt).value()));
        if (s.handshake()) return;
        while (auto e = s.next_event()) {
            if (e->kind == event_kind::message) {
                bytes copy(e->payload.begin(), e->payload.end());
                if (s.send(e->code, copy)) return;
            }
        }
    });

    int ops = 0;
    outcome out;
    {
        blocking_socket<rlpx::session, faulty_io> c(
            socket_fd(sv[0]), rlpx::session(policies::handshake_role::initiator, rlpx::make_options(client_cfg, server_id).value()),
            {}, faulty_io{kind, at, &ops});
        out.error = c.handshake();
        int echoed = 0;
        for (int i = 0; i < 3 && !out.error; ++i) {
            out.error = c.send(0x10, payload);
            if (out.error) break;
            auto e = c.next_event();
            if (!e) {
                out.error = c.session().error();
                break;
            }
            if (e->kind != event_kind::message) {
                out.error = e->kind == event_kind::error ? e->error : make_error_code(errc::peer_closed);
                break;
            }
            // Never a corrupted stream: an echo is intact or the session failed.
            EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), payload.begin(), payload.end()));
            ++echoed;
        }
        out.ok = !out.error && echoed == 3;
        if (out.ok) (void)c.close(0x08);
    }
    server.join();
    if (ops_used) *ops_used = ops;
    return out;
}

// posix_io that records the size of every write that moved bytes.
struct counting_io {
    std::vector<std::size_t>* writes;
    result<int> wait(const socket_fd& s, bool r, bool w, time_point d) noexcept { return posix_io{}.wait(s, r, w, d); }
    result<std::size_t> read_some(const socket_fd& s, mutable_byte_view out) noexcept { return posix_io{}.read_some(s, out); }
    result<std::size_t> write_some(const socket_fd& s, byte_view in) noexcept {
        auto n = posix_io{}.write_some(s, in);
        if (n && n.value() > 0) writes->push_back(n.value());
        return n;
    }
    void shutdown_write(const socket_fd& s) noexcept { posix_io{}.shutdown_write(s); }
};

TEST(BlockingSocketTest, QueuedMessagesLeaveInFewWritesBeforeTheFlushWithABoundedBuffer) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
    auto server_cfg = node();
    auto client_cfg = node();
    const auto server_id = k1::derive_public_key(server_cfg.key).value();
    constexpr int count = 400;
    constexpr std::size_t size = 1000;
    auto payload_of = [](int i) {  // incompressible, so snappy leaves each frame about `size` bytes
        std::mt19937 rng(static_cast<unsigned>(i));
        bytes p(size);
        for (auto& b : p) b = static_cast<std::uint8_t>(rng());
        return p;
    };

    std::atomic<int> received{0};
    std::atomic<bool> intact{true};
    std::thread server([&] {
        blocking_socket<rlpx::session> s(socket_fd(sv[1]),
                                         rlpx::session(policies::handshake_role::recipient, rlpx::make_options(server_cfg, std::nullopt).value()));
        if (s.handshake()) return;
        while (auto e = s.next_event()) {
            if (e->kind != event_kind::message) continue;
            const bytes want = payload_of(received.load());
            if (!std::equal(e->payload.begin(), e->payload.end(), want.begin(), want.end())) intact = false;
            ++received;
        }
    });

    using client = blocking_socket<rlpx::session, counting_io>;
    std::vector<std::size_t> writes;
    {
        client c(
            socket_fd(sv[0]), rlpx::session(policies::handshake_role::initiator, rlpx::make_options(client_cfg, server_id).value()),
            {}, counting_io{&writes});
        ASSERT_FALSE(c.handshake());
        writes.clear();
        static_assert(2 * client::write_chunk < client::coalesce_limit && count * size > client::coalesce_limit);
        std::size_t most_pending = 0;
        bool checked_early_write = false;
        for (int i = 0; i < count; ++i) {
            ASSERT_FALSE(c.queue(0x10, payload_of(i)));
            most_pending = std::max(most_pending, c.session().pending_output().size());
            // Bytes leave once a write chunk is queued, long before the
            // coalescing limit, so the peer starts on the first frames.
            if (!checked_early_write && (i + 1) * size >= 2 * client::write_chunk) {
                EXPECT_FALSE(writes.empty()) << "nothing written after " << i + 1 << " messages";
                checked_early_write = true;
            }
        }
        EXPECT_TRUE(checked_early_write);
        // The buffer never held the whole queue.
        EXPECT_LT(most_pending, client::coalesce_limit + 2 * size);
        ASSERT_FALSE(c.flush());
        EXPECT_TRUE(c.session().pending_output().empty());
        std::size_t written = 0;
        for (std::size_t n : writes) written += n;
        EXPECT_GT(written, count * size);
        EXPECT_LT(writes.size(), static_cast<std::size_t>(count) / 8) << "frames were not coalesced";
        const auto deadline = clock::now() + 1s;
        while (received < count && clock::now() < deadline) std::this_thread::sleep_for(1ms);
        EXPECT_EQ(received.load(), count);
        (void)c.close(0x08);
    }
    server.join();
    EXPECT_TRUE(intact);
}

// posix_io that records the room of every read (reads go straight into the
// session's input buffer).
struct read_recording_io {
    std::vector<std::size_t>* rooms;
    result<int> wait(const socket_fd& s, bool r, bool w, time_point d) noexcept { return posix_io{}.wait(s, r, w, d); }
    result<std::size_t> read_some(const socket_fd& s, mutable_byte_view out) noexcept {
        rooms->push_back(out.size());
        return posix_io{}.read_some(s, out);
    }
    result<std::size_t> write_some(const socket_fd& s, byte_view in) noexcept { return posix_io{}.write_some(s, in); }
    void shutdown_write(const socket_fd& s) noexcept { posix_io{}.shutdown_write(s); }
};

TEST(BlockingSocketTest, ReadsGoIntoTheSessionSmallUntilThePeerSendsInBulk) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
    auto server_cfg = node();
    auto client_cfg = node();
    const auto server_id = k1::derive_public_key(server_cfg.key).value();
    constexpr int count = 40;
    auto payload_of = [](int i) {  // incompressible
        std::mt19937 rng(static_cast<unsigned>(i));
        bytes p(16 * 1024);
        for (auto& b : p) b = static_cast<std::uint8_t>(rng());
        return p;
    };
    std::atomic<bool> handshaken{false};
    std::thread client([&] {
        blocking_socket<rlpx::session> c(socket_fd(sv[0]), rlpx::session(policies::handshake_role::initiator,
                                                                          rlpx::make_options(client_cfg, server_id).value()));
        if (c.handshake()) return;
        while (!handshaken) std::this_thread::sleep_for(1ms);
        for (int i = 0; i < count; ++i)
            if (c.queue(0x10, payload_of(i))) return;
        if (c.flush()) return;
        (void)c.close(0x08);
    });
    using server = blocking_socket<rlpx::session, read_recording_io>;
    std::vector<std::size_t> rooms;
    int received = 0;
    {
        server s(socket_fd(sv[1]),
                 rlpx::session(policies::handshake_role::recipient, rlpx::make_options(server_cfg, std::nullopt).value()), {},
                 read_recording_io{&rooms});
        ASSERT_FALSE(s.handshake());
        // The handshake's messages are small: so are the reads and the buffer.
        ASSERT_FALSE(rooms.empty());
        for (std::size_t r : rooms) EXPECT_LE(r, server::first_read);
        EXPECT_LT(s.session().buffered_bytes(), 4 * server::first_read);
        rooms.clear();
        handshaken = true;
        while (auto e = s.next_event()) {
            if (e->kind != event_kind::message) continue;
            const bytes want = payload_of(received);
            EXPECT_TRUE(std::equal(e->payload.begin(), e->payload.end(), want.begin(), want.end())) << received;
            ++received;
        }
    }
    client.join();
    EXPECT_EQ(received, count);
    // 640 KiB in bulk: the reads grew to read_chunk, never beyond.
    ASSERT_FALSE(rooms.empty());
    EXPECT_EQ(*std::max_element(rooms.begin(), rooms.end()), server::read_chunk);
    EXPECT_LT(rooms.size(), static_cast<std::size_t>(count) * 4) << "the reads did not grow";
}

TEST(BlockingSocketTest, EveryFaultAtEveryPointEndsCleanly) {
    const auto start = clock::now();
    int total_ops = 0;
    ASSERT_TRUE(run_once(fault::reset, -1, &total_ops).ok);  // no fault: count the operations
    ASSERT_GT(total_ops, 10);
    int ok = 0, failed = 0;
    for (fault kind : {fault::short_count, fault::interrupted, fault::try_again, fault::reset}) {
        for (int at = 0; at < total_ops; ++at) {
            const auto t0 = clock::now();
            auto r = run_once(kind, at);
            EXPECT_LT(clock::now() - t0, 5s) << "fault " << static_cast<int>(kind) << " at " << at;
            if (r.ok) {
                ++ok;
            } else {
                ++failed;
                // A clean, typed error: resets fail; transient faults must not.
                EXPECT_TRUE(r.error) << static_cast<int>(kind) << "@" << at;
                EXPECT_EQ(kind, fault::reset) << "transient fault " << static_cast<int>(kind) << " at " << at
                                              << " broke the session: " << r.error.message();
            }
        }
    }
    EXPECT_GT(ok, 0);
    EXPECT_GT(failed, 0);  // some resets landed inside the exchange
    EXPECT_LT(clock::now() - start, 120s);
}

}  // namespace
}  // namespace polywire::transport::adapters
