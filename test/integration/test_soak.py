# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The short version of devtools/soak.py (its --short counts): the
# back-end killed and restarted under traffic with server=1 and with
# reconnect=, port stop/start cycles, close/detach/attach cycles of the
# vdev, each in one front-end process; after every iteration traffic
# resumes on both sides, and the front-end's available mbufs, DPDK heap
# and fds equal the first iteration's, its VmRSS within the soak's slack.
# The last test checks the check: an fd the front-end gains mid-phase (a
# telemetry client the soak keeps connected) must fail the phase. The
# long run and its figures are in the NIC guide's "Reliability" section.

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "devtools"))

import soak  # noqa: E402


def _run(phase, count, vxpath_plugin, run_dir, log_dir, capsys, **opts):
    args = soak.options(log_dir=log_dir, **opts)
    res = soak.run_phase(phase, count, args, vxpath_plugin, run_dir)
    with capsys.disabled():
        print("\n" + "\n".join(soak.table([res])))
    return res


@pytest.mark.parametrize("phase", soak.PHASES)
def test_soak_short(vxpath_plugin, run_dir, log_dir, capsys, phase):
    count = soak.SHORT_COUNTS[phase]
    res = _run(phase, count, vxpath_plugin, run_dir, log_dir, capsys)
    assert res.ok, res.failure
    assert res.resumed == count
    assert res.last.mbufs == res.first.mbufs
    assert res.last.fds == res.first.fds
    assert res.last.heap_bytes == res.first.heap_bytes


def test_soak_notices_fd_leak(vxpath_plugin, run_dir, log_dir, capsys):
    """One fd more in the front-end after iteration 2: iteration 3 fails,
    naming the fds and the new one."""
    res = _run("stopstart", 4, vxpath_plugin, run_dir, log_dir, capsys,
               inject_fd_leak=2)
    assert not res.ok
    assert res.done == 2, res.failure
    assert res.failure.startswith("iteration 3: "), res.failure
    assert "fds %d, first %d" % (res.first.fds + 1, res.first.fds) in \
        res.failure, res.failure
    assert "socket:" in res.failure, res.failure
