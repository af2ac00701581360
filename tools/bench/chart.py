#!/usr/bin/env python3
"""Draws throughput against message size, with the primitive limit, from the
benchmark suite's JSON output (Python standard library only; writes SVG).

    ./bazelw run --config=opt //tools/bench -- --benchmark_out=bench.json --benchmark_out_format=json
    python3 tools/bench/chart.py bench.json docs/performance.svg

The limit model is the suite's own (tools/bench/bench.cpp, ratio_reporter):
per side, AES-256-CTR over header and padded body, Keccak-256 over the MAC
input, four Keccak clone+finalize and two AES blocks.
"""
import json
import math
import sys


def seconds(run):
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[run.get("time_unit", "ns")]
    return run["real_time"] * scale


def main(src, dst):
    runs = {r["name"]: r for r in json.load(open(src))["benchmarks"] if r.get("run_type", "iteration") == "iteration"}
    t = {name: seconds(r) for name, r in runs.items()}
    keccak = t["primitive/keccak256_absorb/16384"] / 16384
    aes = t["primitive/aes256_ctr/16384"] / 16384
    fin = t["primitive/keccak256_clone_finalize"]
    blk = t["primitive/aes256_block"]
    sizes = sorted({int(n.rsplit("/", 1)[1]) for n in t if n.startswith("rlpx/seal_open/")})

    def limit(n):
        body = (n + 1 + 15) // 16 * 16
        return n / (2 * (aes * (16 + body) + keccak * (32 + body) + 4 * fin + 2 * blk)) / 1e6

    series = [("primitive limit", "#888888", [limit(n) for n in sizes], True)]
    for cfg, colour in (("rlpx", "#1f77b4"), ("rlpx_nosnappy", "#d62728")):
        vals = [n / t.get(f"{cfg}/seal_open/{n}", math.nan) / 1e6 for n in sizes]
        series.append((cfg.replace("_nosnappy", " (snappy off)") + " seal+open", colour, vals, False))

    w, h, left, bottom, top, right = 720, 420, 70, 50, 30, 190
    xs = [math.log2(n) for n in sizes]
    ymax = max(v for _, _, vals, _ in series for v in vals if not math.isnan(v)) * 1.1
    px = lambda x: left + (x - xs[0]) / (xs[-1] - xs[0]) * (w - left - right)
    py = lambda y: h - bottom - y / ymax * (h - bottom - top)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{left}" y="18" font-size="14">RLPx seal+open in one thread (MB/s) vs message size</text>']
    for i in range(6):
        y = ymax * i / 5
        out.append(f'<line x1="{left}" y1="{py(y):.1f}" x2="{w-right}" y2="{py(y):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left-8}" y="{py(y)+4:.1f}" text-anchor="end">{y:.0f}</text>')
    for n, x in zip(sizes, xs):
        label = f"{n//1024} KiB" if n >= 1024 and n < 1 << 20 else (f"{n>>20} MiB" if n >= 1 << 20 else f"{n} B")
        out.append(f'<text x="{px(x):.1f}" y="{h-bottom+18}" text-anchor="middle">{label}</text>')
    out.append(f'<line x1="{left}" y1="{h-bottom}" x2="{w-right}" y2="{h-bottom}" stroke="black"/>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h-bottom}" stroke="black"/>')
    for k, (name, colour, vals, dashed) in enumerate(series):
        pts = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in zip(xs, vals) if not math.isnan(v))
        dash = ' stroke-dasharray="6,4"' if dashed else ""
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for x, v in zip(xs, vals):
            if not math.isnan(v):
                out.append(f'<circle cx="{px(x):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}"/>')
        ly = top + 20 + 20 * k
        out.append(f'<line x1="{w-right+15}" y1="{ly}" x2="{w-right+40}" y2="{ly}" stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{w-right+46}" y="{ly+4}">{name}</text>')
    out.append("</svg>")
    open(dst, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: chart.py BENCH_JSON OUT_SVG")
    main(sys.argv[1], sys.argv[2])
