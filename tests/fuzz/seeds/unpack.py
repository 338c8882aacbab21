#!/usr/bin/env python3
"""Writes the seeds of the layer unpacker's fuzz target into OUTDIR: small
layers of every entry kind, whiteouts, xattrs, each compression, and every way
out of the layer's directory (.., absolute names, symlinks and hard links to
fuzz_unpack.c's /tmp/unpack/outside), for the fuzzer to mutate.

    unpack.py OUTDIR
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "fixtures", "images"))
import build  # noqa: E402
from build import Entry, d, f, sym  # noqa: E402

OUT = "/tmp/unpack/outside"


def seeds():
    kinds = [d("dir/"), f("dir/file", b"content\n", 0o640, uid=1000, gid=1000),
             sym("dir/link", "file"), Entry("dir/hard", "hardlink", 0o640, target="dir/file"),
             Entry("dir/fifo", "fifo", 0o644), Entry("dir/null", "char", 0o666, dev=(1, 3)),
             f("dir/xattr", b"x\n", pax={"SCHILY.xattr.user.test": "v"}),
             f("dir/trusted", b"t\n", pax={"SCHILY.xattr.trusted.overlay.metacopy": "",
                                           "SCHILY.xattr.trusted.overlay.redirect": "/dir/xattr"})]
    yield "kinds", kinds
    yield "whiteouts", [d("a/"), f("a/.wh.gone", b""), d("b/"), f("b/.wh..wh..opq", b""), f("b/new", b"n\n")]
    yield "replace", [d("x/"), f("x/y", b"1"), f("x", b"file now"), sym("x", "elsewhere"), d("x/")]
    yield "dotdot", [f("ok", b"ok\n"), f("../outside/escaped", b"up\n")]
    yield "absolute", [f("ok", b"ok\n"), f(OUT + "/escaped", b"absolute\n")]
    yield "symlink-up", [sym("up", "../outside"), f("up/escaped", b"through a link\n")]
    yield "symlink-abs", [sym("abs", OUT), f("abs/escaped", b"through a link\n"), d("abs/dir/")]
    yield "symlink-chain", [sym("a", "b"), sym("b", "../"), f("a/outside/escaped", b"chain\n")]
    yield "hardlink-up", [Entry("h", "hardlink", 0o644, target="../outside/sentinel")]
    yield "hardlink-abs", [Entry("h", "hardlink", 0o644, target=OUT + "/sentinel")]
    yield "hardlink-via-link", [sym("l", OUT), Entry("h", "hardlink", 0o644, target="l/sentinel")]
    yield "whiteout-via-link", [sym("l", OUT), f("l/.wh.sentinel", b""), f("l/.wh..wh..opq", b"")]
    yield "dot", [d("./"), f("./a/../b", b"b\n"), f("a/./b", b"ab\n"), f(".", b"")]


def main(argv):
    if len(argv) != 1:
        print("usage: unpack.py OUTDIR", file=sys.stderr)
        return 2
    os.makedirs(argv[0], exist_ok=True)
    for name, entries in seeds():
        tar = build.make_tar(entries, sort=False)
        for suffix, blob in (("tar", tar), ("tar.gz", build.gz(tar))):
            with open(os.path.join(argv[0], "seed-%s.%s" % (name, suffix)), "wb") as fh:
                fh.write(blob)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
