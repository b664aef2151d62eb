#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Compare vxpath with DPDK's upstream virtio-user (net_virtio_user, from the
# installed net_virtio plugin) against the same vhost-user back-end: DPDK's
# net_vhost in a second testpmd process. Both drivers run in the same
# invocation, alternating upstream, vxpath, upstream, vxpath..., so that the
# noise of a shared machine falls on both sides alike; the figures are
# medians over the pairs and ratios vxpath/upstream.
#
# One run: a fresh net_vhost back-end (forwarding on core 0) and a fresh
# front-end testpmd (forwarding on core 1), io forwarding both sides, the
# front-end starts with `start tx_first`. After a warm-up, the front-end's
# `show port stats 0` is read twice, SECONDS apart: packets per second is
# (RX + TX packets of the front-end port) / elapsed time. At `stop` the
# front-end prints "CPU cycles/packet" (--record-core-cycles): forwarding
# cycles over received packets for the whole start..stop span.
#
# Cases: split or packed ring (packed_vq=1), 64 or 1518-byte frames
# (`set txpkts` before tx_first; io forwarding keeps the size), 1 or 2
# queue pairs (queues=2,cq=1 on both drivers, net_vhost queues=2,
# --rxq=2 --txq=2). Named RING-BYTES-Nq, e.g. split-64-1q.
#
# Usage: devtools/benchmark.py [--pairs N] [--seconds S] [--warmup S]
#            [--cases all|LIST] [--build-dir D | --plugin PATH] [--quick]
#            [--log-dir D]
# The plugin is staged with devtools/stage-plugin.sh from the build
# directory (default build/). Every testpmd started here is killed on exit,
# on SIGINT and on SIGTERM. Exit status: 0 when every run produced its
# figures, 1 when some run failed (the table still prints, with n/a), 2 for
# a usage or set-up error. A figure is never a reason to fail.

import argparse
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
# max/min over the pairs above which a side's median is not to be trusted.
SPREAD_LIMIT = 1.3
APP_ARGS = ["--total-num-mbufs=16384"]

DRIVERS = {
    # side: (vdev name, "Driver name" in port info, needs the plugin)
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


def one_run(side, case, args, plugin, work, seq):
    """One measurement. Return (Mpps, cycles per packet or None).
    Raises TestPmdError (or RuntimeError) if the run could not be made."""
    ring, size, queues = case
    vdev, drv_name, needs_plugin = DRIVERS[side]
    sock = os.path.join(work, "vhost%d.sock" % seq)
    if os.path.exists(sock):
        os.unlink(sock)
    pid = os.getpid()
    qargs = ["--rxq=%d" % queues, "--txq=%d" % queues] if queues > 1 else []
    log = os.path.join(args.log_dir, "run%03d-%s" % (seq, side))
    be = TestPmd("backend", [
        "-l", "0,1", "--main-lcore", "1",
        "--file-prefix", "vxbbe%d" % pid,
        "--single-file-segments", "--no-pci",
        "--vdev", "net_vhost0,iface=%s,queues=%d" % (sock, queues),
    ], APP_ARGS + qargs, log_path=log + "-be.log")
    devargs = "path=%s" % sock
    if ring == "packed":
        devargs += ",packed_vq=1"
    if queues > 1:
        devargs += ",queues=%d,cq=1" % queues
    fe = TestPmd("frontend", [
        "-l", "0,1",
        "--file-prefix", "vxbfe%d" % pid,
        "--single-file-segments", "--no-pci",
    ] + (["-d", plugin] if needs_plugin else []) +
        ["--vdev", "%s,%s" % (vdev, devargs)],
        APP_ARGS + qargs + ["--record-core-cycles"],
        log_path=log + "-fe.log")
    try:
        be.start()
        fe.start()
        info = fe.port_info(0)
        if info.get("Driver name") != drv_name:
            raise RuntimeError("%s: port 0 is bound to %r, not %s" %
                               (side, info.get("Driver name"), drv_name))
        fe.cmd("set fwd io")
        be.cmd("set fwd io")
        if size != 64:
            fe.cmd("set txpkts %d" % size)
        be.cmd("start")
        fe.cmd("start tx_first")
        time.sleep(args.warmup)
        s1 = fe.port_stats(0)
        t1 = time.monotonic()
        time.sleep(args.seconds)
        s2 = fe.port_stats(0)
        t2 = time.monotonic()
        out = fe.cmd("stop")
        be.cmd("stop")
        pkts = (s2["rx_packets"] - s1["rx_packets"] +
                s2["tx_packets"] - s1["tx_packets"])
        m = re.search(r"CPU cycles/packet=([0-9.]+)", out)
        cycles = float(m.group(1)) if m else None
        if pkts <= 0:
            raise RuntimeError("%s: no packets forwarded in the window" %
                               side)
        fe.quit()
        be.quit()
        return pkts / (t2 - t1) / 1e6, cycles
    finally:
        fe.close()
        be.close()
        if os.path.exists(sock):
            os.unlink(sock)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def spread(xs):
    xs = [x for x in xs if x is not None]
    if len(xs) < 2 or min(xs) <= 0:
        return None
    return max(xs) / min(xs)


def fmt(x, digits=2):
    return "n/a" if x is None else "%.*f" % (digits, x)


def ratio(a, b):
    return None if a is None or b is None or a == 0 else b / a


def case_table(name, res):
    """Lines of the table of one case; res[side] = list of (Mpps, cyc)."""
    lines = ["case %s" % name]
    cols = {}
    for side in ("upstream", "vxpath"):
        mpps = [r[0] for r in res[side] if r]
        cyc = [r[1] for r in res[side] if r]
        cols[side] = (median(mpps), median(cyc), spread(mpps), spread(cyc),
                      len(mpps))
    u, v = cols["upstream"], cols["vxpath"]
    lines.append("  %-22s %10s %10s %16s" %
                 ("", "upstream", "vxpath", "vxpath/upstream"))
    lines.append("  %-22s %10s %10s %16s" %
                 ("runs completed", u[4], v[4], ""))
    lines.append("  %-22s %10s %10s %16s" %
                 ("Mpps (median)", fmt(u[0]), fmt(v[0]),
                  fmt(ratio(u[0], v[0]))))
    lines.append("  %-22s %10s %10s %16s" %
                 ("cycles/pkt (median)", fmt(u[1], 1), fmt(v[1], 1),
                  fmt(ratio(u[1], v[1]))))
    lines.append("  %-22s %10s %10s" %
                 ("Mpps spread max/min", fmt(u[2]), fmt(v[2])))
    lines.append("  %-22s %10s %10s" %
                 ("cycles spread max/min", fmt(u[3]), fmt(v[3])))
    for side, c in (("upstream", u), ("vxpath", v)):
        wide = [w for w, s in (("Mpps", c[2]), ("cycles/pkt", c[3]))
                if s is not None and s > SPREAD_LIMIT]
        if wide:
            lines.append("  %s %s: spread too wide to trust (max/min > %.1f)"
                         % (side, " and ".join(wide), SPREAD_LIMIT))
    lines.append("  per run, Mpps: upstream %s; vxpath %s" % (
        " ".join(fmt(r[0]) if r else "fail" for r in res["upstream"]),
        " ".join(fmt(r[0]) if r else "fail" for r in res["vxpath"])))
    return lines, cols


def main():
    ap = argparse.ArgumentParser(
        description="vxpath vs upstream net_virtio_user against net_vhost")
    ap.add_argument("--pairs", type=int, default=5,
                    help="upstream/vxpath pairs per case (default 5)")
    ap.add_argument("--seconds", type=float, default=10,
                    help="measurement window in seconds (default 10)")
    ap.add_argument("--warmup", type=float, default=2,
                    help="seconds of forwarding before the window "
                    "(default 2)")
    ap.add_argument("--cases", default="all",
                    help="comma-separated RING-BYTES-Nq names or 'all' "
                    "(%s)" % ",".join(ALL_CASES))
    ap.add_argument("--build-dir", default=os.path.join(REPO, "build"),
                    help="build directory holding the plugin (default "
                    "build/)")
    ap.add_argument("--plugin", help="an already staged plugin: skip "
                    "staging")
    ap.add_argument("--quick", action="store_true",
                    help="smoke check: 1 pair of case %s, 3 s window" %
                    QUICK_CASE)
    ap.add_argument("--log-dir", help="keep testpmd logs here (default: a "
                    "temporary directory, removed at the end)")
    args = ap.parse_args()

    if args.quick:
        args.pairs = 1
        args.cases = QUICK_CASE
        args.seconds = min(args.seconds, 3)
    try:
        names = ALL_CASES if args.cases == "all" else \
            [c.strip() for c in args.cases.split(",") if c.strip()]
        cases = [(n, parse_case(n)) for n in names]
    except ValueError as e:
        ap.error(str(e))
    if args.pairs < 1 or args.seconds <= 0 or args.warmup < 0:
        ap.error("--pairs >= 1, --seconds > 0, --warmup >= 0")

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

    print("benchmark: %s, plugin %s, %d pair(s), %.0f s window after "
          "%.0f s warm-up, cases %s" %
          (time.strftime("%Y-%m-%d %H:%M:%S %Z"), plugin, args.pairs,
           args.seconds, args.warmup, ",".join(n for n, _ in cases)),
          flush=True)
    failed = 0
    summary = []
    seq = 0
    try:
        for name, case in cases:
            res = {"upstream": [], "vxpath": []}
            for i in range(args.pairs):
                for side in ("upstream", "vxpath"):
                    seq += 1
                    try:
                        r = one_run(side, case, args, plugin, work, seq)
                    except (TestPmdError, RuntimeError, OSError) as e:
                        failed += 1
                        r = None
                        print("  %s pair %d %s: run failed: %s" %
                              (name, i + 1, side,
                               str(e).splitlines()[0] if str(e) else e),
                              flush=True)
                    else:
                        print("  %s pair %d %-8s %7.3f Mpps  %s cycles/pkt"
                              % (name, i + 1, side, r[0], fmt(r[1], 1)),
                              flush=True)
                    res[side].append(r)
            lines, cols = case_table(name, res)
            print("\n".join(lines) + "\n", flush=True)
            summary.append((name, cols))
    except Interrupted as e:
        print("benchmark: interrupted (%s), cleaning up" % e,
              file=sys.stderr)
        kill_all()
        return 130
    finally:
        kill_all()
        if not keep_logs:
            shutil.rmtree(work, ignore_errors=True)

    print("summary (medians; ratio = vxpath/upstream; spread = max/min "
          "of Mpps)")
    hdr = "%-17s %9s %9s %6s %9s %9s %6s %7s %7s" % (
        "case", "Mpps up", "Mpps vx", "ratio", "cyc up", "cyc vx",
        "ratio", "spr up", "spr vx")
    print(hdr)
    for name, cols in summary:
        u, v = cols["upstream"], cols["vxpath"]
        print("%-17s %9s %9s %6s %9s %9s %6s %7s %7s" % (
            name, fmt(u[0]), fmt(v[0]), fmt(ratio(u[0], v[0])),
            fmt(u[1], 1), fmt(v[1], 1), fmt(ratio(u[1], v[1])),
            fmt(u[2]), fmt(v[2])))
    if failed:
        print("benchmark: %d run(s) failed" % failed, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
