#!/usr/bin/env python3
"""Draws seal+open throughput against message size for every configuration,
with its primitive limit, from the benchmark suite's JSON output (Python
standard library only; writes SVG).

    ./bazelw run --config=opt //tools/bench -- --benchmark_out="$PWD/bench.json" --benchmark_out_format=json
    python3 tools/bench/chart.py bench.json docs/performance.svg

Each configuration is drawn on its default backend (the first of its
`<config>@<backend>/seal_open/<size>` runs in the file, as the suite
registers the default first) as a solid line, on Botan as a dotted one, and
its limit on the default backend as a dashed one. The limit models are the
suite's own (tools/bench/bench.cpp, ratio_reporter::limit).
"""
import json
import math
import sys

PRIMITIVE_SIZES = [16, 64, 1024, 16 * 1024, 64 * 1024, 1024 * 1024]
COLOURS = {"rlpx": "#1f77b4", "rlpx_nosnappy": "#9467bd", "noise_xk": "#2ca02c", "libp2p_noise": "#17becf",
           "sha256_per_side": "#ff7f0e", "x25519_xchacha": "#d62728", "x25519_xchacha_udp": "#8c564b"}


def seconds(run):
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[run.get("time_unit", "ns")]
    return run["real_time"] * scale


def load(src):
    """Each benchmark's time: its median when the run repeated it
    (--benchmark_repetitions with aggregates), else its one run."""
    everything = [r for r in json.load(open(src))["benchmarks"] if not r.get("error_occurred")]
    medians = [r for r in everything if r.get("run_type") == "aggregate" and r.get("aggregate_name") == "median"]
    runs = medians or [r for r in everything if r.get("run_type", "iteration") == "iteration"]
    order, t = [], {}
    for r in runs:
        name = r.get("run_name", r["name"]) if medians else r["name"]
        name = name.split("/iterations:")[0].split("/manual_time")[0]
        if name not in t:
            order.append(name)
        t[name] = seconds(r)
    return order, t


def make_cost(t):
    def cost(prim, n):
        pts = [(s, t[f"{prim}/{s}"]) for s in PRIMITIVE_SIZES if f"{prim}/{s}" in t]
        if not pts:
            return math.nan
        if n <= pts[0][0]:
            return pts[0][1]
        for i in range(1, len(pts)):
            if n <= pts[i][0] or i == len(pts) - 1:
                (x0, y0), (x1, y1) = pts[i - 1], pts[i]
                return y0 + (y1 - y0) * (n - x0) / (x1 - x0)
        return pts[-1][1]
    return cost


def make_limit(t):
    cost = make_cost(t)

    def keccak_absorb(n):
        v = [cost(p, n) for p in ("primitive/keccak256_absorb@portable", "primitive/keccak256_absorb@avx512",
                                  "primitive/keccak256_absorb@botan", "primitive/sha3_256_absorb@gcrypt")]
        v = [x for x in v if not math.isnan(x)]
        return min(v) if v else math.nan

    def keccak_digest():
        v = [t[p] for p in ("primitive/keccak256_digest@portable", "primitive/keccak256_digest@avx512",
                            "primitive/keccak256_digest@botan") if p in t]
        return min(v + [keccak_absorb(136)])

    def limit(config, backend, n):
        if config in ("rlpx", "rlpx_nosnappy"):
            # as bench.cpp: the fastest Keccak-f[1600] absorb of the run
            # (ours, Botan's, libgcrypt's SHA3-256), four digests, and with
            # snappy on its compression and decompression
            body = math.ceil((n + 1) / 16) * 16
            aes = "primitive/aes256_ctr" + backend
            snappy = cost("primitive/snappy_roundtrip_random", n) if config == "rlpx" else 0.0
            return snappy + 2 * (cost(aes, 16) + cost(aes, body) + 2 * keccak_absorb(16) + keccak_absorb(body)
                                 + 4 * keccak_digest()
                                 + 2 * t.get("primitive/aes256_block@botan", math.nan))
        if config == "noise_xk":
            return cost("primitive/chacha20_poly1305" + backend, 2) + cost("primitive/chacha20_poly1305" + backend, n)
        if config == "sha256_per_side":
            padded = math.ceil(n / 16) * 16
            return 2 * (cost("primitive/aes128_ctr" + backend, padded) + cost("primitive/hmac_sha256@botan", 8 + padded))
        if config in ("x25519_xchacha", "x25519_xchacha_udp"):
            return cost("primitive/xchacha20_poly1305" + backend, 8 + n)
        if config == "libp2p_noise":  # its suite's ChaChaPoly is libsodium's
            return cost("primitive/chacha20_poly1305@sodium", n)
        return math.nan
    return limit


def series(order, t):
    """(label, colour, {size: MB/s}, dash) for every line to draw."""
    limit = make_limit(t)
    runs = {}  # config -> backend -> {size: seconds}, backends in file order
    for name in order:
        if "/seal_open/" not in name:
            continue
        head, size = name.split("/seal_open/")
        config, _, backend = head.partition("@")
        if config not in COLOURS:
            continue  # the Noise family's other configurations: in the tables, not drawn
        runs.setdefault(config, {}).setdefault("@" + backend, {})[int(size)] = t[name]
    out = []
    for config, backends in runs.items():
        colour = COLOURS.get(config, "#444444")
        default = next(iter(backends))
        pts = backends[default]
        out.append((f"{config} ({default[1:] or 'its suite'})", colour, {n: n / s / 1e6 for n, s in pts.items()}, None))
        out.append((f"{config} limit", colour, {n: n / limit(config, default, n) / 1e6 for n in pts}, "6,4"))
        if "@botan" in backends and default != "@botan":
            out.append((f"{config} (botan)", colour,
                        {n: n / s / 1e6 for n, s in backends["@botan"].items()}, "1,3"))
    return out


def main(src, dst):
    order, t = load(src)
    lines = series(order, t)
    if not lines:
        sys.exit("chart.py: no <config>@<backend>/seal_open/<size> runs in " + src)
    sizes = sorted({n for _, _, pts, _ in lines for n in pts})
    w, h, left, bottom, top, right = 860, 480, 70, 50, 30, 270
    xs = {n: math.log2(n) for n in sizes}
    x0, x1 = min(xs.values()), max(xs.values())
    ymax = max(v for _, _, pts, _ in lines for v in pts.values() if not math.isnan(v)) * 1.1
    px = lambda x: left + (x - x0) / ((x1 - x0) or 1) * (w - left - right)
    py = lambda y: h - bottom - y / ymax * (h - bottom - top)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{left}" y="18" font-size="14">Seal+open in one thread (MB/s) vs message size, every configuration</text>']
    for i in range(6):
        y = ymax * i / 5
        out.append(f'<line x1="{left}" y1="{py(y):.1f}" x2="{w-right}" y2="{py(y):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left-8}" y="{py(y)+4:.1f}" text-anchor="end">{y:.0f}</text>')
    for n in sizes:
        label = f"{n} B" if n < 1024 else (f"{n // 1024} KiB" if n < 1 << 20 else f"{n >> 20} MiB")
        if n not in (64, 1024, 16384, 65535, 1 << 20):
            continue  # keep the axis readable (1392, the datagram cap, sits next to 1 KiB)
        out.append(f'<text x="{px(xs[n]):.1f}" y="{h-bottom+18}" text-anchor="middle">{label}</text>')
    out.append(f'<line x1="{left}" y1="{h-bottom}" x2="{w-right}" y2="{h-bottom}" stroke="black"/>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h-bottom}" stroke="black"/>')
    for k, (name, colour, pts, dash) in enumerate(lines):
        ordered = [(xs[n], v) for n, v in sorted(pts.items()) if not math.isnan(v)]
        d = f' stroke-dasharray="{dash}"' if dash else ""
        width = 2 if dash is None else 1.5
        out.append(f'<polyline points="{" ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in ordered)}" '
                   f'fill="none" stroke="{colour}" stroke-width="{width}"{d}/>')
        if dash is None:
            for x, v in ordered:
                out.append(f'<circle cx="{px(x):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}"/>')
        ly = top + 14 + 16 * k
        out.append(f'<line x1="{w-right+15}" y1="{ly}" x2="{w-right+40}" y2="{ly}" stroke="{colour}" stroke-width="2"{d}/>')
        out.append(f'<text x="{w-right+46}" y="{ly+4}">{name}</text>')
    out.append("</svg>")
    open(dst, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: chart.py BENCH_JSON OUT_SVG")
    main(sys.argv[1], sys.argv[2])
