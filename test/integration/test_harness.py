# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The harness itself (testpmd.py) against a stand-in for testpmd that
# prints asynchronous lines into the middle of its prompt, as the real one
# does when an event or a driver's log line comes while its command line
# writes the prompt one character at a time. Commands must still complete,
# their output must still parse, and a wait for an event line must see it
# whichever wait consumed it first.

import sys

import pytest

import testpmd

# A stand-in for dpdk-testpmd: reads commands from its terminal, answers
# `show port stats 0` with a stats block, writes each prompt one character
# per write() and, where told, an event line between two of them (as the
# EAL interrupt thread's printf does).
STAND_IN = r'''
import os, sys
EVENT = "\nPort 0: link state change event\n"
LOG = "VXPATH: net_vxpath0: link down (a virtqueue broke)\n"
PROMPT = "testpmd> "
n = 0

def prompt(cut, insert):
    for i, c in enumerate(PROMPT):
        if i == cut:
            os.write(1, insert.encode())
        os.write(1, c.encode())

os.write(1, b"EAL: started\n")
prompt(-1, "")
for line in sys.stdin:
    cmd = line.strip()
    if cmd == "quit":
        os.write(1, b"Bye...\n")
        break
    if cmd == "show port stats 0":
        os.write(1, b"\n  ######## NIC statistics for port 0 ########\n"
                 b"  RX-packets: 7 RX-missed: 0 RX-bytes: 448\n"
                 b"  RX-errors: 0\n  RX-nombuf: 0\n"
                 b"  TX-packets: 9 TX-errors: 0 TX-bytes: 576\n")
    n += 1
    # Every command's prompt is cut somewhere, by an event or a log line.
    cut = n % len(PROMPT)
    prompt(cut, EVENT if n % 2 else LOG)
'''


@pytest.fixture
def stand_in(tmp_path):
    script = tmp_path / "fake_testpmd.py"
    script.write_text(STAND_IN)
    pmd = testpmd.TestPmd("stand-in", [], log_path=str(tmp_path / "log"),
                          timeout=5, wrapper=[sys.executable],
                          program=str(script))
    pmd.start()
    yield pmd
    pmd.close()


def test_prompt_cut_by_async_lines(stand_in):
    """Each prompt, cut at every position in turn by an event or a log
    line, still ends the command; the stats still parse."""
    for _ in range(len(testpmd.PROMPT) * 2):
        st = stand_in.port_stats(0)
        assert st["rx_packets"] == 7 and st["tx_packets"] == 9, st
    assert stand_in.quit() == 0


def test_wait_output_sees_consumed_lines(stand_in):
    """An event line consumed by a command's prompt wait is still found
    by wait_output() from a mark taken before it."""
    mark = stand_in.mark()
    stand_in.cmd("show port info 0")   # n = 1: cut by an event line
    stand_in.cmd("show port info 0")   # n = 2: cut by a log line
    out = stand_in.wait_output("link state change event", since=mark,
                               timeout=1)
    assert "link down (a virtqueue broke)" in out, out
    with pytest.raises(testpmd.TestPmdError):
        stand_in.wait_output("link state change event", since=mark,
                             timeout=0.5, count=2)


def test_prompt_pattern_needs_line_starts():
    """The letters of the prompt scattered through ordinary text are not a
    prompt: after an inserted line the next character must start a line."""
    r = testpmd.PROMPT_RE
    assert r.search("x\r\ntestpmd> ")
    assert r.search("testp\r\nPort 0: link state change event\r\nmd> ")
    assert not r.search("the test passed: md5 ok\r\n> 3 lines\r\n")
    assert not r.search("testpmd\r\n")
    assert not r.search("estpmd> ")
