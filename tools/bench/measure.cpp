#include "tools/bench/measure.hpp"

#include <sys/socket.h>

#include <atomic>
#include <thread>

#include "policies/crypto/random.hpp"
#include "rlpx/node.hpp"
#include "tools/bench/rlpx_fixture.hpp"

namespace polywire::bench {
namespace {
namespace k1 = crypto::secp256k1;
using clock = transport::clock;

double since(clock::time_point t0) { return std::chrono::duration<double>(clock::now() - t0).count(); }

throughput finish(std::uint64_t n, std::size_t size, double secs) {
    throughput t;
    t.messages = n;
    t.seconds = secs;
    t.msgs_per_s = static_cast<double>(n) / secs;
    t.mb_per_s = static_cast<double>(n) * static_cast<double>(size) / secs / 1e6;
    return t;
}

rlpx::node_config node(bool snappy) {
    rlpx::node_config c;
    c.key = k1::generate_private_key().value();
    c.capabilities = {{"bench", 1, 4}};
    c.protocol_version = snappy ? 5 : 4;
    c.limits.max_input_buffer = 64u << 20;
    return c;
}

template <class Pair>
throughput memory_run(Pair& p, std::size_t size, std::uint64_t count) {
    bytes payload(size);
    (void)crypto::random_bytes(payload);
    const auto t0 = clock::now();
    for (std::uint64_t i = 0; i < count; ++i) {
        if (auto ec = p.a.send(0x10, payload, p.now)) {
            throughput t;
            t.error = ec;
            return t;
        }
        auto out = p.a.pending_output();
        (void)p.b.receive(out, p.now);
        p.a.consume_output(out.size());
        while (p.b.next_event()) {
        }
    }
    return finish(count, size, since(t0));
}
}  // namespace

throughput rlpx_memory(std::size_t size, std::uint64_t count, bool snappy) {
    if (snappy) {
        rlpx_pair p;
        return memory_run(p, size, count);
    }
    rlpx_frames_pair p;
    return memory_run(p, size, count);
}

throughput rlpx_tcp(std::size_t size, std::uint64_t count, bool snappy) {
    auto server_cfg = node(snappy);
    auto l = rlpx::listener::open(server_cfg, "127.0.0.1", 0);
    throughput result;
    if (!l) {
        result.error = l.error();
        return result;
    }
    std::atomic<std::uint64_t> received{0};
    clock::time_point t_end;
    std::error_code server_error;
    std::thread server([&] {
        auto c = l.value().accept(clock::now() + std::chrono::seconds(10));
        if (!c) {
            server_error = c.error();
            return;
        }
        while (received < count) {
            auto e = c.value()->next_event();
            if (!e) break;
            if (e->kind == transport::event_kind::message) ++received;
            if (e->kind == transport::event_kind::error) {
                server_error = e->error;
                break;
            }
        }
        t_end = clock::now();
    });
    rlpx::enode remote{k1::derive_public_key(server_cfg.key).value(), "127.0.0.1", l.value().port()};
    auto conn = rlpx::dial(node(snappy), remote);
    if (!conn) {
        result.error = conn.error();
        server.join();
        return result;
    }
    bytes payload(size);
    (void)crypto::random_bytes(payload);
    auto& c = *conn.value();
    const auto t0 = clock::now();
    for (std::uint64_t i = 0; i < count; ++i) {
        if (auto ec = c.queue(0x10, payload)) {
            result.error = ec;
            break;
        }
    }
    if (!result.error) result.error = c.flush();
    server.join();
    (void)c.close(rlpx::p2p::disconnect_reason::client_quitting);
    if (!result.error) result.error = server_error;
    if (result.error) return result;
    return finish(received.load(), size, std::chrono::duration<double>(t_end - t0).count());
}

double raw_tcp_mb_per_s(std::size_t total) {
    auto l = transport::adapters::tcp_listener::listen("127.0.0.1", 0);
    if (!l) return 0;
    std::thread reader([&] {
        auto fd = l.value().accept(clock::now() + std::chrono::seconds(10));
        if (!fd) return;
        bytes buf(256 * 1024);
        std::size_t got = 0;
        while (got < total) {
            auto r = transport::adapters::wait(fd.value(), true, false, clock::now() + std::chrono::seconds(10));
            if (!r || r.value() == 0) return;
            auto n = transport::adapters::read_some(fd.value(), buf);
            if (!n || n.value() == 0) {
                if (!n && n.error() == std::errc::resource_unavailable_try_again) continue;
                return;
            }
            got += n.value();
        }
    });
    auto fd = transport::adapters::tcp_connect("127.0.0.1", l.value().port(), clock::now() + std::chrono::seconds(5));
    if (!fd) {
        reader.join();
        return 0;
    }
    bytes buf(256 * 1024, 0x5a);
    const auto t0 = clock::now();
    std::size_t sent = 0;
    while (sent < total) {
        auto r = transport::adapters::wait(fd.value(), false, true, clock::now() + std::chrono::seconds(10));
        if (!r || r.value() == 0) break;
        auto n = transport::adapters::write_some(fd.value(), byte_view(buf).first(std::min(buf.size(), total - sent)));
        if (!n) break;
        sent += n.value();
    }
    reader.join();
    return static_cast<double>(sent) / since(t0) / 1e6;
}

double rlpx_memory_handshakes_per_s(std::uint64_t count) {
    const auto ka = k1::generate_private_key().value(), kb = k1::generate_private_key().value();
    const auto t0 = clock::now();
    for (std::uint64_t i = 0; i < count; ++i) {
        rlpx_pair p(ka, kb);
        if (p.a.state() != transport::session_state::established) return 0;
    }
    return static_cast<double>(count) / since(t0);
}

double rlpx_tcp_handshakes_per_s(std::uint64_t count) {
    auto server_cfg = node(true);
    auto l = rlpx::listener::open(server_cfg, "127.0.0.1", 0);
    if (!l) return 0;
    std::thread server([&] {
        for (std::uint64_t i = 0; i < count; ++i) {
            auto c = l.value().accept(clock::now() + std::chrono::seconds(10));
            if (!c) return;
        }
    });
    const auto client_cfg = node(true);
    rlpx::enode remote{k1::derive_public_key(server_cfg.key).value(), "127.0.0.1", l.value().port()};
    const auto t0 = clock::now();
    std::uint64_t done = 0;
    for (; done < count; ++done) {
        auto c = rlpx::dial(client_cfg, remote);
        if (!c) break;
    }
    server.join();
    return static_cast<double>(done) / since(t0);
}

}  // namespace polywire::bench
