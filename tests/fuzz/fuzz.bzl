"""polywire_fuzz_target: one libFuzzer target per untrusted entry point.

Each target yields
  <name>_test  a cc_test that replays the checked-in corpus through the same
               entry point (corpus_replay_main.cpp); part of //... in every
               configuration, so the corpus is a regression suite.
  <name>       the libFuzzer binary (tags = ["manual", "polywire_fuzz_target"]):
               build it with --config=fuzz (clang) and run it with
               tools/fuzz.sh, which finds every target by that tag.
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_test")

def polywire_fuzz_target(name, srcs, deps):
    native.filegroup(
        name = name + "_corpus",
        srcs = native.glob(["corpus/" + name + "/*"]),
    )
    cc_test(
        name = name + "_test",
        srcs = srcs + ["corpus_replay_main.cpp"],
        args = ["$(locations :" + name + "_corpus)"],
        data = [":" + name + "_corpus"],
        deps = deps,
    )
    cc_binary(
        name = name,
        testonly = True,
        srcs = srcs,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual", "polywire_fuzz_target"],
        deps = deps,
    )
