# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The VM scenes' argument parsing (scene_args in test/vm/scene-lib.sh),
# on the host: every scene and devtools/exception-path.sh parse their
# options through it, and a mistake there would show only as a scene that
# runs with a default instead of what it was told.

import os
import subprocess

import pytest

import vmrun

SCENE_LIB = os.path.join(vmrun.REPO, "test", "vm", "scene-lib.sh")
SPEC = "plugin build-dir packets:N cq!"


def parse(*args):
    """Run scene_args over args; (exit status, variables, stderr)."""
    script = ('set -uo pipefail; . "$0"; usage() { echo USAGE; }; '
              'PLUGIN=p0 BUILD_DIR=b0 N=n0 CQ=0; '
              'scene_args t "%s" "$@"; '
              'echo "$PLUGIN|$BUILD_DIR|$N|$CQ"' % SPEC)
    p = subprocess.run(["bash", "-c", script, SCENE_LIB] + list(args),
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def test_values_both_forms():
    assert parse("--plugin", "x y", "--build-dir=/b=c", "--packets", "7",
                 "--cq") == (0, "x y|/b=c|7|1", "")


def test_defaults_kept():
    assert parse() == (0, "p0|b0|n0|0", "")


def test_help_calls_usage():
    assert parse("--plugin", "x", "-h") == (0, "USAGE", "")


@pytest.mark.parametrize("args,line", [
    (("--bogus", "1"), "t: unknown argument --bogus"),
    (("plugin",), "t: unknown argument plugin"),
    (("--plugin",), "t: --plugin needs a value"),
    (("--cq=1",), "t: --cq takes no value"),
    (("--packets:N", "1"), "t: unknown argument --packets:N"),
])
def test_refused(args, line):
    rc, out, err = parse(*args)
    assert (rc, out, err) == (2, "", line)
