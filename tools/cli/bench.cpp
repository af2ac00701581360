// polywire bench: throughput and handshake rates as one JSON line, so other
// programs can compare polywire with other implementations.
#include "tools/bench/measure.hpp"
#include "tools/cli/common.hpp"

namespace polywire::cli {

namespace {
constexpr option_spec bench_options[] = {
    {"variant", true}, {"size", true},   {"count", true}, {"transport", true},
    {"snappy", true},  {"handshakes", true}, {"timeout", true}, {"help", false},
};
}  // namespace

int run_bench(std::span<const std::string> words) {
    const args a = args::parse("bench", words, bench_options, 0);
    if (a.has("help")) {
        print_line(usage());
        return exit_ok;
    }
    const std::string variant = a.value("variant").value_or("rlpx");
    if (variant != "rlpx") throw usage_error("bench: unknown --variant '" + shown(variant) + "' (available: rlpx)");
    const std::string transport = a.value("transport").value_or("memory");
    if (transport != "memory" && transport != "tcp") throw usage_error("bench: --transport must be memory or tcp");
    const std::string snappy = a.value("snappy").value_or("on");
    if (snappy != "on" && snappy != "off") throw usage_error("bench: --snappy must be on or off");
    start_watchdog(a.has("timeout") ? parse_seconds("timeout", *a.value("timeout")) : std::chrono::minutes(10),
                   output_mode::json_events);

    if (auto h = a.value("handshakes")) {
        const auto n = parse_uint("handshakes", *h, 1, 100'000'000);
        const double rate = transport == "tcp" ? bench::rlpx_tcp_handshakes_per_s(n) : bench::rlpx_memory_handshakes_per_s(n);
        if (rate <= 0) {
            emit_error("bench: the handshakes failed");
            return exit_failure;
        }
        emit(json{{"variant", variant}, {"transport", transport}, {"handshakes", n}, {"handshakes_per_s", rate}});
        return exit_ok;
    }
    const auto size_text = a.value("size");
    const auto count_text = a.value("count");
    if (!size_text || !count_text) throw usage_error("bench needs --size BYTES and --count N (or --handshakes N)");
    const auto size = parse_uint("size", *size_text, 0, 16 * 1024 * 1024 - 2);
    const auto count = parse_uint("count", *count_text, 1, 1'000'000'000);
    const bool z = snappy == "on";
    const auto t = transport == "tcp" ? bench::rlpx_tcp(size, count, z) : bench::rlpx_memory(size, count, z);
    if (t.error) {
        emit_error("bench: " + t.error.message());
        return exit_failure;
    }
    emit(json{{"variant", variant},
              {"size", size},
              {"count", count},
              {"transport", transport},
              {"snappy", snappy},
              {"msgs_per_s", t.msgs_per_s},
              {"mb_per_s", t.mb_per_s}});
    return exit_ok;
}

}  // namespace polywire::cli
