#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Compare vxpath with DPDK's upstream virtio-user (net_virtio_user, from the
# installed net_virtio plugin) against the same vhost-user back-end: DPDK's
# net_vhost in a second testpmd process. Both drivers run in one
# invocation, alternating upstream, vxpath, upstream, vxpath..., so that the
# noise of a shared machine falls on both sides alike; the figures are
# medians and ratios vxpath/upstream.
#
# Two ways to alternate (--mode):
#
#   interleaved (default): one back-end testpmd (forwarding on core 0) with
#     two net_vhost ports, and one front-end testpmd (forwarding on core 1)
#     with both drivers: port 0 is upstream's net_virtio_user0, port 1 is
#     vxpath's net_vxpath1, each on its own net_vhost port. Both processes
#     run --port-topology=loop (each port forwards to itself), io
#     forwarding. The front-end forwards one port at a time, in windows of
#     --window seconds: `set portlist P`, `start` (`start tx_first` the
#     first time: 32 packets per queue, which then go round between the two
#     processes), `show port stats P` twice, `stop`. Upstream and vxpath
#     windows alternate --pairs times; both see the same machine within a
#     second of each other, and each pair gives a ratio. Start-up and
#     memory layout are the same for both (one process each side).
#   fresh: each run starts a new back-end and a new front-end with one
#     driver (the way a user would run either), --pairs runs per side
#     alternating, --seconds per run after --warmup. Slower, and the
#     machine's noise between runs weighs more.
#
# In both, Mpps is the front-end port's RX + TX packets over the window,
# and cycles/pkt is the "CPU cycles/packet" testpmd prints at `stop` with
# --record-core-cycles: the forwarding core's cycles in iterations that
# received packets, over the packets received (polls that find nothing are
# not counted). The back-end's figure is printed too: what the device side
# spends per packet on each driver's rings (in the closed loop of io
# forwarding, the busier of the two sides sets the rate).
#
# --instructions adds a figure that does not depend on the machine's
# moment: each driver's front-end runs once under valgrind's callgrind
# (against a native net_vhost back-end) for --instr-seconds, with four
# bursts per queue in flight (`start tx_first 4`), and the instructions its
# forwarding thread executed are divided by the packets it received. The
# front-end, slowed down by valgrind, always finds a full burst waiting, so
# the figure is the cost of full bursts and hardly depends on the polls that
# find nothing. valgrind must be installed (apt-get install valgrind).
#
# Cases: split or packed ring (packed_vq=1), 64 or 1518-byte frames
# (`set txpkts` before tx_first; io forwarding keeps the size), 1 or 2
# queue pairs (queues=2,cq=1 on both drivers, net_vhost queues=2,
# --rxq=2 --txq=2). Named RING-BYTES-Nq, e.g. split-64-1q.
#
# Usage: devtools/benchmark.py [--mode interleaved|fresh] [--pairs N]
#            [--window S] [--seconds S] [--warmup S] [--cases all|LIST]
#            [--instructions] [--instr-seconds S]
#            [--build-dir D | --plugin PATH] [--quick] [--log-dir D]
# The plugin is staged with devtools/stage-plugin.sh from the build
# directory (default build/). Every testpmd started here is killed on exit,
# on SIGINT and on SIGTERM. Exit status: 0 when every run produced its
# figures, 1 when some run failed (the table still prints, with n/a), 2 for
# a usage or set-up error. A figure is never a reason to fail.

import argparse
import glob
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "test", "integration"))

from testpmd import TestPmd, TestPmdError, kill_all  # noqa: E402

RINGS = ("split", "packed")
SIZES = (64, 1518)
QUEUES = (1, 2)
ALL_CASES = ["%s-%d-%dq" % (r, s, q) for r in RINGS for s in SIZES
             for q in QUEUES]
QUICK_CASE = "split-64-1q"
# A side's Mpps whose interquartile range (q3/q1) over its windows exceeds
# this, or paired ratios whose interquartile range exceeds this around
# their median, are not to be trusted.
SPREAD_LIMIT = 1.3
RATIO_IQR_LIMIT = 0.15
APP_ARGS = ["--total-num-mbufs=16384"]
SIDES = ("upstream", "vxpath")

DRIVERS = {
    # side: (vdev name in fresh mode, "Driver name" in port info, plugin)
    "upstream": ("net_virtio_user0", "net_virtio_user", False),
    "vxpath": ("virtio_user0", "net_vxpath", True),
}


class Interrupted(Exception):
    pass


def _on_signal(signum, frame):
    raise Interrupted("signal %d" % signum)


def parse_case(name):
    m = re.match(r"^(split|packed)-(\d+)-(\d+)q$", name)
    if not m or int(m.group(2)) not in SIZES or \
       int(m.group(3)) not in QUEUES:
        raise ValueError("unknown case %r (known: %s)" %
                         (name, ", ".join(ALL_CASES)))
    return m.group(1), int(m.group(2)), int(m.group(3))


def stage_plugin(build_dir):
    out = subprocess.run([os.path.join(REPO, "devtools", "stage-plugin.sh"),
                          build_dir], stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        return None
    return out.stdout.strip().splitlines()[-1]


def driver_devargs(case):
    ring, _, queues = case
    devargs = ""
    if ring == "packed":
        devargs += ",packed_vq=1"
    if queues > 1:
        devargs += ",queues=%d,cq=1" % queues
    return devargs


def queue_args(case):
    queues = case[2]
    return ["--rxq=%d" % queues, "--txq=%d" % queues] if queues > 1 else []


def cycles_of(stop_output):
    m = re.search(r"CPU cycles/packet=([0-9.]+)", stop_output)
    return float(m.group(1)) if m else None


def start_pair(be, fe, timeout=600):
    """Start the back-end, then the front-end, reading the back-end's
    output meanwhile: its vhost thread writes a line per vhost-user
    message, and one that finds its terminal full stops answering."""
    be.start()
    fe.start(wait=False)
    deadline = time.monotonic() + timeout
    while True:
        be.drain()
        try:
            fe.wait_started(timeout=0.2)
            return
        except TestPmdError:
            if not fe.alive() or time.monotonic() > deadline:
                raise


# The back-end's vhost library logs every message at INFO: keep it quiet.
BACKEND_LOG = ["--log-level=lib.vhost.*:notice"]


def fresh_sock(work, name):
    sock = os.path.join(work, name)
    if os.path.exists(sock):
        os.unlink(sock)
    return sock


# --- interleaved mode ------------------------------------------------------

def interleaved_case(case, args, plugin, work, tag):
    """One case: both drivers in one front-end, alternating windows.
    Return {side: [(Mpps, cycles) or None per window]}.
    Raises TestPmdError (or RuntimeError) if the set-up fails."""
    _, size, queues = case
    pid = os.getpid()
    socks = [fresh_sock(work, "%s-%s.sock" % (tag, s)) for s in SIDES]
    log = os.path.join(args.log_dir, tag)
    be = TestPmd("backend", [
        "-l", "0,1", "--main-lcore", "1",
        "--file-prefix", "vxbbe%d" % pid,
        "--single-file-segments", "--no-pci"] + BACKEND_LOG + [
        "--vdev", "net_vhost0,iface=%s,queues=%d" % (socks[0], queues),
        "--vdev", "net_vhost1,iface=%s,queues=%d" % (socks[1], queues),
    ], APP_ARGS + queue_args(case) +
        ["--port-topology=loop", "--record-core-cycles", "--no-flush-rx"],
        log_path=log + "-be.log")
    devargs = driver_devargs(case)
    fe = TestPmd("frontend", [
        "-l", "0,1",
        "--file-prefix", "vxbfe%d" % pid,
        "--single-file-segments", "--no-pci", "-d", plugin,
        "--vdev", "net_virtio_user0,path=%s%s%s" % (socks[0], devargs,
                                                     args.upstream_devargs),
        "--vdev", "net_vxpath1,path=%s%s%s" % (socks[1], devargs,
                                                args.vxpath_devargs),
    ] + args.frontend_eal.split(), APP_ARGS + queue_args(case) +
        ["--port-topology=loop", "--record-core-cycles", "--no-flush-rx"],
        log_path=log + "-fe.log")
    res = {s: [] for s in SIDES}
    try:
        start_pair(be, fe)
        for port, side in enumerate(SIDES):
            want = DRIVERS[side][1]
            got = fe.port_info(port).get("Driver name")
            if got != want:
                raise RuntimeError("port %d is bound to %r, not %s" %
                                   (port, got, want))
        fe.cmd("set fwd io")
        be.cmd("set fwd io")
        if size != 64:
            fe.cmd("set txpkts %d" % size)
        started = set()
        for _ in range(args.pairs):
            for port, side in enumerate(SIDES):
                fe.cmd("set portlist %d" % port)
                be.cmd("start")
                fe.cmd("start" if port in started else "start tx_first")
                started.add(port)
                time.sleep(args.settle)
                s1 = fe.port_stats(port)
                t1 = time.monotonic()
                time.sleep(args.window)
                s2 = fe.port_stats(port)
                t2 = time.monotonic()
                cyc = cycles_of(fe.cmd("stop"))
                be_cyc = cycles_of(be.cmd("stop"))
                pkts = (s2["rx_packets"] - s1["rx_packets"] +
                        s2["tx_packets"] - s1["tx_packets"])
                res[side].append((pkts / (t2 - t1) / 1e6, cyc, be_cyc)
                                 if pkts > 0 else None)
        fe.quit()
        be.quit()
        return res
    finally:
        fe.close()
        be.close()
        for s in socks:
            if os.path.exists(s):
                os.unlink(s)


# --- fresh mode ------------------------------------------------------------

def fresh_run(side, case, args, plugin, work, seq, wrapper=(),
              seconds=None, warmup=None, bursts=1):
    """One measurement with new processes, @bursts bursts per queue sent
    at start. Return (Mpps, cycles per packet or None, RX packets of the
    whole start..stop span, front-end pid).
    Raises TestPmdError (or RuntimeError) if the run could not be made."""
    _, size, queues = case
    vdev, drv_name, needs_plugin = DRIVERS[side]
    sock = fresh_sock(work, "vhost%d.sock" % seq)
    pid = os.getpid()
    log = os.path.join(args.log_dir, "run%03d-%s" % (seq, side))
    be = TestPmd("backend", [
        "-l", "0,1", "--main-lcore", "1",
        "--file-prefix", "vxbbe%d" % pid,
        "--single-file-segments", "--no-pci"] + BACKEND_LOG + [
        "--vdev", "net_vhost0,iface=%s,queues=%d" % (sock, queues),
    ], APP_ARGS + queue_args(case) + ["--record-core-cycles"],
        log_path=log + "-be.log")
    fe = TestPmd("frontend", [
        "-l", "0,1",
        "--file-prefix", "vxbfe%d" % pid,
        "--single-file-segments", "--no-pci",
    ] + (["-d", plugin] if needs_plugin else []) +
        ["--vdev", "%s,path=%s%s%s" % (
            vdev, sock, driver_devargs(case),
            args.vxpath_devargs if side == "vxpath" else
            args.upstream_devargs)] + args.frontend_eal.split(),
        APP_ARGS + queue_args(case) + ["--record-core-cycles"],
        log_path=log + "-fe.log", wrapper=wrapper,
        timeout=600 if wrapper else 60)
    seconds = args.seconds if seconds is None else seconds
    warmup = args.warmup if warmup is None else warmup
    try:
        start_pair(be, fe)
        info = fe.port_info(0)
        if info.get("Driver name") != drv_name:
            raise RuntimeError("%s: port 0 is bound to %r, not %s" %
                               (side, info.get("Driver name"), drv_name))
        fe.cmd("set fwd io")
        be.cmd("set fwd io")
        if size != 64:
            fe.cmd("set txpkts %d" % size)
        be.cmd("start")
        fe.cmd("start tx_first" if bursts == 1 else
               "start tx_first %d" % bursts)
        time.sleep(warmup)
        s1 = fe.port_stats(0)
        t1 = time.monotonic()
        time.sleep(seconds)
        s2 = fe.port_stats(0)
        t2 = time.monotonic()
        out = fe.cmd("stop")
        be_cyc = cycles_of(be.cmd("stop"))
        pkts = (s2["rx_packets"] - s1["rx_packets"] +
                s2["tx_packets"] - s1["tx_packets"])
        m = re.search(r"RX-packets:\s+(\d+)", out)
        rx_total = int(m.group(1)) if m else 0
        if pkts <= 0:
            raise RuntimeError("%s: no packets forwarded in the window" %
                               side)
        fe_pid = fe.pid
        fe.quit(timeout=300 if wrapper else 30)
        be.quit()
        return (pkts / (t2 - t1) / 1e6, cycles_of(out), be_cyc, rx_total,
                fe_pid)
    finally:
        fe.close()
        be.close()
        if os.path.exists(sock):
            os.unlink(sock)


def fresh_case(case, args, plugin, work, seq0):
    res = {s: [] for s in SIDES}
    seq = seq0
    for i in range(args.pairs):
        for side in SIDES:
            seq += 1
            try:
                r = fresh_run(side, case, args, plugin, work, seq)
                res[side].append(r[:3])
            except (TestPmdError, RuntimeError, OSError) as e:
                print("  pair %d %s: run failed: %s" %
                      (i + 1, side, str(e).splitlines()[0] if str(e) else e),
                      flush=True)
                res[side].append(None)
    return res


# --- instructions (callgrind) ----------------------------------------------

def instructions(side, case, args, plugin, work, seq):
    """Instructions per received packet of the front-end's forwarding
    thread, from one run under callgrind. Return a float, or None."""
    out_dir = os.path.join(work, "cg%d" % seq)
    os.makedirs(out_dir, exist_ok=True)
    wrapper = ["valgrind", "--tool=callgrind", "--separate-threads=yes",
               "--callgrind-out-file=%s/cg.%%p" % out_dir]
    # Four bursts per queue in flight: the slowed-down front-end always
    # finds a full burst waiting, so the count is the cost of full bursts
    # and hardly depends on polls that find nothing.
    _, _, _, rx_total, fe_pid = fresh_run(side, case, args, plugin, work,
                                          seq,
                                       wrapper=wrapper,
                                       seconds=args.instr_seconds,
                                       warmup=1, bursts=4)
    best = 0
    # One file per thread (cg.PID-NN): the forwarding lcore is the one
    # that executed most.
    for f in glob.glob("%s/cg.%d-*" % (out_dir, fe_pid)):
        with open(f, errors="replace") as fh:
            for line in fh:
                m = re.match(r"^(?:summary|totals):\s+(\d+)", line)
                if m:
                    best = max(best, int(m.group(1)))
                    break
    shutil.rmtree(out_dir, ignore_errors=True)
    if best == 0 or rx_total == 0:
        return None
    return best / rx_total


# --- figures ---------------------------------------------------------------

def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def quartiles(xs):
    xs = sorted(x for x in xs if x is not None)
    if len(xs) < 4:
        return (xs[0], xs[-1]) if xs else (None, None)
    q = statistics.quantiles(xs, n=4)
    return q[0], q[2]


def spread(xs):
    """q3/q1 of the values (max/min when fewer than 4)."""
    lo, hi = quartiles(xs)
    if lo is None or lo <= 0:
        return None
    return hi / lo


def fmt(x, digits=2):
    return "n/a" if x is None else "%.*f" % (digits, x)


def paired_ratios(res, idx):
    out = []
    for u, v in zip(res["upstream"], res["vxpath"]):
        if u and v and u[idx] and v[idx] is not None:
            out.append(v[idx] / u[idx])
    return out


def case_figures(res, instr):
    """Medians, paired ratios and spreads of one case."""
    f = {}
    for side in SIDES:
        rows = [r for r in res[side] if r]
        f[side] = {
            "n": len(rows),
            "mpps": median([r[0] for r in rows]),
            "cyc": median([r[1] for r in rows]),
            "be_cyc": median([r[2] for r in rows]),
            "spread": spread([r[0] for r in rows]),
            "instr": instr.get(side),
        }
    for key, idx in (("mpps", 0), ("cyc", 1), ("be_cyc", 2)):
        rs = paired_ratios(res, idx)
        f["ratio_" + key] = median(rs)
        f["iqr_" + key] = quartiles(rs)
    u, v = f["upstream"]["instr"], f["vxpath"]["instr"]
    f["ratio_instr"] = v / u if u and v else None
    return f


def case_lines(name, res, f):
    u, v = f["upstream"], f["vxpath"]
    lines = ["case %s" % name,
             "  %-24s %10s %10s %16s" % ("", "upstream", "vxpath",
                                         "vxpath/upstream"),
             "  %-24s %10s %10s" % ("windows (runs) completed", u["n"],
                                    v["n"])]

    def iqr(key):
        lo, hi = f["iqr_" + key]
        return "" if lo is None else "  (q1..q3 %s..%s)" % (fmt(lo), fmt(hi))

    lines.append("  %-24s %10s %10s %16s%s" % (
        "Mpps (median)", fmt(u["mpps"]), fmt(v["mpps"]),
        fmt(f["ratio_mpps"]), iqr("mpps")))
    lines.append("  %-24s %10s %10s %16s%s" % (
        "cycles/pkt (median)", fmt(u["cyc"], 1), fmt(v["cyc"], 1),
        fmt(f["ratio_cyc"]), iqr("cyc")))
    lines.append("  %-24s %10s %10s %16s%s" % (
        "back-end cycles/pkt", fmt(u["be_cyc"], 1), fmt(v["be_cyc"], 1),
        fmt(f["ratio_be_cyc"]), iqr("be_cyc")))
    if u["instr"] is not None or v["instr"] is not None:
        lines.append("  %-24s %10s %10s %16s" % (
            "instructions/pkt", fmt(u["instr"], 1), fmt(v["instr"], 1),
            fmt(f["ratio_instr"])))
    lines.append("  %-24s %10s %10s" % ("Mpps spread q3/q1",
                                        fmt(u["spread"]), fmt(v["spread"])))
    for side in SIDES:
        s = f[side]["spread"]
        if s is not None and s > SPREAD_LIMIT:
            lines.append("  %s Mpps: spread too wide to trust (q3/q1 > %.1f)"
                         % (side, SPREAD_LIMIT))
    for key, what in (("mpps", "Mpps"), ("cyc", "cycles/pkt")):
        lo, hi = f["iqr_" + key]
        r = f["ratio_" + key]
        if r and lo is not None and (hi - lo) / r > 2 * RATIO_IQR_LIMIT:
            lines.append("  %s ratio: spread too wide to trust (q1..q3 "
                         "wider than +-%d%% of the median)" %
                         (what, RATIO_IQR_LIMIT * 100))
    lines.append("  per window, Mpps: upstream %s; vxpath %s" % (
        " ".join(fmt(r[0]) if r else "fail" for r in res["upstream"]),
        " ".join(fmt(r[0]) if r else "fail" for r in res["vxpath"])))
    return lines


def main():
    ap = argparse.ArgumentParser(
        description="vxpath vs upstream net_virtio_user against net_vhost")
    ap.add_argument("--mode", choices=("interleaved", "fresh"),
                    default="interleaved",
                    help="both drivers in one front-end, alternating "
                    "windows (default), or new processes for each run")
    ap.add_argument("--pairs", type=int,
                    help="upstream/vxpath pairs per case (default 20 "
                    "windows interleaved, 5 runs fresh)")
    ap.add_argument("--window", type=float, default=0.5,
                    help="interleaved: seconds per window (default 0.5)")
    ap.add_argument("--settle", type=float, default=0.05,
                    help="interleaved: seconds between start and the "
                    "window (default 0.05)")
    ap.add_argument("--seconds", type=float, default=10,
                    help="fresh: measurement window in seconds "
                    "(default 10)")
    ap.add_argument("--warmup", type=float, default=2,
                    help="fresh: seconds of forwarding before the window "
                    "(default 2)")
    ap.add_argument("--cases", default="all",
                    help="comma-separated RING-BYTES-Nq names or 'all' "
                    "(%s)" % ",".join(ALL_CASES))
    ap.add_argument("--vxpath-devargs", default="",
                    help="more devargs for vxpath's port only, e.g. "
                    "',event_idx=0'")
    ap.add_argument("--upstream-devargs", default="",
                    help="more devargs for upstream's port only, e.g. "
                    "',vectorized=1'")
    ap.add_argument("--frontend-eal", default="",
                    help="more EAL options for the front-end testpmd, "
                    "e.g. '--force-max-simd-bitwidth=512'")
    ap.add_argument("--instructions", action="store_true",
                    help="also count instructions per packet of each "
                    "driver under valgrind's callgrind (one run each)")
    ap.add_argument("--instr-seconds", type=float, default=15,
                    help="seconds each callgrind run forwards (default 15)")
    ap.add_argument("--build-dir", default=os.path.join(REPO, "build"),
                    help="build directory holding the plugin (default "
                    "build/)")
    ap.add_argument("--plugin", help="an already staged plugin: skip "
                    "staging")
    ap.add_argument("--quick", action="store_true",
                    help="smoke check: case %s, a few short windows" %
                    QUICK_CASE)
    ap.add_argument("--log-dir", help="keep testpmd logs here (default: a "
                    "temporary directory, removed at the end)")
    args = ap.parse_args()

    if args.pairs is None:
        args.pairs = 20 if args.mode == "interleaved" else 5
    if args.quick:
        args.pairs = min(args.pairs, 3 if args.mode == "interleaved" else 1)
        args.cases = QUICK_CASE
        args.seconds = min(args.seconds, 3)
    try:
        names = ALL_CASES if args.cases == "all" else \
            [c.strip() for c in args.cases.split(",") if c.strip()]
        cases = [(n, parse_case(n)) for n in names]
    except ValueError as e:
        ap.error(str(e))
    if args.pairs < 1 or args.seconds <= 0 or args.warmup < 0 or \
       args.window <= 0 or args.settle < 0 or args.instr_seconds <= 0:
        ap.error("--pairs >= 1; --seconds, --window, --instr-seconds > 0; "
                 "--warmup, --settle >= 0")
    if args.instructions and not shutil.which("valgrind"):
        print("benchmark: --instructions needs valgrind (apt-get install "
              "valgrind)", file=sys.stderr)
        return 2

    plugin = args.plugin or stage_plugin(args.build_dir)
    if not plugin or not os.path.isfile(plugin):
        print("benchmark: no plugin to load (build it: meson setup build "
              "&& ninja -C build, or give --build-dir/--plugin)",
              file=sys.stderr)
        return 2

    work = tempfile.mkdtemp(prefix="vxbench.")
    keep_logs = bool(args.log_dir)
    if not args.log_dir:
        args.log_dir = work
    os.makedirs(args.log_dir, exist_ok=True)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)

    what = ("%d pair(s) of %.2f s windows" % (args.pairs, args.window)
            if args.mode == "interleaved" else
            "%d pair(s) of runs, %.0f s window after %.0f s warm-up" %
            (args.pairs, args.seconds, args.warmup))
    print("benchmark: %s, plugin %s, mode %s, %s%s, cases %s" %
          (time.strftime("%Y-%m-%d %H:%M:%S %Z"), plugin, args.mode, what,
           ", instructions (callgrind, %.0f s)" % args.instr_seconds
           if args.instructions else "",
           ",".join(n for n, _ in cases)), flush=True)
    for what, extra in (("upstream devargs", args.upstream_devargs),
                        ("vxpath devargs", args.vxpath_devargs),
                        ("front-end EAL", args.frontend_eal)):
        if extra:
            print("benchmark: extra %s: %s" % (what, extra), flush=True)
    failed = 0
    summary = []
    seq = 0
    try:
        for name, case in cases:
            if args.mode == "interleaved":
                try:
                    res = interleaved_case(case, args, plugin, work, name)
                except (TestPmdError, RuntimeError, OSError) as e:
                    print("  %s: failed: %s" %
                          (name, str(e).splitlines()[0] if str(e) else e),
                          flush=True)
                    res = {s: [None] * args.pairs for s in SIDES}
            else:
                res = fresh_case(case, args, plugin, work, seq)
                seq += 2 * args.pairs
            failed += sum(r is None for s in SIDES for r in res[s])
            instr = {}
            if args.instructions:
                for side in SIDES:
                    seq += 1
                    try:
                        instr[side] = instructions(side, case, args, plugin,
                                                   work, seq)
                    except (TestPmdError, RuntimeError, OSError) as e:
                        print("  %s %s: callgrind run failed: %s" %
                              (name, side,
                               str(e).splitlines()[0] if str(e) else e),
                              flush=True)
                        instr[side] = None
                    if instr[side] is None:
                        failed += 1
            f = case_figures(res, instr)
            print("\n".join(case_lines(name, res, f)) + "\n", flush=True)
            summary.append((name, f))
    except Interrupted as e:
        print("benchmark: interrupted (%s), cleaning up" % e,
              file=sys.stderr)
        kill_all()
        return 130
    finally:
        kill_all()
        if not keep_logs:
            shutil.rmtree(work, ignore_errors=True)

    print("summary (medians; ratio = median of the paired vxpath/upstream "
          "ratios; be rt = that ratio of the back-end's cycles/pkt; spr = "
          "q3/q1 of each side's Mpps)")
    show_instr = args.instructions
    hdr = "%-15s %8s %8s %6s %7s %7s %6s %6s %6s %6s" % (
        "case", "Mpps up", "Mpps vx", "ratio", "cyc up", "cyc vx", "ratio",
        "be rt", "spr up", "spr vx")
    if show_instr:
        hdr += " %8s %8s %6s" % ("ins up", "ins vx", "ratio")
    print(hdr)
    for name, f in summary:
        u, v = f["upstream"], f["vxpath"]
        line = "%-15s %8s %8s %6s %7s %7s %6s %6s %6s %6s" % (
            name, fmt(u["mpps"]), fmt(v["mpps"]), fmt(f["ratio_mpps"]),
            fmt(u["cyc"], 1), fmt(v["cyc"], 1), fmt(f["ratio_cyc"]),
            fmt(f["ratio_be_cyc"]), fmt(u["spread"]), fmt(v["spread"]))
        if show_instr:
            line += " %8s %8s %6s" % (fmt(u["instr"], 1), fmt(v["instr"], 1),
                                      fmt(f["ratio_instr"]))
        print(line)
    if failed:
        print("benchmark: %d window(s) or run(s) failed" % failed,
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
