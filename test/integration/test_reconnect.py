# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# A vhost-user back-end that dies and comes back, while the front-end
# application (testpmd with vxpath) keeps running and forwarding:
#
# - server mode (server=1): vxpath listens, DPDK's net_vhost connects to it
#   (client=1 on its side). Under io forwarding the back-end testpmd is
#   killed with SIGKILL and a new one started, again and again: each time
#   the front-end sees the link go down and up (one LSC event each, printed
#   by testpmd), the new back-end gets the port's rings replayed, and
#   packets flow again both ways in the SAME front-end process (counters
#   rise on both sides). Between an early and the last iteration the
#   front-end's open file descriptors do not grow at all and its resident
#   memory (VmRSS) by less than RSS_SLACK_KB. Split rings for the long
#   loop, packed rings for a shorter one.
# - client mode with reconnect=<ms>: net_vhost is the server; vxpath
#   retries connect() in the background after the back-end died and
#   recovers the same way.
# - the application stops and starts the port while no back-end is
#   connected (start succeeds, link down, the next back-end gets the rings),
#   and a back-end that connects while the port is stopped serves it at the
#   next start; closing the port while disconnected leaves no fd behind
#   and removes the socket file.
#
# The loop's count and the fd and RSS figures are printed (they are quoted
# in the closing note). VXPATH_RECONNECT_LOOPS overrides the count.

import os
import re
import signal
import time

import pytest

from test_vhost_user import APP_ARGS, quit_cleanly

LSC_EVENT = "Port 0: link state change event"
LOOPS = int(os.environ.get("VXPATH_RECONNECT_LOOPS", "20"))
PACKED_LOOPS = 3
CLIENT_LOOPS = 3
# Seconds between two looks at the counters once the new back-end
# forwards, and at most how long until they show the traffic.
TRAFFIC_SECONDS = 0.3
TRAFFIC_TIMEOUT = 10
# Packets the back-end must see each way in that time: a working loop
# makes thousands of round trips; 32 would be only its own tx_first burst.
MIN_PACKETS = 256
# Allowed growth of the front-end's VmRSS between the early and the late
# iterations, kB (testpmd's own bookkeeping, stdio buffers).
RSS_SLACK_KB = 1024
# Reconnection interval of the client tests, ms.
RECONNECT_MS = 100


def _sock(run_dir, name):
    path = os.path.join(run_dir, name)
    if os.path.exists(path):
        os.unlink(path)
    return path


def _backend(spawn, sock, n, client):
    """net_vhost on sock (client=1: it connects to vxpath's socket),
    forwarding on lcore 0."""
    vdev = "net_vhost0,iface=%s%s" % (sock, ",client=1" if client else "")
    # Its vhost messages and events would come while it prints its first
    # prompt (it connects during start-up): keep them out of the way.
    return spawn("backend%d" % n, [
        "-l", "0,1", "--main-lcore", "1",
        "--file-prefix", "vxvh%d" % os.getpid(),
        "--single-file-segments", "--no-pci", "--vdev", vdev,
        "--log-level=lib.vhost.config:warning",
    ], APP_ARGS + ["--mask-event", "intr_lsc", "--mask-event", "queue_state"])


def _frontend(spawn, plugin, devargs, wait=True):
    fe = spawn("frontend", [
        "-l", "0,1", "--file-prefix", "vxfe%d" % os.getpid(),
        "--single-file-segments", "--no-pci", "-d", plugin,
        "--vdev", "virtio_user0,%s" % devargs,
    ], APP_ARGS, start=False)
    fe.start(wait=wait)
    return fe


def _wait_for(what, cond, timeout, ctx):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    pytest.fail("%s within %ss\n%s" % (what, timeout, ctx()))


def _lsc_count(fe):
    fe.drain()
    return fe.log_text().count(LSC_EVENT)


def _wait_lsc(fe, count, timeout=15):
    _wait_for("no %d-th link state change event" % count,
              lambda: _lsc_count(fe) >= count, timeout, fe.tail)


def _link(p):
    return p.port_info(0).get("Link status")


def _kill(be):
    os.kill(be.pid, signal.SIGKILL)
    be.kill()


def _rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1))


def _serve(fe, be, prev):
    """The new back-end be is connected: wait for its port to be up, start
    io forwarding with one burst, and wait (TRAFFIC_TIMEOUT at most: the
    machine is shared, a poller may be starved a while) until packets went
    both ways on both sides: MIN_PACKETS each way through the back-end,
    and the front-end's counters up by as much since prev (its stats when
    the previous back-end was gone). Return the front-end's stats."""
    ctx = lambda: "\n".join((fe.tail(30), be.tail(30)))  # noqa: E731
    _wait_for("back-end link not up", lambda: _link(be) == "up", 15, ctx)
    be.cmd("start tx_first")
    deadline = time.monotonic() + TRAFFIC_TIMEOUT
    while True:
        time.sleep(TRAFFIC_SECONDS)
        bs = be.port_stats(0)
        fs = fe.port_stats(0)
        done = (bs["rx_packets"] >= MIN_PACKETS and
                bs["tx_packets"] >= MIN_PACKETS and
                (prev is None or
                 (fs["rx_packets"] >= prev["rx_packets"] + MIN_PACKETS and
                  fs["tx_packets"] >= prev["tx_packets"] + MIN_PACKETS)))
        if done or time.monotonic() > deadline:
            break
    ctx_s = "front-end %r (before %r)\nback-end %r\n%s" % (fs, prev, bs,
                                                           ctx())
    assert bs["rx_packets"] >= MIN_PACKETS, "back-end RX\n" + ctx_s
    assert bs["tx_packets"] >= MIN_PACKETS, "back-end TX\n" + ctx_s
    if prev is not None:
        assert fs["rx_packets"] >= prev["rx_packets"] + MIN_PACKETS, \
            "front-end RX did not rise\n" + ctx_s
        assert fs["tx_packets"] >= prev["tx_packets"] + MIN_PACKETS, \
            "front-end TX did not rise\n" + ctx_s
    for k in ("rx_errors", "tx_errors"):
        assert fs[k] == 0, ctx_s
    return fs


def _reconnect_loop(spawn, fe, sock, loops, client, first_be):
    """Kill the back-end and start a new one, loops times, under traffic.
    Return (fds, rss) measured after the first and after the last
    iteration."""
    be = first_be
    marks = []
    for i in range(1, loops + 1):
        events = _lsc_count(fe)
        _kill(be)
        _wait_lsc(fe, events + 1)
        assert _link(fe) == "down", fe.tail()
        assert fe.alive(), fe.tail()
        # What went through before the reconnection: the counters must
        # rise from here.
        fs = fe.port_stats(0)
        if client:
            # net_vhost server: the socket file of the dead one is stale.
            _sock(os.path.dirname(sock), os.path.basename(sock))
        be = _backend(spawn, sock, i, client=not client)
        _wait_lsc(fe, events + 2)
        assert _link(fe) == "up", fe.tail()
        fs = _serve(fe, be, fs)
        assert _lsc_count(fe) == events + 2, \
            "more than one event per change\n" + fe.tail()
        if i == 1 or i == loops:
            marks.append((fe.fd_count(), _rss_kb(fe.pid)))
    _kill(be)
    return marks


def _report(capsys, what, loops, marks):
    (fd0, rss0), (fd1, rss1) = marks
    with capsys.disabled():
        print("\n%s: %d reconnections under traffic; front-end fds %d -> "
              "%d, VmRSS %d kB -> %d kB (after iteration 1 and %d)" %
              (what, loops, fd0, fd1, rss0, rss1, loops))
    assert fd1 == fd0, "front-end fds grew from %d to %d" % (fd0, fd1)
    assert rss1 - rss0 <= RSS_SLACK_KB, \
        "front-end VmRSS grew from %d to %d kB" % (rss0, rss1)


def _server_frontend(spawn, plugin, sock, devargs=""):
    """vxpath in server mode: its probe waits for the first back-end."""
    fe = _frontend(spawn, plugin, "path=%s,server=1%s" % (sock, devargs),
                   wait=False)
    _wait_for("no socket at %s" % sock, lambda: os.path.exists(sock), 30,
              fe.tail)
    be = _backend(spawn, sock, 0, client=True)
    fe.wait_started()
    return fe, be


@pytest.mark.parametrize("ring,loops", [("split", LOOPS),
                                        ("packed", PACKED_LOOPS)])
def test_server_reconnect_loop(spawn, run_dir, vxpath_plugin, capsys, ring,
                               loops):
    sock = _sock(run_dir, "srv-%s.sock" % ring)
    fe, be = _server_frontend(spawn, vxpath_plugin, sock,
                              ",packed_vq=1" if ring == "packed" else "")
    assert fe.port_info(0).get("Driver name") == "net_vxpath", fe.tail()
    assert _link(fe) == "up", fe.tail()
    fe.cmd("start tx_first")
    _serve(fe, be, None)
    marks = _reconnect_loop(spawn, fe, sock, loops, False, be)
    _report(capsys, "server=1, %s ring" % ring, loops, marks)
    quit_cleanly(fe)
    assert not os.path.exists(sock), "socket file left behind"


@pytest.mark.parametrize("ring", ["split", "packed"])
def test_client_reconnect(spawn, run_dir, vxpath_plugin, capsys, ring):
    sock = _sock(run_dir, "cli-%s.sock" % ring)
    be = _backend(spawn, sock, 0, client=False)
    fe = _frontend(spawn, vxpath_plugin, "path=%s,reconnect=%d%s" % (
        sock, RECONNECT_MS, ",packed_vq=1" if ring == "packed" else ""))
    assert _link(fe) == "up", fe.tail()
    fe.cmd("start tx_first")
    _serve(fe, be, None)
    marks = _reconnect_loop(spawn, fe, sock, CLIENT_LOOPS, True, be)
    _report(capsys, "reconnect=%d, %s ring" % (RECONNECT_MS, ring),
            CLIENT_LOOPS, marks)
    quit_cleanly(fe)


def test_stop_start_while_disconnected(spawn, run_dir, vxpath_plugin):
    """The port stops and starts with no back-end; one that connects while
    the port is stopped serves it at the next start."""
    sock = _sock(run_dir, "ss.sock")
    fe, be = _server_frontend(spawn, vxpath_plugin, sock)
    fds = fe.fd_count()
    _kill(be)
    _wait_lsc(fe, 1)
    out = fe.cmd("port stop 0") + fe.cmd("port start 0")
    assert "Fail" not in out and "rror" not in out, fe.tail()
    assert _link(fe) == "down", fe.tail()
    # Gone: the connection, the epoll set watching it for its hang-up, and
    # the back-end channel (BACKEND_REQ) where the back-end has one.
    assert fe.fd_count() <= fds - 2, \
        "fds: %d connected, %d now\n%r" % (fds, fe.fd_count(),
                                           fe.fd_targets())
    fe.cmd("start tx_first")
    be = _backend(spawn, sock, 1, client=True)
    _wait_lsc(fe, 2)
    assert _link(fe) == "up", fe.tail()
    _serve(fe, be, None)
    # All back: the connection, the epoll set that watches it for its
    # hang-up (the back-end's own, made with each connection) and the
    # back-end channel.
    assert fe.fd_count() == fds, \
        "fds: %d connected, %d now\n%r" % (fds, fe.fd_count(),
                                           fe.fd_targets())

    # A back-end that comes while the port is stopped.
    fe.cmd("stop")
    fe.cmd("port stop 0")
    be.cmd("stop")
    fs = fe.port_stats(0)
    _kill(be)
    be = _backend(spawn, sock, 2, client=True)
    _wait_for("third connection not serving",
              lambda: fe.drain() or "serves the port (connection 3 " in
              fe.log_text(), 15, fe.tail)
    assert _link(fe) == "down", fe.tail()
    fe.cmd("port start 0")
    assert _link(fe) == "up", fe.tail()
    fe.cmd("start tx_first")
    _serve(fe, be, fs)
    assert fe.fd_count() == fds, fe.fd_targets()
    quit_cleanly(fe)


def test_close_while_disconnected(spawn, run_dir, vxpath_plugin):
    """Closing the port with no back-end: every fd of the port goes (its
    eventfds, the listening socket), so does the socket file."""
    sock = _sock(run_dir, "close.sock")
    fe, be = _server_frontend(spawn, vxpath_plugin, sock)
    fe.cmd("start tx_first")
    _serve(fe, be, None)
    _kill(be)
    _wait_lsc(fe, 1)
    fe.cmd("stop")
    before = fe.fd_targets()
    assert any(t.startswith("socket:") for t in before), before
    fe.cmd("port stop 0")
    fe.cmd("port close 0")
    after = fe.fd_targets()
    assert not any("eventfd" in t for t in after), after
    gone = len(before) - len(after)
    # 2 eventfds per queue pair, the LSC notification eventfd, the epoll
    # set of the hang-up watch, the listening socket.
    assert gone >= 5, "only %d fds closed:\n%r\n%r" % (gone, before, after)
    assert not os.path.exists(sock), "socket file left behind"
    quit_cleanly(fe)
