// polywire's benchmark suite. In one run it measures
//   * the raw primitives every configuration uses, on every backend
//     (primitive/...): the limit;
//   * seal+open of one message through the real session, for every
//     configuration and backend (<config>@<backend>/seal_open/<size>), with
//     heap allocations per message;
//   * complete handshakes (<config>/handshake_pair) against the public-key
//     operations they need, and the heap an idle session holds;
//   * loopback TCP throughput through the blocking adapter, sender and
//     receiver on separate threads (tcp/...), next to raw loopback TCP;
// and prints each through-the-session figure as a ratio to its limit.
//
//   ./bazelw run --config=opt //tools/bench -- [--benchmark_out="$PWD/bench.json" --benchmark_out_format=json]
//
// docs/performance.md describes the limit models; tools/bench/chart.py draws
// the JSON.
#include <benchmark/benchmark.h>
#include <gcrypt.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "crypto/backend.hpp"
#include "crypto/ed25519.hpp"
#include "crypto/hash.hpp"
#include "crypto/keccak.hpp"
#include "crypto/openssl_aes_gcm.hpp"
#include "crypto/random.hpp"
#include "crypto/secp256k1.hpp"
#include "crypto/snappy.hpp"
#include "crypto/x25519.hpp"
#include "crypto/x448.hpp"
#include "policies/models/hmac_sha256.hpp"
#include "rlpx/node.hpp"
#include "tools/bench/alloc_counter.hpp"
#include "tools/bench/variants_fixture.hpp"
#include "transport/adapters/blocking_socket.hpp"
#include "variants/x25519_xchacha/variant.hpp"

namespace polywire::bench {
namespace {
namespace k1 = crypto::secp256k1;
using crypto::botan_backend;
using crypto::openssl_backend;
using crypto::size_switched_backend;
using crypto::sodium_backend;
using clock = transport::clock;

// Message sizes through the sessions, and the sizes the primitives are
// timed at (the limit of any other size is interpolated between them).
const std::vector<std::size_t> message_sizes = {64, 1024, 16 * 1024, 1024 * 1024};
const std::vector<std::size_t> primitive_sizes = {16, 64, 1024, 16 * 1024, 64 * 1024, 1024 * 1024};
constexpr std::size_t packet_header = 14;     // x25519-xchacha stream packet header (the AEAD's associated data)
constexpr std::size_t message_header = 8;     // x25519-xchacha channel | length in front of each message

bytes random_payload(std::size_t n) {
    bytes b(n);
    (void)crypto::random_bytes(b);
    return b;
}

std::string backend_suffix(std::string_view backend_name) {
    if (backend_name == openssl_backend::name) return "@openssl";
    if (backend_name == sodium_backend::name) return "@sodium";
    if (backend_name == size_switched_backend::name) return "@switched";
    return "@botan";
}

template <class F>
benchmark::internal::Benchmark* add(const std::string& name, F f) {
    return benchmark::RegisterBenchmark(name.c_str(), std::move(f));
}

/// The calling thread's CPU time, in seconds.
double thread_seconds() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// ---- public-key operations --------------------------------------------------
//
// One public-key operation as a callable: what primitive/<name> times, and
// what a paired handshake benchmark runs beside each handshake. keygen: a
// private key and its public key; private_key and derive_public: each half
// alone; secp256k1_ecdh_sha256: BOLT 8's DH (SHA-256 of the compressed
// shared point); parse_compressed: the parse (a square root) of a
// compressed key received on the wire.
constexpr const char* public_key_ops[] = {
    "secp256k1_private_key", "secp256k1_derive_public", "secp256k1_keygen",  "secp256k1_ecdh",
    "secp256k1_ecdh_sha256", "secp256k1_parse_compressed", "secp256k1_sign_recoverable", "secp256k1_recover",
    "secp256k1_sign",        "secp256k1_verify",        "x25519_keygen",     "x25519_dh",
    "x448_keygen",           "x448_dh",                 "ed25519_sign",      "ed25519_verify"};

template <class T>
std::shared_ptr<const std::remove_cvref_t<T>> shared(T&& v) {
    return std::make_shared<const std::remove_cvref_t<T>>(std::forward<T>(v));
}

std::function<void()> public_key_op(std::string_view name) {
    auto k = std::make_shared<k1::private_key>(k1::generate_private_key().value());
    auto other = std::make_shared<k1::public_key>(k1::derive_public_key(k1::generate_private_key().value()).value());
    if (name == "secp256k1_private_key") return [] { benchmark::DoNotOptimize(k1::generate_private_key()); };
    if (name == "secp256k1_derive_public") return [k] { benchmark::DoNotOptimize(k1::derive_public_key(*k)); };
    if (name == "secp256k1_keygen")
        return [] {
            auto key = k1::generate_private_key();
            benchmark::DoNotOptimize(k1::derive_public_key(key.value()));
        };
    if (name == "secp256k1_ecdh") return [k, other] { benchmark::DoNotOptimize(k1::ecdh_x(*k, *other)); };
    if (name == "secp256k1_ecdh_sha256") return [k, other] { benchmark::DoNotOptimize(k1::ecdh_sha256(*k, *other)); };
    if (name == "secp256k1_parse_compressed") {
        auto c = shared(k1::derive_compressed_public_key(*k).value());
        return [c] { benchmark::DoNotOptimize(k1::parse_public_key(*c)); };
    }
    if (name == "secp256k1_sign_recoverable" || name == "secp256k1_recover") {
        auto d = shared(crypto::keccak256::hash(as_bytes("digest")));
        if (name == "secp256k1_sign_recoverable")
            return [k, d] { benchmark::DoNotOptimize(k1::sign_recoverable(*k, *d)); };
        auto sig = shared(k1::sign_recoverable(*k, *d).value());
        return [sig, d] { benchmark::DoNotOptimize(k1::recover(*sig, *d)); };
    }
    if (name == "secp256k1_sign" || name == "secp256k1_verify") {
        auto d = shared(crypto::sha256(as_bytes("digest")));
        if (name == "secp256k1_sign") return [k, d] { benchmark::DoNotOptimize(k1::sign(*k, *d)); };
        auto p = std::make_shared<const k1::public_key>(k1::derive_public_key(*k).value());
        auto sig = shared(k1::sign(*k, *d).value());
        return [p, d, sig] { benchmark::DoNotOptimize(k1::verify(*sig, *d, *p)); };
    }
    if (name == "x25519_keygen")
        return [] {
            auto x = crypto::x25519::generate();
            benchmark::DoNotOptimize(crypto::x25519::public_key_of(x.value()));
        };
    if (name == "x25519_dh") {
        auto x = shared(crypto::x25519::generate().value());
        auto p = shared(crypto::x25519::public_key_of(crypto::x25519::generate().value()));
        return [x, p] { benchmark::DoNotOptimize(crypto::x25519::shared_secret(*x, *p)); };
    }
    if (name == "x448_keygen")
        return [] {
            crypto::x448::private_key x;
            (void)crypto::random_bytes(x.mutable_view());
            benchmark::DoNotOptimize(crypto::x448::public_key_of(x));
        };
    if (name == "x448_dh") {
        auto x = std::make_shared<crypto::x448::private_key>(), o = std::make_shared<crypto::x448::private_key>();
        (void)crypto::random_bytes(x->mutable_view());
        (void)crypto::random_bytes(o->mutable_view());
        auto p = shared(crypto::x448::public_key_of(*o).value());
        return [x, p] { benchmark::DoNotOptimize(crypto::x448::shared_secret(*x, *p)); };
    }
    if (name == "ed25519_sign" || name == "ed25519_verify") {
        auto e = std::make_shared<const crypto::ed25519::private_key>(crypto::ed25519::private_key::generate().value());
        if (name == "ed25519_sign")
            return [e] { benchmark::DoNotOptimize(e->sign(as_bytes("a transcript hash of 32 bytes..."))); };
        auto sig = shared(e->sign(as_bytes("a transcript hash of 32 bytes...")));
        return [e, sig] {
            benchmark::DoNotOptimize(
                crypto::ed25519::verify(e->public_key(), as_bytes("a transcript hash of 32 bytes..."), *sig));
        };
    }
    std::fprintf(stderr, "bench: no public-key operation named %.*s\n", static_cast<int>(name.size()), name.data());
    std::abort();
}

// The public-key operations of each handshake, both sides: how many of
// each (docs/performance.md, "Handshakes"). Noise configurations are added
// by register_noise, counted from their patterns.
using op_counts = std::vector<std::pair<std::string, int>>;
std::map<std::string, op_counts>& handshake_limits() {
    static std::map<std::string, op_counts> m = {
        // 4 private keys (the 2 ephemeral keys, the 2 ECIES keys), 3
        // public keys derived (the 2 ECIES keys' and the recipient's
        // ephemeral key; the initiator's travels in its signature and is
        // recovered), 8 ECDH, one recoverable signature and one recovery.
        {"rlpx",
         {{"secp256k1_private_key", 4}, {"secp256k1_derive_public", 3}, {"secp256k1_ecdh", 8},
          {"secp256k1_sign_recoverable", 1}, {"secp256k1_recover", 1}}},
        // Noise XK (BOLT 8): 2 ephemeral keys, 6 ECDH of BOLT 8's kind
        // (es, ee, se on each side), and 4 compressed keys parsed: the
        // responder's static key (the initiator's option), each ephemeral
        // key and the initiator's static key as they arrive.
        {"noise_xk", {{"secp256k1_keygen", 2}, {"secp256k1_ecdh_sha256", 6}, {"secp256k1_parse_compressed", 4}}},
        // 2 session keys, 2 ECDH, 2 ECDSA signatures and 2 verifications.
        {"sha256_per_side",
         {{"secp256k1_keygen", 2}, {"secp256k1_ecdh", 2}, {"secp256k1_sign", 2}, {"secp256k1_verify", 2}}},
        // 2 X25519 ephemerals and DH, 2 Ed25519 signatures and verifications.
        {"x25519_xchacha", {{"x25519_keygen", 2}, {"x25519_dh", 2}, {"ed25519_sign", 2}, {"ed25519_verify", 2}}},
        {"x25519_xchacha_udp", {{"x25519_keygen", 2}, {"x25519_dh", 2}, {"ed25519_sign", 2}, {"ed25519_verify", 2}}},
        // libp2p-noise (XX, Ed25519 identities): on each side a fresh
        // static key and an ephemeral one (2 X25519 key generations),
        // 3 DH (ee, es, se), one Ed25519 signature over the static key
        // and one verification of the peer's.
        {"libp2p_noise", {{"x25519_keygen", 4}, {"x25519_dh", 6}, {"ed25519_sign", 2}, {"ed25519_verify", 2}}},
    };
    return m;
}

// ---- primitives: the limit ------------------------------------------------

template <class Ctr>
void register_ctr(const std::string& name, std::size_t key_size) {
    for (std::size_t n : primitive_sizes)
        add(name + "/" + std::to_string(n), [n, key_size](benchmark::State& st) {
            bytes data = random_payload(n);
            Ctr c(bytes(key_size, 1), bytes(16, 0));
            for (auto _ : st) {
                c.apply(data);
                benchmark::ClobberMemory();
            }
            st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * n));
        });
}

// Seal then open of one n-byte message (`ad_size` bytes of associated
// data), the way the configurations call the AEAD: one key, a nonce that
// only changes in its counter bytes.
template <class Aead>
void register_aead(const std::string& name, std::size_t ad_size) {
    for (std::size_t n : primitive_sizes)
        add(name + "/" + std::to_string(n), [n, ad_size](benchmark::State& st) {
            Aead enc, dec;
            const bytes key = random_payload(32), ad = random_payload(ad_size);
            (void)enc.set_key(key);
            (void)dec.set_key(key);
            bytes nonce = random_payload(Aead::nonce_size), data = random_payload(n);
            std::array<std::uint8_t, 16> tag{};
            std::uint64_t counter = 0;
            for (auto _ : st) {
                for (std::size_t i = 0; i < 8; ++i)
                    nonce[Aead::nonce_size - 8 + i] = static_cast<std::uint8_t>(counter >> (8 * i));
                ++counter;
                (void)enc.seal(nonce, ad, data, tag);
                if (dec.open(nonce, ad, data, tag)) st.SkipWithError("open failed");
            }
            st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * n));
        });
}

// Keccak-256 absorb on each implementation of the machine, and libgcrypt's
// SHA3-256 as the proxy of the fastest Keccak-f[1600] absorb available here
// (the same permutation and 136-byte rate; only the padding differs, and
// absorbing full blocks never pads).
std::vector<crypto::keccak_impl> keccak_impls() {
    std::vector<crypto::keccak_impl> v{crypto::keccak_impl::portable};
    if (crypto::keccak_avx512_supported()) {
        v.push_back(crypto::keccak_impl::avx512);
        v.push_back(crypto::keccak_impl::avx512_rows);
    }
    return v;
}

void init_gcrypt() {
    static const bool done = [] {
        if (!gcry_check_version(GCRYPT_VERSION)) std::abort();
        gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
        gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
        return true;
    }();
    (void)done;
}

void register_keccak_absorb(std::size_t n) {
    const std::string size = "/" + std::to_string(n);
    for (auto impl : keccak_impls()) {
        add("primitive/keccak256_absorb@" + std::string(crypto::to_string(impl)) + size,
            [n, impl](benchmark::State& st) {
                const bytes data = random_payload(n);
                crypto::keccak256 k(impl);
                for (auto _ : st) {
                    k.update(data);
                    benchmark::ClobberMemory();
                }
                st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * n));
            });
    }
    add("primitive/keccak256_absorb@botan" + size, [n](benchmark::State& st) {
        const bytes data = random_payload(n);
        crypto::botan_keccak256 k;
        for (auto _ : st) {
            k.update(data);
            benchmark::ClobberMemory();
        }
        st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * n));
    });
    add("primitive/sha3_256_absorb@gcrypt" + size, [n](benchmark::State& st) {
        init_gcrypt();
        const bytes data = random_payload(n);
        gcry_md_hd_t h = nullptr;
        if (gcry_md_open(&h, GCRY_MD_SHA3_256, 0) != 0) {
            st.SkipWithError("libgcrypt has no SHA3-256");
            return;
        }
        for (auto _ : st) {
            gcry_md_write(h, data.data(), data.size());
            benchmark::ClobberMemory();
        }
        gcry_md_close(h);
        st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * n));
    });
}

void register_primitives() {
    register_ctr<crypto::backend_traits<botan_backend>::aes_ctr>("primitive/aes256_ctr@botan", 32);
    register_ctr<crypto::backend_traits<openssl_backend>::aes_ctr>("primitive/aes256_ctr@openssl", 32);
    register_ctr<crypto::backend_traits<botan_backend>::aes_ctr>("primitive/aes128_ctr@botan", 16);
    register_ctr<crypto::backend_traits<openssl_backend>::aes_ctr>("primitive/aes128_ctr@openssl", 16);
    register_aead<crypto::backend_traits<botan_backend>::chacha20_poly1305>("primitive/chacha20_poly1305@botan", 0);
    register_aead<crypto::backend_traits<openssl_backend>::chacha20_poly1305>("primitive/chacha20_poly1305@openssl", 0);
    register_aead<crypto::backend_traits<sodium_backend>::chacha20_poly1305>("primitive/chacha20_poly1305@sodium", 0);
    register_aead<crypto::backend_traits<size_switched_backend>::chacha20_poly1305>(
        "primitive/chacha20_poly1305@switched", 0);
    register_aead<crypto::backend_traits<size_switched_backend>::xchacha20_poly1305>(
        "primitive/xchacha20_poly1305@switched", packet_header);
    register_aead<crypto::backend_traits<botan_backend>::xchacha20_poly1305>("primitive/xchacha20_poly1305@botan",
                                                                           packet_header);
    register_aead<crypto::backend_traits<openssl_backend>::xchacha20_poly1305>("primitive/xchacha20_poly1305@openssl",
                                                                             packet_header);
    register_aead<crypto::backend_traits<sodium_backend>::xchacha20_poly1305>("primitive/xchacha20_poly1305@sodium",
                                                                            packet_header);
    register_aead<crypto::openssl_aes256_gcm>("primitive/aes256_gcm@openssl", 0);  // Noise's AESGCM

    for (std::size_t n : primitive_sizes) {
        register_keccak_absorb(n);
        add("primitive/hmac_sha256@botan/" + std::to_string(n), [n](benchmark::State& st) {
            const bytes data = random_payload(n);
            policies::detail::keyed_hmac_sha256 m(random_payload(32));
            std::array<std::uint8_t, 32> tag{};
            for (auto _ : st) {
                m.tag(data, tag);
                benchmark::DoNotOptimize(tag);
            }
            st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * n));
        });
    }
    // A digest of a running state that keeps absorbing (the MAC chain reads
    // four per frame): one padded copy of the state through the permutation.
    for (auto impl : keccak_impls()) {
        add("primitive/keccak256_digest@" + std::string(crypto::to_string(impl)), [impl](benchmark::State& st) {
            crypto::keccak256 k(impl);
            k.update(as_bytes("state"));
            for (auto _ : st) benchmark::DoNotOptimize(k.digest());
        });
    }
    add("primitive/keccak256_digest@botan", [](benchmark::State& st) {
        crypto::botan_keccak256 k;
        k.update(as_bytes("state"));
        for (auto _ : st) benchmark::DoNotOptimize(k.digest());
    });
    add("primitive/aes256_block@botan", [](benchmark::State& st) {
        crypto::aes256_block b(bytes(32, 1));
        std::uint8_t block[16] = {};
        for (auto _ : st) {
            b.encrypt(block);
            benchmark::ClobberMemory();
        }
    });
    // Snappy's compression and decompression of a random (incompressible)
    // payload: what RLPx with snappy on does to every message, so in its limit.
    for (std::size_t size : primitive_sizes) {
        add("primitive/snappy_roundtrip_random/" + std::to_string(size), [size](benchmark::State& st) {
            const bytes data = random_payload(size);
            bytes z(crypto::snappy::max_compressed_length(data.size())), out(data.size());
            for (auto _ : st) {
                const std::size_t n = crypto::snappy::compress(data, z);
                benchmark::DoNotOptimize(crypto::snappy::uncompress(byte_view(z).first(n), out));
            }
            st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * size));
        });
    }

    // Public-key operations (the handshakes' limit), one benchmark each:
    // the operation of public_key_op() (also what handshake_paired runs).
    for (const char* name : public_key_ops)
        add("primitive/" + std::string(name), [name](benchmark::State& st) {
            const std::function<void()> op = public_key_op(name);
            for (auto _ : st) op();
        });
}

// ---- through the session ----------------------------------------------------

template <class Pair>
void seal_open(benchmark::State& st, Pair& p, std::size_t size) {
    const bytes payload = random_payload(size);
    std::error_code failure;
    auto one = [&] {
        if (auto ec = p.a.send(Pair::peers::code, payload, p.now)) failure = ec;
        Pair::move(p.a, p.b);
        bool delivered = false;
        while (auto e = p.b.next_event()) {
            delivered = delivered || e->kind == transport::event_kind::message;
            benchmark::DoNotOptimize(e);
        }
        if (!delivered && !failure) failure = make_error_code(transport::errc::session_closed);
    };
    for (int i = 0; i < 4; ++i) one();  // warm the buffers
    const auto before = current_alloc_stats();
    std::int64_t n = 0;
    for (auto _ : st) {
        one();
        ++n;
    }
    const auto after = current_alloc_stats();
    if (failure) st.SkipWithError(failure.message().c_str());
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * size));
    st.counters["allocs_per_msg"] = static_cast<double>(after.allocations - before.allocations) / static_cast<double>(n);
}

// The Noise family's seal+open limit as one callable: the suite's AEAD
// sealing and opening an n-byte message, as primitive/<aead> times it;
// noise-xk (BOLT 8) seals and opens the 2-byte length and the body.
template <class Session>
constexpr bool noise_transport = requires { typename Session::cipher::suite_cipher::aead; };

template <class Session>
std::function<void()> aead_limit_op(std::size_t n, int parts) {
    using aead = typename Session::cipher::suite_cipher::aead;
    struct state {
        aead enc, dec;
        bytes nonce = bytes(aead::nonce_size, 0), data, length = bytes(2, 0);
        std::array<std::uint8_t, 16> tag{};
        std::uint64_t counter = 0;
    };
    auto s = std::make_shared<state>();
    const bytes key = random_payload(32);
    (void)s->enc.set_key(key);
    (void)s->dec.set_key(key);
    s->data = random_payload(n);
    return [s, parts] {
        for (int part = 0; part < parts; ++part) {
            mutable_byte_view m = part + 1 < parts ? mutable_byte_view(s->length) : mutable_byte_view(s->data);
            for (std::size_t i = 0; i < 8; ++i)
                s->nonce[aead::nonce_size - 8 + i] = static_cast<std::uint8_t>(s->counter >> (8 * i));
            ++s->counter;
            (void)s->enc.seal(s->nonce, {}, m, s->tag);
            if (s->dec.open(s->nonce, {}, m, s->tag)) std::abort();
        }
    };
}

// Seal+open through the session and its limit, alternating (as
// handshake_paired): a batch of messages through the session, then as many
// through the limit's primitives, each batch timed on the thread's CPU
// clock; counter of_limit = the primitives' time over the session's.
template <class Pair>
void seal_open_paired(benchmark::State& st, Pair& p, std::size_t size, const std::function<void()>& limit) {
    const bytes payload = random_payload(size);
    std::error_code failure;
    const std::size_t batch = std::max<std::size_t>(2, 65536 / std::max<std::size_t>(size, 64));
    auto one = [&] {
        if (auto ec = p.a.send(Pair::peers::code, payload, p.now)) failure = ec;
        Pair::move(p.a, p.b);
        bool delivered = false;
        while (auto e = p.b.next_event()) {
            delivered = delivered || e->kind == transport::event_kind::message;
            benchmark::DoNotOptimize(e);
        }
        if (!delivered && !failure) failure = make_error_code(transport::errc::session_closed);
    };
    for (int i = 0; i < 4; ++i) {  // warm the buffers
        one();
        limit();
    }
    double session = 0, primitives = 0;
    for (auto _ : st) {
        const double t0 = thread_seconds();
        for (std::size_t i = 0; i < batch; ++i) one();
        const double t1 = thread_seconds();
        for (std::size_t i = 0; i < batch; ++i) limit();
        session += t1 - t0;
        primitives += thread_seconds() - t1;
    }
    if (failure) st.SkipWithError(failure.message().c_str());
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * batch * size));
    st.counters["of_limit"] = session > 0 ? primitives / session : NAN;
}

template <class Pair>
void register_session(const std::string& name, std::size_t max_message, bool handshakes) {
    std::vector<std::size_t> sizes;
    for (std::size_t n : message_sizes) {
        const std::size_t capped = std::min(n, max_message);
        if (sizes.empty() || sizes.back() != capped) sizes.push_back(capped);
    }
    for (std::size_t n : sizes)
        add(name + "/seal_open/" + std::to_string(n), [n](benchmark::State& st) {
            Pair p;
            seal_open(st, p, n);
        });
    if constexpr (noise_transport<typename Pair::session>) {
        const int parts = name.rfind("noise_xk", 0) == 0 ? 2 : 1;
        for (std::size_t n : sizes)
            add(name + "/seal_open_paired/" + std::to_string(n), [n, parts](benchmark::State& st) {
                Pair p;
                seal_open_paired(st, p, n, aead_limit_op<typename Pair::session>(n, parts));
            });
    }
    add(name + "/idle_session_memory", [](benchmark::State& st) {
        std::int64_t bytes_per_session = 0;
        for (auto _ : st) {
            const auto before = current_alloc_stats();
            auto* p = new Pair();
            const auto during = current_alloc_stats();
            bytes_per_session = (during.live_bytes - before.live_bytes) / 2;
            delete p;
        }
        st.counters["bytes_per_idle_session"] = static_cast<double>(bytes_per_session);
    })->Iterations(20);
    if (!handshakes) return;
    const std::string base = name.substr(0, name.find('@'));
    add(base + "/handshake_pair", [](benchmark::State& st) {
        // A node's static key and id exist before its handshakes: the two
        // peers' options are made once, outside the timed loop, and copied
        // per handshake (as a node copies its own per connection).
        const auto options = Pair::peers::make();
        for (auto _ : st) {
            Pair p(options);
            if (p.a.state() != transport::session_state::established ||
                p.b.state() != transport::session_state::established)
                st.SkipWithError("the handshake did not complete");
        }
    });
    // The same handshake and its public-key operations (handshake_limits),
    // alternating: one handshake, then the operations of its limit, each
    // timed on the thread's CPU clock. Whatever slows the machine for a
    // while (another tenant, the clock frequency) slows both alike, so the
    // ratio (counter of_limit: the operations' time over the handshakes')
    // holds still where two separate benchmarks drift apart.
    const auto limit = handshake_limits().find(base);
    if (limit == handshake_limits().end()) return;
    add(base + "/handshake_paired", [ops = limit->second](benchmark::State& st) {
        const auto options = Pair::peers::make();
        std::vector<std::pair<std::function<void()>, int>> run;
        for (const auto& [name, n] : ops) run.emplace_back(public_key_op(name), n);
        double handshakes = 0, operations = 0;
        for (auto _ : st) {
            const double t0 = thread_seconds();
            {
                Pair p(options);
                if (p.a.state() != transport::session_state::established ||
                    p.b.state() != transport::session_state::established)
                    st.SkipWithError("the handshake did not complete");
            }
            const double t1 = thread_seconds();
            for (auto& [op, n] : run)
                for (int i = 0; i < n; ++i) op();
            handshakes += t1 - t0;
            operations += thread_seconds() - t1;
        }
        st.counters["of_limit"] = handshakes > 0 ? operations / handshakes : NAN;
    });
}

template <class Backend>
std::string at() {
    return backend_suffix(Backend::name);
}

/// A session's largest message: its layout's largest payload, or frame.
template <class Session>
constexpr std::size_t largest_message() {
    using layout = typename Session::frame_layout;
    if constexpr (requires { layout::base_payload; })
        return layout::base_payload;  // datagrams: the floor, all an in-memory pair has (it sends no probes)
    else if constexpr (requires { layout::max_payload; })
        return layout::max_payload;
    else
        return layout::max_frame_size;
}

/// A session's benchmark name: `name` ('-' as '_') and its cipher's
/// backend, e.g. "noise_xk@switched".
template <class Session>
std::string session_name(std::string_view name) {
    std::string n(name);
    for (char& c : n)
        if (c == '-') c = '_';
    if constexpr (requires { Session::cipher::backend::name; }) {
        n += at<typename Session::cipher::backend>();
    } else if constexpr (requires { Session::cipher::suite_cipher::backend::name; }) {
        n += at<typename Session::cipher::suite_cipher::backend>();  // a Noise suite's chachapoly_on<Backend>
    }
    return n;
}

// The DH operations of a Noise handshake, both sides, counted from its
// pattern: every `e` token is one key generation (a fresh private key and
// its public key) by the side that sends it, and every ee, es, se or ss
// token one DH on each side. The static public keys are made once per node
// (options.static_public_key), not per handshake.
struct noise_dh_ops {
    std::string dh;  // "x25519" or "x448": the primitives' names
    int keygens = 0, dhs = 0;
};

template <class Config>
void register_noise(const std::string& name) {
    using ka = typename transport::session<Config>::key_agreement;
    constexpr auto desc = ka::pattern::desc;
    noise_dh_ops ops{ka::suite::dh::dh_len == 32 ? "x25519" : "x448"};
    for (std::size_t i = 0; i < desc.count; ++i)
        for (std::size_t t = 0; t < desc.messages[i].count; ++t) {
            const noise::token k = desc.messages[i].tokens[t];
            if (k == noise::token::e) ops.keygens += 1;
            if (k == noise::token::ee || k == noise::token::es || k == noise::token::se || k == noise::token::ss)
                ops.dhs += 2;
        }
    handshake_limits()[name.substr(0, name.find('@'))] = {{ops.dh + "_keygen", ops.keygens}, {ops.dh + "_dh", ops.dhs}};
    using pair = config_pair<Config, noise_peers>;
    register_session<pair>(name, largest_message<typename pair::session>(), true);
}

/// Registers a configuration of variant V (`Config`: V's own, or V's with
/// a policy swapped) once: a name registered already is the same
/// configuration.
template <class V, class Config>
void register_config(std::set<std::string>& done, std::string_view name, bool handshakes) {
    using pair = config_pair<Config, descriptor_peers<V>::template of>;
    const std::string full = session_name<typename pair::session>(name);
    if (!done.insert(full).second) return;
    register_session<pair>(full, largest_message<typename pair::session>(), handshakes);
}

void register_sessions() {
    std::set<std::string> done;
    // Every variant of the list as shipped, with its handshake.
    variants::for_each_variant([&](auto v) {
        using V = decltype(v);
        register_config<V, typename V::session::config>(done, V::name, true);
    });
    // The others: the cipher from each backend (the shipped one is skipped
    // as registered above), and RLPx with snappy off.
    namespace vv = variants;
    register_config<rlpx::variant, rlpx_config<openssl_backend>>(done, "rlpx", false);
    register_config<rlpx::variant, rlpx_config<botan_backend>>(done, "rlpx", false);
    register_config<rlpx::variant, rlpx_nosnappy_config<openssl_backend>>(done, "rlpx_nosnappy", false);
    register_config<rlpx::variant, rlpx_nosnappy_config<botan_backend>>(done, "rlpx_nosnappy", false);
    register_config<vv::noise_xk::variant, noise_xk_config<size_switched_backend>>(done, "noise_xk", false);
    register_config<vv::noise_xk::variant, noise_xk_config<openssl_backend>>(done, "noise_xk", false);
    register_config<vv::noise_xk::variant, noise_xk_config<botan_backend>>(done, "noise_xk", false);
    register_config<vv::noise_xk::variant, noise_xk_config<sodium_backend>>(done, "noise_xk", false);
    register_config<vv::sha256_per_side::variant, sha256_per_side_config<openssl_backend>>(done, "sha256_per_side",
                                                                                           false);
    register_config<vv::sha256_per_side::variant, sha256_per_side_config<botan_backend>>(done, "sha256_per_side",
                                                                                         false);
    using xx = vv::x25519_xchacha::variant;
    using xu = vv::x25519_xchacha::udp_variant;
    register_config<xx, x25519_xchacha_config<size_switched_backend>>(done, "x25519_xchacha", false);
    register_config<xx, x25519_xchacha_config<openssl_backend>>(done, "x25519_xchacha", false);
    register_config<xx, x25519_xchacha_config<botan_backend>>(done, "x25519_xchacha", false);
    register_config<xx, x25519_xchacha_config<sodium_backend>>(done, "x25519_xchacha", false);
    register_config<xu, x25519_xchacha_udp_config<size_switched_backend>>(done, "x25519_xchacha_udp", false);
    register_config<xu, x25519_xchacha_udp_config<openssl_backend>>(done, "x25519_xchacha_udp", false);
    register_config<xu, x25519_xchacha_udp_config<botan_backend>>(done, "x25519_xchacha_udp", false);
    // Noise configurations (policies/noise): the suite fixes the AEAD's
    // library (ChaChaPoly: libsodium; AESGCM: OpenSSL). 65,519 B at most.
    using n25519_chachapoly_sha256 = noise::suite<noise::dh25519, noise::chachapoly, noise::sha256>;
    register_noise<noise::config<noise::pattern::XX, n25519_chachapoly_sha256>>(
        "Noise_XX_25519_ChaChaPoly_SHA256" + at<sodium_backend>());
    register_noise<noise::config<noise::pattern::XX, noise::suite<noise::dh25519, noise::aesgcm, noise::sha256>>>(
        "Noise_XX_25519_AESGCM_SHA256" + at<openssl_backend>());
    register_noise<noise::config<noise::pattern::XX, noise::suite<noise::dh448, noise::chachapoly, noise::blake2b>>>(
        "Noise_XX_448_ChaChaPoly_BLAKE2b" + at<sodium_backend>());
    register_noise<noise::config<noise::pattern::IK, n25519_chachapoly_sha256>>(
        "Noise_IK_25519_ChaChaPoly_SHA256" + at<sodium_backend>());
    register_noise<noise::config<noise::pattern::XK, n25519_chachapoly_sha256>>(
        "Noise_XK_25519_ChaChaPoly_SHA256" + at<sodium_backend>());
}

// ---- loopback TCP -----------------------------------------------------------
//
// One connection per benchmark; each iteration sends a chunk of messages
// (about 1 MiB, at least 16) from this thread and waits until the receiver
// thread has taken all of them, so an iteration's time covers sealing,
// writing, reading, opening and delivery. The receiver ends when the sender
// says goodbye.

std::size_t chunk_messages(std::size_t size) { return std::max<std::size_t>(16, (1u << 20) / std::max<std::size_t>(size, 1)); }

template <class Conn>
struct tcp_link {
    std::unique_ptr<Conn> sender, receiver_conn;
    std::thread receiver;
    std::atomic<std::uint64_t> received{0};
    std::atomic<bool> failed{false};

    void start_receiving() {
        receiver = std::thread([this] {
            while (auto e = receiver_conn->next_event()) {
                if (e->kind == transport::event_kind::message) received.fetch_add(1, std::memory_order_release);
                if (e->kind == transport::event_kind::error) {
                    failed = true;
                    break;
                }
                if (e->kind == transport::event_kind::disconnected) break;
            }
            receiver_conn.reset();  // closes the socket: the sender's close() stops lingering
        });
    }

    bool wait_for(std::uint64_t n) const {
        const auto deadline = clock::now() + std::chrono::seconds(30);
        while (received.load(std::memory_order_acquire) < n) {
            if (failed || clock::now() > deadline) return false;
            std::this_thread::yield();
        }
        return true;
    }
};

void report_tcp(benchmark::State& st, std::uint64_t messages, std::size_t size, double seconds) {
    st.counters["msgs_per_s"] = static_cast<double>(messages) / seconds;
    st.counters["MB_per_s"] = static_cast<double>(messages) * static_cast<double>(size) / seconds / 1e6;
}

// Runs the iterations over an established link; `send_chunk(payload, n)`
// queues n messages and flushes.
template <class Link, class SendChunk>
void tcp_loop(benchmark::State& st, Link& link, std::size_t size, SendChunk send_chunk) {
    const bytes payload = random_payload(size);
    const std::size_t chunk = chunk_messages(size);
    std::uint64_t sent = 0;
    double total = 0;
    for (auto _ : st) {
        const auto t0 = clock::now();
        if (auto ec = send_chunk(payload, chunk)) {
            st.SkipWithError(ec.message().c_str());
            break;
        }
        sent += chunk;
        if (!link.wait_for(sent)) {
            st.SkipWithError("the receiver failed or stalled");
            break;
        }
        const double secs = std::chrono::duration<double>(clock::now() - t0).count();
        total += secs;
        st.SetIterationTime(secs);
    }
    st.SetBytesProcessed(static_cast<std::int64_t>(sent * size));
    if (total > 0) report_tcp(st, sent, size, total);
}

rlpx::node_config rlpx_node(bool snappy) {
    rlpx::node_config c;
    c.key = k1::generate_private_key().value();
    c.capabilities = {{"bench", 1, 4}};
    c.protocol_version = snappy ? 5 : 4;  // snappy only after a version-5 Hello
    c.limits.max_input_buffer = 64u << 20;
    return c;
}

void rlpx_tcp(benchmark::State& st, std::size_t size, bool snappy) {
    auto server_cfg = rlpx_node(snappy);
    auto l = rlpx::listener::open(server_cfg, "127.0.0.1", 0);
    if (!l) return st.SkipWithError(l.error().message().c_str());
    tcp_link<rlpx::connection> link;
    std::thread acceptor([&] {
        auto c = l.value().accept(clock::now() + std::chrono::seconds(10));
        if (c) link.receiver_conn = std::move(c.value());
    });
    rlpx::enode remote{k1::derive_public_key(server_cfg.key).value(), "127.0.0.1", l.value().port()};
    auto conn = rlpx::dial(rlpx_node(snappy), remote);
    acceptor.join();
    if (!conn || !link.receiver_conn) return st.SkipWithError("the RLPx connection failed");
    link.sender = std::move(conn.value());
    link.start_receiving();
    tcp_loop(st, link, size, [&](const bytes& payload, std::size_t n) -> std::error_code {
        for (std::size_t i = 0; i < n; ++i)
            if (auto ec = link.sender->queue(0x10, payload)) return ec;
        return link.sender->flush();
    });
    (void)link.sender->close(rlpx::p2p::disconnect_reason::client_quitting);
    link.receiver.join();
}

void x25519_tcp(benchmark::State& st, std::size_t size, bool batch) {
    namespace xx = variants::x25519_xchacha;
    xx::node_config server_cfg;
    server_cfg.identity = crypto::ed25519::private_key::generate().value();
    server_cfg.limits.max_input_buffer = 64u << 20;
    const auto server_id = server_cfg.identity.public_key();
    auto l = xx::listener::open(server_cfg, "127.0.0.1", 0);
    if (!l) return st.SkipWithError(l.error().message().c_str());
    tcp_link<xx::connection> link;
    std::thread acceptor([&] {
        auto c = l.value().accept(clock::now() + std::chrono::seconds(10));
        if (c) link.receiver_conn = std::move(c.value());
    });
    xx::node_config client_cfg;
    client_cfg.identity = crypto::ed25519::private_key::generate().value();
    auto conn = xx::dial(client_cfg, "127.0.0.1", l.value().port(), server_id);
    acceptor.join();
    if (!conn || !link.receiver_conn) return st.SkipWithError("the x25519-xchacha connection failed");
    link.sender = std::move(conn.value());
    link.start_receiving();
    std::vector<transport::outgoing_message> messages;
    tcp_loop(st, link, size, [&](const bytes& payload, std::size_t n) -> std::error_code {
        if (batch) {
            // Merged: as many messages per packet as fit (connection::send_batch).
            messages.assign(std::min<std::size_t>(n, 256), transport::outgoing_message{1, payload});
            for (std::size_t done = 0; done < n; done += messages.size())
                if (auto ec = link.sender->send_batch(messages)) return ec;
            return {};
        }
        for (std::size_t i = 0; i < n; ++i)
            if (auto ec = link.sender->queue(1, payload)) return ec;
        return link.sender->flush();
    });
    (void)link.sender->close(0);
    link.receiver.join();
}

// Raw loopback TCP: 256 KiB writes, no protocol. Each iteration moves 8 MiB.
void raw_tcp(benchmark::State& st) {
    namespace io = transport::adapters;
    auto l = io::tcp_listener::listen("127.0.0.1", 0);
    if (!l) return st.SkipWithError(l.error().message().c_str());
    std::atomic<std::uint64_t> got{0};
    std::atomic<bool> done{false};
    std::thread reader([&] {
        auto fd = l.value().accept(clock::now() + std::chrono::seconds(10));
        if (!fd) return;
        bytes buf(256 * 1024);
        while (!done) {
            auto r = io::wait(fd.value(), true, false, clock::now() + std::chrono::milliseconds(100));
            if (!r) return;
            if (r.value() == 0) continue;
            auto n = io::read_some(fd.value(), buf);
            if (!n) {
                if (n.error() == std::errc::resource_unavailable_try_again) continue;
                return;
            }
            if (n.value() == 0) return;
            got.fetch_add(n.value(), std::memory_order_release);
        }
    });
    auto fd = io::tcp_connect("127.0.0.1", l.value().port(), clock::now() + std::chrono::seconds(5));
    if (!fd) {
        done = true;
        reader.join();
        return st.SkipWithError(fd.error().message().c_str());
    }
    const bytes buf(256 * 1024, 0x5a);
    constexpr std::uint64_t per_iteration = 8u << 20;
    std::uint64_t sent = 0;
    double total = 0;
    for (auto _ : st) {
        const auto t0 = clock::now();
        const std::uint64_t target = sent + per_iteration;
        while (sent < target) {
            auto r = io::wait(fd.value(), false, true, clock::now() + std::chrono::seconds(10));
            if (!r || r.value() == 0) break;
            auto n = io::write_some(fd.value(), byte_view(buf).first(std::min<std::uint64_t>(buf.size(), target - sent)));
            if (!n) {
                if (n.error() == std::errc::resource_unavailable_try_again) continue;
                break;
            }
            sent += n.value();
        }
        const auto deadline = clock::now() + std::chrono::seconds(30);
        while (got.load(std::memory_order_acquire) < sent && clock::now() < deadline) std::this_thread::yield();
        const double secs = std::chrono::duration<double>(clock::now() - t0).count();
        total += secs;
        st.SetIterationTime(secs);
        if (sent < target || got.load() < sent) {
            st.SkipWithError("loopback transfer failed");
            break;
        }
    }
    done = true;
    fd.value().reset();
    reader.join();
    st.SetBytesProcessed(static_cast<std::int64_t>(sent));
    if (total > 0) st.counters["MB_per_s"] = static_cast<double>(sent) / total / 1e6;
}

const std::vector<std::size_t> tcp_sizes = {64, 1024, 16 * 1024, 1024 * 1024};

// The configurations as shipped (default backends) over the real adapters.
void register_tcp() {
    add("tcp/raw", raw_tcp)->UseManualTime()->Unit(benchmark::kMillisecond);
    const std::string rlpx_at = at<crypto::default_aes_ctr_backend>();
    const std::string xx_at = at<crypto::default_xchacha20_poly1305_backend>();
    for (std::size_t n : tcp_sizes) {
        const std::string s = "/" + std::to_string(n);
        add("tcp/rlpx" + rlpx_at + s, [n](benchmark::State& st) { rlpx_tcp(st, n, true); })
            ->UseManualTime()->Unit(benchmark::kMillisecond);
        add("tcp/rlpx_nosnappy" + rlpx_at + s, [n](benchmark::State& st) { rlpx_tcp(st, n, false); })
            ->UseManualTime()->Unit(benchmark::kMillisecond);
        add("tcp/x25519_xchacha" + xx_at + s, [n](benchmark::State& st) { x25519_tcp(st, n, false); })
            ->UseManualTime()->Unit(benchmark::kMillisecond);
        add("tcp/x25519_xchacha_batch" + xx_at + s, [n](benchmark::State& st) { x25519_tcp(st, n, true); })
            ->UseManualTime()->Unit(benchmark::kMillisecond);
    }
}

// ---- the ratio table ----------------------------------------------------------

class ratio_reporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& r : runs) {
            // With --benchmark_repetitions the median of the repetitions
            // (reported after them) is the figure.
            const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
            if ((r.run_type != Run::RT_Iteration && !median) || r.error_occurred) continue;
            const double unit = r.time_unit == benchmark::kMicrosecond   ? 1e-6
                                : r.time_unit == benchmark::kMillisecond ? 1e-3
                                : r.time_unit == benchmark::kSecond      ? 1.0
                                                                         : 1e-9;
            std::string name = r.run_name.str();
            if (auto at = name.find("/iterations:"); at != std::string::npos) name.resize(at);
            if (auto at = name.find("/repeats:"); at != std::string::npos) name.resize(at);
            // The thread's CPU time, so that other work on the machine does
            // not skew the ratios of one run; benchmarks timed by hand (over
            // threads) keep their wall-clock time.
            const bool manual = name.find("/manual_time") != std::string::npos;
            if (auto at = name.find("/manual_time"); at != std::string::npos) name.resize(at);
            if (!times_.count(name)) order_.push_back(name);
            times_[name] = (manual ? r.GetAdjustedRealTime() : r.GetAdjustedCPUTime()) * unit;
            for (const auto& [k, c] : r.counters) counters_[name + ":" + k] = c.value;
        }
    }

    void Finalize() override {
        ConsoleReporter::Finalize();
        keccak_table();
        seal_open_table();
        handshake_table();
        tcp_table();
    }

private:
    double t(const std::string& n) const {
        auto it = times_.find(n);
        return it == times_.end() ? NAN : it->second;
    }
    double counter(const std::string& n) const {
        auto it = counters_.find(n);
        return it == counters_.end() ? NAN : it->second;
    }

    // The time of primitive `p` on n bytes, interpolated linearly between
    // the sizes it was timed at (extrapolated by the last slope above them).
    double cost(const std::string& p, double n) const {
        std::vector<std::pair<double, double>> pts;
        for (std::size_t s : primitive_sizes) {
            const double v = t(p + "/" + std::to_string(s));
            if (!std::isnan(v)) pts.emplace_back(static_cast<double>(s), v);
        }
        if (pts.empty()) return NAN;
        if (n <= pts.front().first) return pts.front().second;
        for (std::size_t i = 1; i < pts.size(); ++i)
            if (n <= pts[i].first || i + 1 == pts.size()) {
                const auto [x0, y0] = pts[i - 1];
                const auto [x1, y1] = pts[i];
                return y0 + (y1 - y0) * (n - x0) / (x1 - x0);
            }
        return pts.back().second;
    }

    // Keccak-f[1600] absorb of n bytes at the fastest implementation timed
    // in this run: ours (each implementation), Botan's Keccak-256 and
    // libgcrypt's SHA3-256 (the proxy: same permutation and rate).
    static constexpr const char* keccak_absorbs[] = {
        "primitive/keccak256_absorb@portable", "primitive/keccak256_absorb@avx512",
        "primitive/keccak256_absorb@avx512_rows", "primitive/keccak256_absorb@botan",
        "primitive/sha3_256_absorb@gcrypt"};
    double keccak_absorb_limit(double n) const {
        double best = NAN;
        for (const char* p : keccak_absorbs) {
            const double c = cost(p, n);
            if (!std::isnan(c) && !(c >= best)) best = c;
        }
        return best;
    }
    // A digest of a running state: one permutation of a padded copy. The
    // cheapest of the digest benchmarks and one 136-byte block at the
    // fastest absorb.
    double keccak_digest_limit() const {
        double best = keccak_absorb_limit(136);
        for (const char* p : {"primitive/keccak256_digest@portable", "primitive/keccak256_digest@avx512",
                              "primitive/keccak256_digest@avx512_rows", "primitive/keccak256_digest@botan"}) {
            const double c = t(p);
            if (!std::isnan(c) && !(c >= best)) best = c;
        }
        return best;
    }

    // Seal+open of one n-byte message, both sides, from the primitives alone.
    double limit(const std::string& config, const std::string& backend, double n) const {
        if (config == "rlpx" || config == "rlpx_nosnappy") {
            // Per side: AES-256-CTR over the header and the padded body,
            // Keccak-f[1600] absorb of the header-MAC seed, the body
            // ciphertext and the body-MAC seed at the fastest absorb of the
            // run, four digests of the running state and two AES blocks.
            // With snappy on, the payload's compression and decompression
            // too (random payloads: snappy stores them, a few bytes longer).
            const double body = std::ceil((n + 1) / 16) * 16;
            const std::string aes = "primitive/aes256_ctr" + backend;
            const double snappy = config == "rlpx" ? cost("primitive/snappy_roundtrip_random", n) : 0.0;
            return snappy + 2 * (cost(aes, 16) + cost(aes, body) + 2 * keccak_absorb_limit(16) +
                                 keccak_absorb_limit(body) + 4 * keccak_digest_limit() +
                                 2 * t("primitive/aes256_block@botan"));
        }
        if (config == "noise_xk")  // the 2-byte length and the body, each sealed and opened
            return cost("primitive/chacha20_poly1305" + backend, 2) + cost("primitive/chacha20_poly1305" + backend, n);
        if (config == "sha256_per_side") {
            // Per side: AES-128-CTR over the padded data, HMAC-SHA256 over le64 totlen and it.
            const double padded = std::ceil(n / 16) * 16;
            return 2 * (cost("primitive/aes128_ctr" + backend, padded) + cost("primitive/hmac_sha256@botan", 8 + padded));
        }
        if (config == "x25519_xchacha" || config == "x25519_xchacha_udp")  // one packet: channel | length | payload
            return cost("primitive/xchacha20_poly1305" + backend, message_header + n);
        // Noise: one AEAD seal+open of the payload (empty associated data);
        // the 2-byte length travels in clear.
        if (config.rfind("Noise_", 0) == 0 && config.find("_ChaChaPoly_") != std::string::npos)
            return cost("primitive/chacha20_poly1305" + backend, n);
        if (config.rfind("Noise_", 0) == 0 && config.find("_AESGCM_") != std::string::npos)
            return cost("primitive/aes256_gcm" + backend, n);
        // libp2p-noise: Noise_XX_25519_ChaChaPoly_SHA256, whose ChaChaPoly is libsodium's.
        if (config == "libp2p_noise") return cost("primitive/chacha20_poly1305@sodium", n);
        return NAN;
    }

    void keccak_table() const {
        const double g16 = t("primitive/sha3_256_absorb@gcrypt/16384");
        if (std::isnan(g16)) return;
        std::printf("\nKeccak-f[1600] absorb (same run): MB/s, and the share of libgcrypt's SHA3-256 (the proxy of the"
                    " fastest)\n");
        std::printf("%-28s %20s %20s %20s %12s\n", "implementation", "64 B", "1 KiB", "16 KiB", "digest ns");
        for (const char* impl : {"keccak256_absorb@portable", "keccak256_absorb@avx512", "keccak256_absorb@avx512_rows",
                                 "keccak256_absorb@botan", "sha3_256_absorb@gcrypt"}) {
            const std::string name = impl;
            std::printf("%-28s", name.c_str());
            for (std::size_t n : {std::size_t{64}, std::size_t{1024}, std::size_t{16384}}) {
                const std::string sz = "/" + std::to_string(n);
                const double v = t("primitive/" + name + sz), g = t("primitive/sha3_256_absorb@gcrypt" + sz);
                std::printf(" %10.1f (%5.0f%%)", static_cast<double>(n) / v / 1e6, 100 * g / v);
            }
            const auto at = name.find('@');
            std::printf(" %12.0f\n", 1e9 * t("primitive/keccak256_digest" + name.substr(at)));
        }
    }

    void seal_open_table() const {
        std::printf("\nSeal+open through the session vs the raw primitives it uses (same run; both sides, one thread)\n");
        std::printf("(paired, the Noise family: a batch through the session, then as many through its AEAD, alternating)\n");
        std::printf("%-34s %10s %12s %12s %8s %12s %8s\n", "configuration@backend", "size", "MB/s", "limit MB/s", "ratio",
                    "allocs/msg", "paired");
        for (const auto& name : order_) {
            const auto at = name.find("/seal_open/");
            if (at == std::string::npos) continue;
            const double secs = t(name);
            const std::string cfg_backend = name.substr(0, at);
            // "<config>@<backend>", or "<config>" where the configuration
            // names no backend of its own (libp2p_noise: its suite's AEAD).
            const auto sep = cfg_backend.find('@');
            const std::string config = cfg_backend.substr(0, sep);
            const std::string backend = sep == std::string::npos ? std::string() : cfg_backend.substr(sep);
            const double n = std::stod(name.substr(at + 11));
            const double lim = limit(config, backend, n);
            const double paired = counter(cfg_backend + "/seal_open_paired/" + name.substr(at + 11) + ":of_limit");
            std::printf("%-34s %10.0f %12.1f %12.1f %7.0f%% %12.2f", cfg_backend.c_str(), n, n / secs / 1e6,
                        n / lim / 1e6, 100 * lim / secs, counter(name + ":allocs_per_msg"));
            if (std::isnan(paired)) std::printf("\n");
            else std::printf(" %7.0f%%\n", 100 * paired);
        }
        std::printf("\nHeap held by an idle established session\n");
        for (const auto& name : order_) {
            const auto at = name.find("/idle_session_memory");
            if (at != std::string::npos)
                std::printf("%-34s %10.0f bytes\n", name.substr(0, at).c_str(),
                            counter(name + ":bytes_per_idle_session"));
        }
    }

    void handshake_table() const {
        std::printf("\nComplete handshakes in memory (both sides, one thread) vs their public-key operations\n"
                    "(ratio: separate benchmarks; paired: each handshake followed by its operations, alternating)\n");
        std::printf("%-34s %12s %12s %8s %8s\n", "configuration", "pairs/s", "limit/s", "ratio", "paired");
        for (const auto& [config, ops] : handshake_limits()) {
            const double hs = t(config + "/handshake_pair");
            if (std::isnan(hs)) continue;
            double lim = 0;
            for (const auto& [op, n] : ops) lim += n * t("primitive/" + op);
            std::printf("%-34s %12.0f %12.0f %7.0f%% %7.0f%%\n", config.c_str(), 1 / hs, 1 / lim, 100 * lim / hs,
                        100 * counter(config + "/handshake_paired:of_limit"));
        }
    }

    void tcp_table() const {
        const double raw = counter("tcp/raw:MB_per_s");
        std::printf("\nLoopback TCP (sender and receiver threads) vs raw loopback TCP %.0f MB/s (same run)\n", raw);
        std::printf("%-34s %10s %12s %12s %8s\n", "configuration", "size", "msgs/s", "MB/s", "of raw");
        for (const auto& run : order_) {
            if (run.rfind("tcp/", 0) != 0 || run == "tcp/raw") continue;
            const double v = counter(run + ":MB_per_s");
            const auto slash = run.rfind('/');
            std::printf("%-34s %10s %12.0f %12.1f %7.0f%%\n", run.substr(4, slash - 4).c_str(), run.substr(slash + 1).c_str(),
                        counter(run + ":msgs_per_s"), v, 100 * v / raw);
        }
    }

    std::vector<std::string> order_;  // names in the order they ran
    std::map<std::string, double> times_;
    std::map<std::string, double> counters_;
};

}  // namespace
}  // namespace polywire::bench

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    polywire::bench::register_primitives();
    polywire::bench::register_sessions();
    polywire::bench::register_tcp();
    polywire::bench::ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
