// polywire's benchmark suite: the raw primitives a configuration uses (its
// limit), measured in the same run as seal+open through the real session
// code and complete handshakes, each reported as a ratio to that limit,
// plus heap allocations per message and memory per idle session.
//
//   ./bazelw run --config=opt //tools/bench -- [--benchmark_out=bench.json --benchmark_out_format=json]
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "policies/crypto/aes.hpp"
#include "policies/crypto/hash.hpp"
#include "policies/crypto/random.hpp"
#include "policies/crypto/secp256k1.hpp"
#include "policies/crypto/snappy.hpp"
#include "rlpx/config.hpp"
#include "tools/bench/alloc_counter.hpp"
#include "tools/bench/rlpx_fixture.hpp"

namespace polywire::bench {
namespace {
namespace k1 = crypto::secp256k1;

constexpr std::int64_t sizes[] = {64, 1024, 16 * 1024, 1024 * 1024};

bytes random_payload(std::size_t n) {
    bytes b(n);
    (void)crypto::random_bytes(b);
    return b;
}

// ---- primitives: the limit --------------------------------------------

void keccak_absorb(benchmark::State& st) {
    const bytes data = random_payload(static_cast<std::size_t>(st.range(0)));
    crypto::keccak256 k;
    for (auto _ : st) {
        k.update(data);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(st.iterations() * st.range(0));
}
BENCHMARK(keccak_absorb)->Name("primitive/keccak256_absorb")->Arg(16 * 1024);

void keccak_clone_finalize(benchmark::State& st) {
    crypto::keccak256 k, scratch;
    k.update(as_bytes("state"));
    for (auto _ : st) {
        scratch.copy_state_from(k);
        benchmark::DoNotOptimize(scratch.digest());
    }
}
BENCHMARK(keccak_clone_finalize)->Name("primitive/keccak256_clone_finalize");

void aes256_ctr(benchmark::State& st) {
    bytes data = random_payload(static_cast<std::size_t>(st.range(0)));
    crypto::aes_ctr c(bytes(32, 1), bytes(16, 0));
    for (auto _ : st) {
        c.apply(data);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(st.iterations() * st.range(0));
}
BENCHMARK(aes256_ctr)->Name("primitive/aes256_ctr")->Arg(16 * 1024);

void aes256_block(benchmark::State& st) {
    crypto::aes256_block b(bytes(32, 1));
    std::uint8_t block[16] = {};
    for (auto _ : st) {
        b.encrypt(block);
        benchmark::ClobberMemory();
    }
}
BENCHMARK(aes256_block)->Name("primitive/aes256_block");

void snappy_roundtrip(benchmark::State& st) {
    const bytes data = random_payload(static_cast<std::size_t>(st.range(0)));
    bytes z(crypto::snappy::max_compressed_length(data.size())), out(data.size());
    for (auto _ : st) {
        const std::size_t n = crypto::snappy::compress(data, z);
        benchmark::DoNotOptimize(crypto::snappy::uncompress(byte_view(z).first(n), out));
    }
    st.SetBytesProcessed(st.iterations() * st.range(0));
}
BENCHMARK(snappy_roundtrip)->Name("primitive/snappy_roundtrip_random")->Arg(16 * 1024);

void secp_keygen(benchmark::State& st) {
    for (auto _ : st) {
        auto k = k1::generate_private_key();
        benchmark::DoNotOptimize(k1::derive_public_key(k.value()));
    }
}
BENCHMARK(secp_keygen)->Name("primitive/secp256k1_keygen");

void secp_ecdh(benchmark::State& st) {
    auto k = k1::generate_private_key().value();
    auto p = k1::derive_public_key(k1::generate_private_key().value()).value();
    for (auto _ : st) benchmark::DoNotOptimize(k1::ecdh_x(k, p));
}
BENCHMARK(secp_ecdh)->Name("primitive/secp256k1_ecdh");

void secp_sign(benchmark::State& st) {
    auto k = k1::generate_private_key().value();
    auto d = crypto::keccak256::hash(as_bytes("digest"));
    for (auto _ : st) benchmark::DoNotOptimize(k1::sign_recoverable(k, d));
}
BENCHMARK(secp_sign)->Name("primitive/secp256k1_sign_recoverable");

void secp_recover(benchmark::State& st) {
    auto k = k1::generate_private_key().value();
    auto d = crypto::keccak256::hash(as_bytes("digest"));
    auto sig = k1::sign_recoverable(k, d).value();
    for (auto _ : st) benchmark::DoNotOptimize(k1::recover(sig, d));
}
BENCHMARK(secp_recover)->Name("primitive/secp256k1_recover");

// ---- through the session ---------------------------------------------

template <class Pair>
void seal_open(benchmark::State& st, Pair& p) {
    const bytes payload = random_payload(static_cast<std::size_t>(st.range(0)));
    auto one = [&] {
        (void)p.a.send(0x10, payload, p.now);
        auto out = p.a.pending_output();
        (void)p.b.receive(out, p.now);
        p.a.consume_output(out.size());
        auto e = p.b.next_event();
        benchmark::DoNotOptimize(e);
    };
    for (int i = 0; i < 4; ++i) one();  // warm the buffers
    const auto before = current_alloc_stats();
    std::int64_t n = 0;
    for (auto _ : st) {
        one();
        ++n;
    }
    const auto after = current_alloc_stats();
    st.SetBytesProcessed(st.iterations() * st.range(0));
    st.counters["allocs_per_msg"] = static_cast<double>(after.allocations - before.allocations) / static_cast<double>(n);
}

void rlpx_seal_open(benchmark::State& st) {
    rlpx_pair p;
    seal_open(st, p);
}
BENCHMARK(rlpx_seal_open)->Name("rlpx/seal_open")->Apply([](auto* b) {
    for (auto s : sizes) b->Arg(s);
});

void rlpx_seal_open_nosnappy(benchmark::State& st) {
    rlpx_frames_pair p;
    seal_open(st, p);
}
BENCHMARK(rlpx_seal_open_nosnappy)->Name("rlpx_nosnappy/seal_open")->Apply([](auto* b) {
    for (auto s : sizes) b->Arg(s);
});

void rlpx_handshake(benchmark::State& st) {
    const auto ka = k1::generate_private_key().value(), kb = k1::generate_private_key().value();
    for (auto _ : st) {
        rlpx_pair p(ka, kb);
        benchmark::DoNotOptimize(p.a.state());
    }
}
BENCHMARK(rlpx_handshake)->Name("rlpx/handshake_pair");

void rlpx_idle_session_memory(benchmark::State& st) {
    std::int64_t bytes_per_session = 0;
    for (auto _ : st) {
        const auto before = current_alloc_stats();
        {
            auto* p = new rlpx_pair();
            const auto during = current_alloc_stats();
            bytes_per_session = (during.live_bytes - before.live_bytes) / 2;
            delete p;
        }
    }
    st.counters["bytes_per_idle_session"] = static_cast<double>(bytes_per_session);
}
BENCHMARK(rlpx_idle_session_memory)->Name("rlpx/idle_session_memory")->Iterations(20);

// ---- the ratio table ---------------------------------------------------

class ratio_reporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& r : runs) {
            if (r.run_type != Run::RT_Iteration) continue;
            times_[r.benchmark_name()] = r.GetAdjustedRealTime() * 1e-9 /
                                         (r.time_unit == benchmark::kMicrosecond   ? 1e-3
                                          : r.time_unit == benchmark::kMillisecond ? 1e-6
                                                                                   : 1.0);
            for (const auto& [k, c] : r.counters) counters_[r.benchmark_name() + ":" + k] = c.value;
        }
    }

    void Finalize() override {
        ConsoleReporter::Finalize();
        auto t = [&](const std::string& n) { return times_.count(n) ? times_[n] : NAN; };
        const double keccak_per_byte = t("primitive/keccak256_absorb/16384") / 16384;
        const double aes_per_byte = t("primitive/aes256_ctr/16384") / 16384;
        const double fin = t("primitive/keccak256_clone_finalize");
        const double blk = t("primitive/aes256_block");
        std::printf("\nRatios to the primitive limit (same run)\n");
        std::printf("%-28s %10s %12s %12s %8s %14s\n", "benchmark", "size", "MB/s", "limit MB/s", "ratio", "allocs/msg");
        for (const char* cfg : {"rlpx", "rlpx_nosnappy"}) {
            for (auto n : sizes) {
                const std::string name = std::string(cfg) + "/seal_open/" + std::to_string(n);
                const double body = static_cast<double>((n + 1 + 15) / 16 * 16);
                // per side: AES-CTR over header + body, Keccak over header-seed,
                // body and body-seed, four clone+finalize, two AES blocks.
                const double limit = 2 * (aes_per_byte * (16 + body) + keccak_per_byte * (32 + body) + 4 * fin + 2 * blk);
                const double measured = t(name);
                std::printf("%-28s %10lld %12.1f %12.1f %7.0f%% %14.2f\n", cfg, static_cast<long long>(n),
                            static_cast<double>(n) / measured / 1e6, static_cast<double>(n) / limit / 1e6,
                            100 * limit / measured, counters_[name + ":allocs_per_msg"]);
            }
        }
        const double pk_limit = 4 * t("primitive/secp256k1_keygen") + 8 * t("primitive/secp256k1_ecdh") +
                                t("primitive/secp256k1_sign_recoverable") + t("primitive/secp256k1_recover");
        const double hs = t("rlpx/handshake_pair");
        std::printf("%-28s %10s %12.0f %12.0f %7.0f%%   (handshake pairs/s incl. Hello)\n", "rlpx/handshake_pair", "-",
                    1 / hs, 1 / pk_limit, 100 * pk_limit / hs);
        std::printf("%-28s %10s %12.0f bytes held per idle established session\n", "rlpx/idle_session", "-",
                    counters_["rlpx/idle_session_memory/iterations:20:bytes_per_idle_session"]);
    }

private:
    std::map<std::string, double> times_;
    std::map<std::string, double> counters_;
};

}  // namespace
}  // namespace polywire::bench

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    polywire::bench::ratio_reporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
