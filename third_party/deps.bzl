"""polywire_deps(): the external repositories polywire needs, all local.

Call it from your WORKSPACE after declaring polywire itself:

    local_repository(name = "polywire", path = "path/to/polywire")
    load("@polywire//third_party:deps.bzl", "polywire_deps")
    polywire_deps()

This is the one place that names system paths: the Debian packages
(libbotan-2-dev, libssl-dev, libsodium-dev, libsecp256k1-dev, libsnappy-dev,
libboost-dev, libgtest-dev, libbenchmark-dev, libgcrypt20-dev, bazel-rules-java) are wrapped here and in
//third_party:BUILD; everything else depends on //third_party:<name>.
"""

def _polywire_subdir_impl(ctx):
    # Resolve the polywire checkout through a label, so consumers need not
    # spell out where polywire lives on disk.
    root = ctx.path(Label("//:WORKSPACE")).dirname
    src = root
    for part in ctx.attr.subdir.split("/"):
        src = src.get_child(part)
    for entry in src.readdir():
        ctx.symlink(entry, entry.basename)

_polywire_subdir = repository_rule(
    implementation = _polywire_subdir_impl,
    attrs = {"subdir": attr.string(mandatory = True)},
    local = True,
)

def _maybe(rule, name, **kwargs):
    if name not in native.existing_rules():
        rule(name = name, **kwargs)

def polywire_deps():
    # Bazel 4.2.3's @bazel_tools loads @rules_cc//cc:defs.bzl; Debian's
    # bazel-rules-cc is too new for it, so polywire ships a stand-in.
    _maybe(_polywire_subdir, name = "rules_cc", subdir = "third_party/rules_cc")
    _maybe(_polywire_subdir, name = "remote_coverage_tools", subdir = "third_party/remote_coverage_tools")
    _maybe(native.local_repository, name = "rules_java", path = "/usr/share/bazel/rules/java")

    # Headers of system libraries outside the compiler's default search path.
    _maybe(
        native.new_local_repository,
        name = "system_botan",
        path = "/usr/include/botan-2",
        build_file_content = """
package(default_visibility = ["//visibility:public"])
cc_library(name = "headers", hdrs = glob(["botan/**/*.h"]), includes = ["."])
""",
    )
