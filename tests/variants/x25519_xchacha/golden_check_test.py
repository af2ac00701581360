#!/usr/bin/env python3
"""Runs golden_check.py on tests/vectors/x25519-xchacha-golden.json, then on
altered copies of it: the file must pass, and every copy in which one hex
value (an input, a key, a handshake message, a packet) has one digit changed
must be refused. So the independent checker really checks every value.

    python3 golden_check_test.py golden_check.py x25519-xchacha-golden.json
"""
import contextlib
import importlib.util
import io
import json
import os
import re
import sys
import tempfile


def load_checker(path):
    spec = importlib.util.spec_from_file_location("golden_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hex_paths(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from hex_paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from hex_paths(v, path + (i,))
    elif isinstance(node, str) and len(node) >= 2 and re.fullmatch("[0-9a-f]+", node):
        yield path


def refused(checker, path):
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            checker.main(path)
    except Exception:  # an assertion, or a value the primitives refuse
        return True
    return False


def main(checker_path, golden_path):
    if sys.flags.optimize:
        sys.exit("run without -O: the checker uses assert")
    checker = load_checker(checker_path)
    checker.main(golden_path)  # the real file passes (raises otherwise)
    with open(golden_path) as f:
        golden = json.load(f)
    paths = list(hex_paths(golden))
    assert len(paths) >= 50, f"only {len(paths)} hex values found"
    missed = []
    tmpdir = os.environ.get("TEST_TMPDIR") or tempfile.mkdtemp()
    altered_path = os.path.join(tmpdir, "altered.json")
    for p in paths:
        altered = json.loads(json.dumps(golden))
        parent = altered
        for k in p[:-1]:
            parent = parent[k]
        value = parent[p[-1]]
        parent[p[-1]] = value[:-1] + ("0" if value[-1] != "0" else "1")
        with open(altered_path, "w") as f:
            json.dump(altered, f)
        if not refused(checker, altered_path):
            missed.append("/".join(map(str, p)))
    if missed:
        sys.exit("golden_check accepted altered values: " + ", ".join(missed))
    print(f"golden_check passes the golden file and refuses all {len(paths)} altered copies")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
