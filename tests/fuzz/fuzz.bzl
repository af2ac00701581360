"""polywire_fuzz_target: one libFuzzer target per untrusted entry point.

Each target yields
  <name>_test  a cc_test that replays the checked-in corpus through the same
               entry point (corpus_replay_main.cpp); part of //... in every
               configuration, so the corpus is a regression suite.
  <name>       the libFuzzer binary (tags = ["manual", "polywire_fuzz_target"]):
               build it with --config=fuzz (clang) and run it with
               tools/fuzz.sh, which finds every target by that tag.

polywire_session_fuzz_targets makes one such target per variant name,
<name>_session_fuzz ('-' as '_'), from the generic session harness
(session_fuzz.cpp); that file fails to compile unless the names cover the
one list of variants (variants/all.hpp).
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_test")

def polywire_fuzz_target(name, srcs, deps, local_defines = []):
    native.filegroup(
        name = name + "_corpus",
        srcs = native.glob(["corpus/" + name + "/*"]),
    )
    cc_test(
        name = name + "_test",
        srcs = srcs + ["corpus_replay_main.cpp"],
        args = ["$(locations :" + name + "_corpus)"],
        data = [":" + name + "_corpus"],
        local_defines = local_defines,
        deps = deps,
    )
    cc_binary(
        name = name,
        testonly = True,
        srcs = srcs,
        linkopts = ["-fsanitize=fuzzer"],
        local_defines = local_defines,
        tags = ["manual", "polywire_fuzz_target"],
        deps = deps,
    )

def polywire_session_fuzz_targets(variants, deps):
    """One session fuzz target per variant name (V::name of its descriptor)."""
    listed = " ".join(variants)
    for v in variants:
        polywire_fuzz_target(
            name = v.replace("-", "_") + "_session_fuzz",
            srcs = ["session_fuzz.cpp"],
            local_defines = [
                # Bourne-shell tokenized: the single quotes keep the spaces.
                "'POLYWIRE_FUZZ_VARIANT=\"%s\"'" % v,
                "'POLYWIRE_FUZZ_VARIANTS=\"%s\"'" % listed,
            ],
            deps = deps,
        )
