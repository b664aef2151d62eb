#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Soak vxpath: repeat what a long-lived application goes through, under
# traffic, many times in ONE front-end process, and check after every
# iteration that nothing accumulates and that traffic always comes back.
# The front-end is dpdk-testpmd with the driver's port 0; the back-end is
# DPDK's net_vhost in a second testpmd. Both run io forwarding, so packets
# go round between the two processes. Four phases, each with processes of
# its own:
#
#   server    vxpath listens (server=1); the back-end (net_vhost, client=1)
#             is killed with SIGKILL and a new one started, --server-kills
#             times, while the front-end keeps forwarding.
#   reconnect vxpath connects (reconnect=--reconnect-ms); the back-end
#             (net_vhost server) is killed and restarted --reconnect-kills
#             times the same way.
#   stopstart `port stop 0` / `port start 0`, --stop-start times.
#   hotplug   `port close 0`, `device detach <vdev>`, then `port attach
#             <vdev>,<devargs>` and `port start 0`, --hotplug times.
#
# After every iteration, traffic must resume: the counters of the
# front-end's port AND of the back-end's port rise by at least
# MIN_PACKETS each way within TRAFFIC_TIMEOUT seconds. Then the soak
# measures the front-end at a quiet point: forwarding stopped and port 0
# stopped (kill phases and stopstart; the port is started again and
# forwarding resumes right after), or port 0 gone (hotplug, between detach
# and attach). With no ring holding mbufs there, these must equal the
# first iteration's:
#   mbufs  available mbufs of every mempool (`dump_mempool`: the per-lcore
#          caches plus the common pool), exactly;
#   heap   DPDK's malloc heap (`dump_socket_mem`): bytes and elements
#          allocated, exactly (hugepage memory is not in VmRSS, so a leak
#          of rte_malloc'd memory shows here and nowhere else);
#   fds    entries of /proc/PID/fd, exactly;
#   RSS    VmRSS of /proc/PID/status: it may grow by --rss-slack-kb at most
#          (default 1024): pages of shared libraries and of glibc's malloc
#          arenas touched for the first time by a later iteration (an error
#          path, a larger stdio buffer) count in it and are not leaks; a
#          leak per iteration exceeds it within the phase.
# and the front-end (and each back-end until it is killed) must be alive.
# The first failure ends its phase; the next phase runs anyway.
#
# It prints a line per --progress iterations and a table per phase:
# iterations, traffic resumed, mbufs available first/last (of the pool's
# size), heap allocated first/last, fds first/last, VmRSS first/last and
# its growth, wall time. --inject-fd-leak N is the soak's own check: after
# iteration N it opens a connection to the front-end's telemetry socket
# and keeps it (one more fd in the front-end), and the phase must fail.
#
# Usage: devtools/soak.py [--phases server,reconnect,stopstart,hotplug]
#            [--server-kills N] [--reconnect-kills N] [--stop-start N]
#            [--hotplug N] [--short] [--driver vxpath|upstream|both]
#            [--packed] [--reconnect-ms MS] [--rss-slack-kb KB]
#            [--progress N] [--inject-fd-leak N]
#            [--build-dir D | --plugin PATH] [--log-dir D]
# Defaults: 100, 100, 1000, 1000 iterations; --short: 3, 3, 20, 10.
# --driver upstream runs the same phases with DPDK's own net_virtio_user
# (no `reconnect=` there: that phase is skipped for it). The plugin is
# staged with devtools/stage-plugin.sh into a directory of this run under
# /run/vxpath. On a machine shared with the test suite, run it under
# `flock /run/vxpath-suite.lock`. Every testpmd started here is killed on
# exit, on SIGINT and on SIGTERM. Exit status: 0 when every phase passed,
# 1 when one failed, 2 for a usage or set-up error.

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "test", "integration"))

from testpmd import TestPmd, TestPmdError, kill_all  # noqa: E402

PHASES = ("server", "reconnect", "stopstart", "hotplug")
DEFAULT_COUNTS = {"server": 100, "reconnect": 100, "stopstart": 1000,
                  "hotplug": 1000}
SHORT_COUNTS = {"server": 3, "reconnect": 3, "stopstart": 20, "hotplug": 10}
# Small pools: the machine's hugepages are shared.
APP_ARGS = ["--total-num-mbufs=8192"]
# Packets each side must see go each way after an iteration: a working
# loop makes thousands of round trips in a fraction of a second; the first
# bursts (32 per `start tx_first`) alone are not enough.
MIN_PACKETS = 256
# How long traffic may take to come back (a shared machine can starve a
# poller a while), and how often the counters are read meanwhile.
TRAFFIC_TIMEOUT = 15
TRAFFIC_POLL = 0.05
# How long a link may take to go down after a kill, or up after a
# back-end started.
LINK_TIMEOUT = 15
RSS_SLACK_KB = 1024
RECONNECT_MS = 100
# The back-end's vhost library logs every message at INFO.
BACKEND_LOG = ["--log-level=lib.vhost.*:notice"]

DRIVERS = {
    # name: (vdev name, "Driver name" in port info, needs the plugin)
    "vxpath": ("net_vxpath0", "net_vxpath", True),
    "upstream": ("net_virtio_user0", "net_virtio_user", False),
}


class Interrupted(Exception):
    pass


class SoakFailure(Exception):
    """An iteration did not pass; the message says what and where."""


def _on_signal(signum, frame):
    raise Interrupted("signal %d" % signum)


# --- measurements ------------------------------------------------------------

def parse_mempools(text):
    """`dump_mempool` output -> {name: (size, available)}, available being
    the per-lcore caches' count plus the common pool's."""
    pools = {}
    for block in re.split(r"(?m)^(?=mempool <)", text):
        m = re.match(r"mempool <([^>]*)>", block)
        if not m:
            continue
        size = re.search(r"^\s*size=(\d+)", block, re.M)
        common = re.search(r"^\s*common_pool_count=(\d+)", block, re.M)
        cache = re.search(r"^\s*total_cache_count=(\d+)", block, re.M)
        if not size or not common:
            continue
        pools[m.group(1)] = (int(size.group(1)),
                             int(common.group(1)) +
                             (int(cache.group(1)) if cache else 0))
    return pools


def parse_heap(text):
    """`dump_socket_mem` output -> (bytes allocated, elements allocated)
    over all sockets, from its "Total" line."""
    m = re.search(r"^Total\s*: size\(M\) total: [0-9.]+ alloc: ([0-9.]+)"
                  r"\([^)]*\) free: [0-9.]+\s+count alloc: (\d+)",
                  text, re.M)
    if not m:
        raise TestPmdError("no Total line in dump_socket_mem output:\n" +
                           text)
    return int(round(float(m.group(1)) * 1024 * 1024)), int(m.group(2))


def dump(p, what):
    """testpmd's `dump_<what>` (`dump <what>` from DPDK 25.11 on)."""
    out = p.cmd("dump_" + what)
    if "Command not found" in out:
        out = p.cmd("dump " + what)
    return out


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1))


class Sample:
    """What the front-end holds at a quiet point."""

    def __init__(self, fe):
        pools = parse_mempools(dump(fe, "mempool"))
        if not pools:
            raise TestPmdError("%s: dump_mempool listed no mempool\n%s" %
                               (fe.name, fe.tail()))
        self.pools = pools
        self.mbuf_size = sum(s for s, _ in pools.values())
        self.mbufs = sum(a for _, a in pools.values())
        self.heap_bytes, self.heap_elems = parse_heap(
            dump(fe, "socket_mem"))
        self.fds = fe.fd_count()
        self.fd_targets = fe.fd_targets()
        self.rss = rss_kb(fe.pid)


def compare(first, now, rss_slack_kb):
    """What differs between the first iteration's sample and this one's
    beyond what is allowed: a list of messages, empty if nothing."""
    bad = []
    if now.pools.keys() != first.pools.keys():
        bad.append("mempools %s, first %s" % (sorted(now.pools),
                                              sorted(first.pools)))
    if now.mbufs != first.mbufs:
        bad.append("mbufs available %d, first %d (%s)" % (
            now.mbufs, first.mbufs, ", ".join(
                "%s %d/%d" % (n, a, s)
                for n, (s, a) in sorted(now.pools.items()))))
    if (now.heap_bytes, now.heap_elems) != (first.heap_bytes,
                                            first.heap_elems):
        bad.append("DPDK heap %d bytes in %d elements allocated, first %d "
                   "in %d" % (now.heap_bytes, now.heap_elems,
                              first.heap_bytes, first.heap_elems))
    if now.fds != first.fds:
        gone = sorted(set(first.fd_targets) - set(now.fd_targets))
        new = sorted(set(now.fd_targets) - set(first.fd_targets))
        bad.append("fds %d, first %d (new: %s; gone: %s)" % (
            now.fds, first.fds, new or "same kinds", gone or "none"))
    if now.rss - first.rss > rss_slack_kb:
        bad.append("VmRSS %d kB, first %d kB: +%d kB > %d kB allowed" % (
            now.rss, first.rss, now.rss - first.rss, rss_slack_kb))
    return bad


# --- processes -----------------------------------------------------------------

class Soak:
    """One phase's processes and the checks between iterations."""

    def __init__(self, args, plugin, work, driver, phase):
        self.args = args
        self.plugin = plugin
        self.work = work
        self.driver = driver
        self.phase = phase
        self.vdev, self.driver_name, needs_plugin = DRIVERS[driver]
        self.eal_extra = ["-d", plugin] if needs_plugin else []
        self.tag = "%s-%s" % (phase, driver)
        self.sock = os.path.join(work, "%s.sock" % self.tag)
        self.fe = None
        self.be = None
        self.be_seq = 0
        self.procs = []
        self.telemetry = []

    def log(self, name):
        return os.path.join(self.args.log_dir, "%s-%s.log" % (self.tag,
                                                              name))

    def close(self):
        for s in self.telemetry:
            s.close()
        for p in self.procs:
            p.close()

    def devargs(self, server):
        d = "path=%s" % self.sock
        if server:
            d += ",server=1"
        elif self.phase == "reconnect":
            d += ",reconnect=%d" % self.args.reconnect_ms
        if self.args.packed:
            d += ",packed_vq=1"
        return d

    def start_backend(self, client):
        """A new net_vhost back-end (client=1: it connects to the
        front-end's socket), forwarding on lcore 0; not yet waited for."""
        if not client and os.path.exists(self.sock):
            os.unlink(self.sock)    # a killed server's stale socket file
        self.be_seq += 1
        # File prefixes named as the integration tests name theirs, so that
        # their conftest sweeps what a killed soak left in /dev/hugepages.
        vdev = "net_vhost0,iface=%s%s" % (self.sock,
                                          ",client=1" if client else "")
        be = TestPmd("backend%d" % self.be_seq, [
            "-l", "0,1", "--main-lcore", "1",
            "--file-prefix", "vxvh%d" % os.getpid(),
            "--single-file-segments", "--no-pci", "--vdev", vdev,
        ] + BACKEND_LOG, APP_ARGS + ["--mask-event", "intr_lsc",
                                     "--mask-event", "queue_state"],
            log_path=self.log("backend"))
        self.procs.append(be)
        be.start(wait=False)
        self.be = be
        return be

    def start_frontend(self, server):
        fe = TestPmd("frontend", [
            "-l", "0,1", "--file-prefix", "vxfe%d" % os.getpid(),
            "--single-file-segments", "--no-pci"] + self.eal_extra +
            ["--vdev", "%s,%s" % (self.vdev, self.devargs(server))],
            APP_ARGS, log_path=self.log("frontend"))
        self.procs.append(fe)
        fe.start(wait=False)
        self.fe = fe
        return fe

    def wait_pair(self, server):
        """Start both processes in the order the mode needs. The first
        prompt of each is awaited without reading the other's output
        meanwhile (that would consume its prompt); both print little
        before it."""
        if server:
            fe = self.start_frontend(True)
            self.wait_for("no socket at %s" % self.sock,
                          lambda: os.path.exists(self.sock), 30)
            be = self.start_backend(client=True)
            be.wait_started()
            fe.wait_started()
        else:
            be = self.start_backend(client=False)
            be.wait_started()
            fe = self.start_frontend(False)
            self.wait_started(fe)
        drv = fe.port_info(0).get("Driver name")
        if drv != self.driver_name:
            raise SoakFailure("port 0 is bound to %r, not %s\n%s" %
                              (drv, self.driver_name, fe.tail()))

    def wait_started(self, p, timeout=120):
        """Wait for p's first prompt, reading the other process's output
        meanwhile (one already past its own first prompt)."""
        deadline = time.monotonic() + timeout
        while True:
            for q in (self.fe, self.be):
                if q is not None and q is not p and q.alive():
                    q.drain()
            try:
                p.wait_started(timeout=0.2)
                return
            except TestPmdError:
                if not p.alive() or time.monotonic() > deadline:
                    raise

    def ctx(self):
        return "\n".join(p.tail(30) for p in (self.fe, self.be) if p)

    def wait_for(self, what, cond, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond():
                return
            self.check_alive()
            time.sleep(0.05)
        raise SoakFailure("%s within %ss\n%s" % (what, timeout, self.ctx()))

    def check_alive(self):
        for p in (self.fe, self.be):
            if p is not None and not p.alive():
                p.kill()
                raise SoakFailure("%s died (exit status %s, signal %s)\n%s"
                                  % (p.name, p.exitstatus, p.signalstatus,
                                     p.tail()))

    def link(self, p):
        return p.port_info(0).get("Link status")

    def wait_link(self, p, state):
        self.wait_for("%s: link not %s" % (p.name, state),
                      lambda: self.link(p) == state, LINK_TIMEOUT)

    def traffic(self, fe_prev, be_prev):
        """Wait until both ports' counters rose by MIN_PACKETS each way
        since fe_prev and be_prev (None: since zero). Return their stats
        (front-end, back-end); raise SoakFailure if they did not in
        TRAFFIC_TIMEOUT, or counted errors."""
        zero = {"rx_packets": 0, "tx_packets": 0}
        fe_prev = fe_prev or zero
        be_prev = be_prev or zero
        deadline = time.monotonic() + TRAFFIC_TIMEOUT
        while True:
            time.sleep(TRAFFIC_POLL)
            fs = self.fe.port_stats(0)
            bs = self.be.port_stats(0)
            ok = all(s[k] >= p[k] + MIN_PACKETS
                     for s, p in ((fs, fe_prev), (bs, be_prev))
                     for k in ("rx_packets", "tx_packets"))
            if ok or time.monotonic() > deadline:
                break
        errors = {k: fs[k] for k in ("rx_errors", "tx_errors") if fs[k]}
        if not ok or errors:
            raise SoakFailure(
                "traffic did not resume within %ss%s: front-end %r "
                "(before %r), back-end %r (before %r)\n%s" % (
                    TRAFFIC_TIMEOUT,
                    ", errors %r" % errors if errors else "", fs, fe_prev,
                    bs, be_prev, self.ctx()))
        return fs, bs

    def fe_cmd(self, command, expect=None, refuse=("Fail", "rror",
                                                   "Invalid")):
        out = self.fe.cmd(command, timeout=60)
        if expect is not None and expect not in out or \
           any(r in out for r in refuse):
            raise SoakFailure("%r: unexpected output:\n%s\n%s" %
                              (command, out, self.fe.tail()))
        return out

    def port_stop(self):
        self.fe_cmd("stop", refuse=())
        self.fe_cmd("port stop 0")

    def port_start(self):
        self.fe_cmd("port start 0")
        self.fe_cmd("start tx_first")

    def inject_fd_leak(self):
        """One more fd in the front-end: a client of its telemetry socket,
        kept connected until the phase ends."""
        path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % self.fe.file_prefix
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(10)
        s.connect(path)
        s.recv(1024)    # its greeting: the connection is accepted
        self.telemetry.append(s)


class Result:
    def __init__(self, phase, driver, count):
        self.phase = phase
        self.driver = driver
        self.count = count
        self.done = 0
        self.resumed = 0
        self.first = None
        self.last = None
        self.seconds = 0.0
        self.failure = None
        self.skipped = None

    @property
    def ok(self):
        return self.failure is None and self.skipped is None and \
            self.done == self.count and self.resumed == self.count


def run_phase(phase, count, args, plugin, work, driver="vxpath",
              out=sys.stdout):
    """Run one phase count times; return its Result (a failure of the
    driver or of a process does not raise: it is in Result.failure)."""
    res = Result(phase, driver, count)
    if phase == "reconnect" and driver == "upstream":
        res.skipped = "net_virtio_user has no reconnect="
        return res
    s = Soak(args, plugin, work, driver, phase)
    disturb = kill_step if phase in ("server", "reconnect") else \
        stop_step if phase == "stopstart" else unplug_step
    t0 = time.monotonic()
    i = 0
    try:
        s.wait_pair(phase == "server")
        s.wait_link(s.fe, "up")
        s.wait_link(s.be, "up")
        s.be.cmd("start tx_first")
        s.fe_cmd("start tx_first")
        s.traffic(None, None)
        for i in range(1, count + 1):
            # To the quiet point (the kill phases check the traffic of
            # the new back-end on the way), measure, then back to traffic.
            disturb(s)
            s.check_alive()
            res.last = Sample(s.fe)
            if res.first is None:
                res.first = res.last
            bad = compare(res.first, res.last, args.rss_slack_kb)
            if bad:
                raise SoakFailure("; ".join(bad))
            if phase == "hotplug":
                # Not refused for "Error during enabling promiscuous
                # mode": that is testpmd's note for a port without cq=1.
                s.fe_cmd("port attach %s,%s" % (s.vdev, s.devargs(False)),
                         expect="is attached", refuse=("Fail",))
            s.fe_cmd("port start 0")
            # The new port's counters start from zero; a restarted one's
            # from where they were.
            prev = (s.fe.port_stats(0), s.be.port_stats(0))
            s.fe_cmd("start tx_first")
            s.traffic(*prev)
            res.resumed += 1
            res.done = i
            if args.inject_fd_leak == i:
                s.inject_fd_leak()
            if args.progress and i % args.progress == 0:
                print("  %s/%s: %d/%d, mbufs %d, heap %d B, fds %d, VmRSS "
                      "%d kB, %.0f s" % (phase, driver, i, count,
                                         res.last.mbufs,
                                         res.last.heap_bytes, res.last.fds,
                                         res.last.rss,
                                         time.monotonic() - t0),
                      file=out, flush=True)
        s.check_alive()
        # The end of the application: testpmd stops and closes the port.
        status = s.fe.quit()
        if status != 0 or s.fe.signalstatus is not None:
            raise SoakFailure("quit: exit status %s, signal %s\n%s" % (
                status, s.fe.signalstatus, s.fe.tail()))
    except (SoakFailure, TestPmdError, OSError) as e:
        res.failure = "iteration %d: %s" % (i, e)
    finally:
        res.seconds = time.monotonic() - t0
        s.close()
    return res


def kill_step(s):
    """SIGKILL the back-end under traffic and start a new one: traffic
    must come back on both sides with the port running all along; then
    stop it for the measurement."""
    s.check_alive()
    os.kill(s.be.pid, signal.SIGKILL)
    s.be.close()
    s.be = None
    s.wait_link(s.fe, "down")
    fs = s.fe.port_stats(0)
    be = s.start_backend(client=s.phase == "server")
    s.wait_started(be)
    s.wait_link(s.fe, "up")
    s.wait_link(be, "up")
    be.cmd("start tx_first")
    s.traffic(fs, None)
    stop_step(s)


def stop_step(s):
    s.fe_cmd("stop", refuse=())
    s.fe_cmd("port stop 0")


def unplug_step(s):
    stop_step(s)
    s.fe_cmd("port close 0", expect="Done")
    s.fe_cmd("device detach %s" % s.vdev, expect="is detached")


# --- the command ---------------------------------------------------------------

def stage_plugin(build_dir, dest):
    env = dict(os.environ, VXPATH_PLUGIN_DIR=dest)
    out = subprocess.run([os.path.join(REPO, "devtools", "stage-plugin.sh"),
                          build_dir], stdout=subprocess.PIPE, text=True,
                         env=env)
    if out.returncode != 0:
        return None
    return out.stdout.strip().splitlines()[-1]


def fmt_pair(a, b):
    return "%s/%s" % (a, b)


def table(results):
    """The figures, one line per phase and driver."""
    lines = ["%-10s %-8s %9s %7s %13s %13s %19s %7s %15s %6s %8s  %s" % (
        "phase", "driver", "iter", "resumed", "mbufs 1st", "mbufs last",
        "heap B 1st/last", "fds", "VmRSS kB", "+kB", "time s", "result")]
    for r in results:
        if r.skipped:
            lines.append("%-10s %-8s %9s  skipped: %s" % (
                r.phase, r.driver, "-", r.skipped))
            continue
        f, la = r.first, r.last
        lines.append("%-10s %-8s %9s %7d %13s %13s %19s %7s %15s %6s %8.0f  "
                     "%s" % (
                         r.phase, r.driver, fmt_pair(r.done, r.count),
                         r.resumed,
                         fmt_pair(f.mbufs, f.mbuf_size) if f else "-",
                         fmt_pair(la.mbufs, la.mbuf_size) if la else "-",
                         fmt_pair(f.heap_bytes, la.heap_bytes) if f else "-",
                         fmt_pair(f.fds, la.fds) if f else "-",
                         fmt_pair(f.rss, la.rss) if f else "-",
                         "%+d" % (la.rss - f.rss) if f else "-",
                         r.seconds, "ok" if r.ok else "FAILED"))
    return lines


def make_parser():
    ap = argparse.ArgumentParser(
        description="kill/restart, stop/start and hot-plug soak of vxpath "
        "against net_vhost, with leak checks after every iteration")
    ap.add_argument("--phases", default=",".join(PHASES),
                    help="comma-separated, from %s" % ",".join(PHASES))
    ap.add_argument("--server-kills", type=int)
    ap.add_argument("--reconnect-kills", type=int)
    ap.add_argument("--stop-start", type=int)
    ap.add_argument("--hotplug", type=int)
    ap.add_argument("--short", action="store_true",
                    help="the short counts (%s)" % ", ".join(
                        "%s %d" % kv for kv in SHORT_COUNTS.items()))
    ap.add_argument("--driver", choices=("vxpath", "upstream", "both"),
                    default="vxpath")
    ap.add_argument("--packed", action="store_true",
                    help="packed virtqueues (packed_vq=1)")
    ap.add_argument("--reconnect-ms", type=int, default=RECONNECT_MS)
    ap.add_argument("--rss-slack-kb", type=int, default=RSS_SLACK_KB)
    ap.add_argument("--progress", type=int, default=0,
                    help="print a line every N iterations")
    ap.add_argument("--inject-fd-leak", type=int, metavar="N",
                    help="self-check: one more fd in the front-end after "
                    "iteration N; the phase must then fail")
    ap.add_argument("--build-dir", default=os.path.join(REPO, "build"))
    ap.add_argument("--plugin", help="an already staged plugin")
    ap.add_argument("--log-dir", help="keep testpmd logs here (default: "
                    "a temporary directory, removed at the end)")
    return ap


def options(**kw):
    """The options of a run with the defaults, some replaced by kw (for
    the tests, which call run_phase() themselves)."""
    args = make_parser().parse_args([])
    for k, v in kw.items():
        if not hasattr(args, k):
            raise TypeError("no option %s" % k)
        setattr(args, k, v)
    return args


def main(argv=None):
    ap = make_parser()
    args = ap.parse_args(argv)

    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if not phases or any(p not in PHASES for p in phases):
        ap.error("--phases: from %s" % ",".join(PHASES))
    base = SHORT_COUNTS if args.short else DEFAULT_COUNTS
    given = {"server": args.server_kills, "reconnect": args.reconnect_kills,
             "stopstart": args.stop_start, "hotplug": args.hotplug}
    counts = {p: base[p] if given[p] is None else given[p] for p in PHASES}
    if any(c < 1 for c in counts.values()):
        ap.error("counts must be >= 1")
    drivers = ["vxpath", "upstream"] if args.driver == "both" else \
        [args.driver]

    run = tempfile.mkdtemp(prefix="soak-%d." % os.getpid(),
                           dir=_private_run_root())
    os.chmod(run, 0o755)
    plugin = args.plugin
    if "vxpath" in drivers and not plugin:
        plugin = stage_plugin(args.build_dir, os.path.join(run, "plugin"))
        if not plugin:
            print("soak: no plugin to load (build it: meson setup build && "
                  "ninja -C build, or give --build-dir/--plugin)",
                  file=sys.stderr)
            shutil.rmtree(run, ignore_errors=True)
            return 2
    keep_logs = bool(args.log_dir)
    if not args.log_dir:
        args.log_dir = run
    os.makedirs(args.log_dir, exist_ok=True)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)

    print("soak: %s, plugin %s, %s rings, phases %s, drivers %s, logs %s" % (
        time.strftime("%Y-%m-%d %H:%M:%S %Z"), plugin or "-",
        "packed" if args.packed else "split",
        ", ".join("%s %d" % (p, counts[p]) for p in phases),
        ",".join(drivers), args.log_dir if keep_logs else "(removed)"),
        flush=True)
    results = []
    try:
        for driver in drivers:
            for phase in phases:
                r = run_phase(phase, counts[phase], args, plugin, run,
                              driver)
                results.append(r)
                print("soak: %s/%s: %s (%.0f s)" % (
                    phase, driver, "skipped: " + r.skipped if r.skipped
                    else "ok" if r.ok else "FAILED " + r.failure,
                    r.seconds), flush=True)
    except Interrupted as e:
        print("soak: interrupted (%s), cleaning up" % e, file=sys.stderr)
        return 130
    finally:
        kill_all()
        if keep_logs:
            shutil.rmtree(os.path.join(run, "plugin"), ignore_errors=True)
        else:
            shutil.rmtree(run, ignore_errors=True)
        if keep_logs and os.path.isdir(run) and not os.listdir(run):
            os.rmdir(run)
    print("\n".join(table(results)))
    failed = [r for r in results if not r.ok and not r.skipped]
    print("soak: %d phase(s) passed, %d failed" % (
        sum(r.ok for r in results), len(failed)))
    return 1 if failed else 0


def _private_run_root():
    """/run/vxpath, root-owned 0755: EAL refuses a plugin under a
    world-writable directory."""
    root = "/run/vxpath"
    os.makedirs(root, exist_ok=True)
    os.chmod(root, 0o755)
    return root


if __name__ == "__main__":
    sys.exit(main())
