#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The gateway's fast path beside DPDK's l3fwd example (LPM mode), on the
# same ports and cores (issue 17). What it measures: forwarded Mpps of
# 64-byte UDP/IPv4 frames (60 bytes and the FCS) through one forwarding
# core, for three contenders taken in turn, round after round:
#
#   l3fwd        the l3fwd example of the installed DPDK (Debian's
#                dpdk-doc, /usr/share/dpdk/examples/l3fwd), built here
#                once with pkg-config libdpdk, --lookup=lpm with its
#                built-in routes (198.18.N.0/24 to port N), --parse-ptype
#                (virtio-user gives no packet types); the copy built here
#                asks for no Rx checksum offloads (the example asks every
#                port for them, no virtio port has them, its LPM path
#                does not read them): the only change;
#   gateway      app/vxpath-gateway in a private network namespace, net_tap
#                twins, the kernel holding 10 000 IPv4 routes and 1 000
#                IPv6 routes through the egress port's twin (ip -batch; a
#                permanent neighbour as next hop) and l3fwd's route for the
#                traffic (198.18.1.0/24), all mirrored (telemetry
#                /vxpath_gw/fib) before the first frame;
#   gateway+punt the same, the offered stream carrying one frame in
#                --punt-every that the gateway hands to the kernel (an ICMP
#                echo request to dp0's own address, which the kernel
#                answers back through the twin), so that the exception path
#                is busy while the fast path is measured.
#
# How: the generator is a dpdk-testpmd (forwarding on core 0) with four
# ports in io forwarding, --port-topology=paired: net_pcap0 replays a pcap
# written here (infinite_rx) into net_vhost0; what comes back on
# net_vhost1 goes to net_null0 (no-rx). The contender (forwarding on
# core 1) has two vxpath virtio-user ports, 0 on net_vhost0 and 1 on
# net_vhost1; the frames go to 198.18.1.1-254, so both contenders send
# them out of port 1. Forwarded Mpps is the generator's net_vhost1 RX over
# a --seconds window, after --warmup; "offered" is what the generator read
# from the pcap meanwhile: the contender, not the generator, is the
# bottleneck when offered > forwarded (the generator drops what net_vhost0
# refuses, which costs it less than sending, so offered grows as the
# contender slows down). Each run starts fresh processes; a round runs
# the three contenders one after the other, each round starting with the
# next one (l3fwd first, then gateway first, ...), --rounds rounds. The
# table gives medians, min-max, and the median of the per-round ratios to
# that round's l3fwd figure; then the two goals: gateway+punt
# >= 0.9x l3fwd, and gateway+punt >= (1 - punted share) x gateway (the
# punt path slows the fast path by no more than its packets' share). A
# contender whose max/min Mpps is above 1.3 is flagged: the machine was
# busy (the load average is printed before and after). "contender-bound"
# counts the runs where offered exceeded forwarded by more than 2%: in
# the others the generator set the rate, and a contender that keeps up
# with the generator shows the generator's figure, not its own (a ratio
# near 1 then says "as fast as the generator", no more).
#
# Cores: the generator is testpmd -l 0,1 --main-lcore 1 (forwarding on
# CPU 0); l3fwd runs with -l 1, the gateway with --lcores 0@1,1@1 (its
# main lcore, which wakes for links and for the TAP's SIGIO, shares CPU 1
# with its forwarding lcore), so that everything a contender does is on
# CPU 1 and nothing of it on the generator's CPU.
#
# Limits: one machine, two cores, shared: the generator and the contender
# each own one core, but the kernel (the gateway's TAPs, the netlink
# thread, other engineers' idle VMs) takes its time where it finds it, so
# the figures are of this machine's moment (medians of alternated runs,
# not a capacity). Virtio-user/vhost-user ports cost far more per frame
# than a NIC's, which dilutes the difference between the contenders'
# lookups. l3fwd has 16 routes, the gateway 11 000 and a neighbour table;
# both look up the same destinations. l3fwd checks less than the gateway
# (no TTL or destination MAC check, no punt path, no RCU quiescent state).
# The net_tap twins make every punted frame a write() into the kernel on
# the forwarding core, where a vhost-net twin would hand it to a vhost
# thread: the punt figures are a worst case for the exception path's cost.
#
# Usage: devtools/gateway-bench.py [--rounds N] [--seconds S] [--warmup S]
#            [--punt-every N] [--build-dir D] [--scratch D] [--log-dir D]
#            [--no-lock]
# It installs nothing: it names what is missing and stops. It takes
# /run/vxpath-suite.lock (flock) for the whole run, so that it does not
# overlap with other DPDK runs on the machine (--no-lock when the caller
# holds it). Every process, namespace, socket and hugepage file it makes
# is removed at the end, on SIGINT and on SIGTERM. Exit status: 0 when
# every run gave its figure, 1 when some did not (the table still prints,
# with n/a), 2 for a usage or set-up error.

import argparse
import fcntl
import glob
import json
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "test", "integration"))

from testpmd import TestPmd, TestPmdError, kill_all  # noqa: E402

L3FWD_SRC = "/usr/share/dpdk/examples/l3fwd"
L3FWD_FILES = ("main.c", "l3fwd_acl.c", "l3fwd_lpm.c", "l3fwd_fib.c",
               "l3fwd_em.c", "l3fwd_event.c", "l3fwd_event_generic.c",
               "l3fwd_event_internal_port.c")
LOCK = "/run/vxpath-suite.lock"
CONTENDERS = ("l3fwd", "gateway", "gateway+punt")

# Addresses. The contender's ports have fixed MACs; the generator's side
# is the "next hop" of both contenders.
DUT_MAC = ("02:00:00:00:00:10", "02:00:00:00:00:11")
GEN_MAC = "02:00:00:00:01:00"
NH_MAC = "02:00:00:00:01:01"
DP0_ADDR, GEN0_ADDR = "10.0.0.1", "10.0.0.2"
DP1_ADDR, NH4 = "10.1.0.1", "10.1.0.2"
DP1_ADDR6, NH6 = "fd00:1::1", "fd00:1::2"
TRAFFIC_NET = "198.18.1.0/24"	# l3fwd's built-in route to port 1
ROUTES4, ROUTES6 = 10000, 1000


class Interrupted(Exception):
    pass


def _on_signal(signum, frame):
    raise Interrupted("signal %d" % signum)


def say(msg):
    print("gateway-bench: %s" % msg, flush=True)


# --- what must be there ----------------------------------------------------

def pmd_present(name):
    return bool(glob.glob("/usr/lib/*/dpdk/pmds-*/librte_net_%s.so*" % name))


def missing_things(args):
    """What the run needs and the machine lacks, as (what, how) pairs."""
    miss = []
    if not os.path.isdir(L3FWD_SRC):
        miss.append(("l3fwd's source (%s)" % L3FWD_SRC,
                     "apt-get install dpdk-doc"))
    for prog, pkg in (("dpdk-testpmd", "dpdk"), ("pkg-config", "pkg-config"),
                      ("cc", "gcc"), ("ip", "iproute2"), ("flock",
                                                           "util-linux")):
        if shutil.which(prog) is None:
            miss.append((prog, "apt-get install %s" % pkg))
    if shutil.which("pkg-config") and subprocess.run(
            ["pkg-config", "--exists", "libdpdk"]).returncode != 0:
        miss.append(("libdpdk.pc", "apt-get install libdpdk-dev"))
    for pmd in ("vhost", "pcap", "null", "tap"):
        if not pmd_present(pmd):
            miss.append(("DPDK's net_%s PMD" % pmd,
                         "apt-get install librte-net-%s23 (or dpdk)" % pmd))
    gwbin = os.path.join(args.build_dir, "app", "vxpath-gateway",
                         "vxpath-gateway")
    if not os.access(gwbin, os.X_OK):
        miss.append((gwbin, "meson setup %s && ninja -C %s" %
                     (args.build_dir, args.build_dir)))
    if not os.path.exists("/dev/net/tun"):
        miss.append(("/dev/net/tun (net_tap twins)", "modprobe tun"))
    try:
        with open("/proc/sys/vm/nr_hugepages") as f:
            if int(f.read()) < 512:
                miss.append(("512 hugepages at least",
                             "echo 1024 > /proc/sys/vm/nr_hugepages"))
    except OSError:
        pass
    return miss


def build_l3fwd(scratch):
    """Build l3fwd into @scratch once; rebuilt when the installed DPDK or
    the example's source changes. Return its path."""
    ver = subprocess.run(["pkg-config", "--modversion", "libdpdk"],
                         stdout=subprocess.PIPE, text=True,
                         check=True).stdout.strip()
    srcs = [os.path.join(L3FWD_SRC, f) for f in L3FWD_FILES]
    stamp = "%s %d rx-offloads-0" % (
        ver, max(int(os.stat(s).st_mtime) for s in srcs))
    exe = os.path.join(scratch, "l3fwd")
    stamp_file = exe + ".stamp"
    if os.access(exe, os.X_OK) and os.path.exists(stamp_file):
        with open(stamp_file) as f:
            if f.read() == stamp:
                return exe
    os.makedirs(scratch, exist_ok=True)
    say("building l3fwd (DPDK %s) into %s" % (ver, scratch))
    # A copy of the example, one change: it asks every port for Rx
    # checksum offloads, which no virtio port has; the copy asks for none
    # (the LPM path does not read the checksum flags).
    src = os.path.join(scratch, "src")
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(L3FWD_SRC, src)
    main_c = os.path.join(src, "main.c")
    with open(main_c) as f:
        text = f.read()
    want = ".offloads = RTE_ETH_RX_OFFLOAD_CHECKSUM,"
    if text.count(want) != 1:
        raise RuntimeError("%s: not the l3fwd this script knows (no single "
                           "'%s')" % (main_c, want))
    with open(main_c, "w") as f:
        f.write(text.replace(want, ".offloads = 0,"))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libdpdk"],
                           stdout=subprocess.PIPE, text=True,
                           check=True).stdout.split()
    # The example's own Makefile flags: -O3, experimental API, ../common.
    cmd = ["cc", "-O3", "-DALLOW_EXPERIMENTAL_API",
           "-I" + os.path.join(os.path.dirname(L3FWD_SRC), "common")] + \
        [os.path.join(src, f) for f in L3FWD_FILES] + ["-o", exe] + flags
    out = subprocess.run(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    if out.returncode != 0:
        raise RuntimeError("l3fwd build failed:\n%s" % out.stdout[-3000:])
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return exe


def stage_plugin(build_dir):
    env = dict(os.environ)
    env.setdefault("VXPATH_PLUGIN_DIR", "/run/vxpath-gwbench/plugins")
    out = subprocess.run([os.path.join(REPO, "devtools", "stage-plugin.sh"),
                          build_dir], stdout=subprocess.PIPE, text=True,
                         env=env)
    if out.returncode != 0:
        raise RuntimeError("cannot stage the plugin from %s" % build_dir)
    return out.stdout.strip().splitlines()[-1]


# --- the offered frames ----------------------------------------------------

def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def ip4_bytes(a):
    return socket.inet_aton(a)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ipv4_frame(dst, proto, l4):
    """A 60-byte frame (64 with the FCS) to @dst from the generator."""
    total = 20 + len(l4)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, proto, 0,
                      ip4_bytes(GEN0_ADDR), ip4_bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    frame = mac_bytes(DUT_MAC[0]) + mac_bytes(GEN_MAC) + b"\x08\x00" + \
        hdr + l4
    return frame.ljust(60, b"\0")


def udp_frame(dst):
    payload = b"\0" * 18
    return ipv4_frame(dst, 17, struct.pack("!HHHH", 1024, 1024,
                                           8 + len(payload), 0) + payload)


def echo_frame(seq):
    body = struct.pack("!BBHHH", 8, 0, 0, 0x6777, seq) + b"\0" * 10
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    return ipv4_frame(DP0_ADDR, 1, body)


def write_pcap(path, punt_every):
    """Frames to 198.18.1.1-254 in turn; with @punt_every, one frame in
    @punt_every is an echo request to dp0's address instead. Return the
    number of frames."""
    frames = []
    n = punt_every if punt_every else 254
    for i in range(n):
        if punt_every and i == n - 1:
            frames.append(echo_frame(i & 0xffff))
        else:
            frames.append(udp_frame("198.18.1.%d" % (i % 254 + 1)))
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for fr in frames:
            f.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)) + fr)
    return len(frames)


# --- the processes ---------------------------------------------------------

def cleanup_prefix(prefix):
    for f in glob.glob("/dev/hugepages/%smap_*" % prefix):
        try:
            os.unlink(f)
        except OSError:
            pass
    shutil.rmtree("/var/run/dpdk/%s" % prefix, ignore_errors=True)


class Proc:
    """A contender (l3fwd or the gateway), its output in a log file."""

    def __init__(self, argv, log, prefix):
        self.log = log
        self.prefix = prefix
        self.logf = open(log, "w")
        self.logf.write("### %s\n" % " ".join(argv))
        self.logf.flush()
        self.p = subprocess.Popen(argv, stdout=self.logf,
                                  stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def wait_for(self, what, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if what in self.text():
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("%s not seen in %s:\n%s" %
                           (what, self.log, self.text()[-2000:]))

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGINT)
            try:
                self.p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.logf.close()
        cleanup_prefix(self.prefix)


def telemetry(prefix, cmd):
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.connect(path)
        s.recv(4096)
        s.send(cmd.encode())
        return json.loads(s.recv(1 << 20).decode()).get(cmd.split(",")[0])
    finally:
        s.close()


def ns_run(ns, argv):
    out = subprocess.run(["ip", "netns", "exec", ns] + argv,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True)
    if out.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(argv), out.stdout[-1000:]))
    return out


def kernel_routes(ns, work):
    """The namespace's addresses, neighbours and routes, through the TAPs
    dp0 and dp1 the gateway made."""
    lines = [
        "link set lo up",
        "address add %s/24 dev dp0" % DP0_ADDR,
        "address add %s/24 dev dp1" % DP1_ADDR,
        "address add %s/64 dev dp1 nodad" % DP1_ADDR6,
        "neigh replace %s lladdr %s dev dp0 nud permanent" %
        (GEN0_ADDR, GEN_MAC),
        "neigh replace %s lladdr %s dev dp1 nud permanent" % (NH4, NH_MAC),
        "neigh replace %s lladdr %s dev dp1 nud permanent" % (NH6, NH_MAC),
        "route add %s via %s dev dp1" % (TRAFFIC_NET, NH4),
    ]
    for i in range(ROUTES4):	# 100.64.0.0/24, 100.64.1.0/24, ...
        lines.append("route add 100.%d.%d.0/24 via %s dev dp1" %
                     (64 + i // 256, i % 256, NH4))
    for i in range(ROUTES6):	# 2001:db8:0::/48, 2001:db8:1::/48, ...
        lines.append("route add 2001:db8:%x::/48 via %s dev dp1" %
                     (i, NH6))
    batch = os.path.join(work, "routes.batch")
    with open(batch, "w") as f:
        f.write("\n".join(lines) + "\n")
    ns_run(ns, ["ip", "-batch", batch])


def wait_mirrored(prefix, timeout=30):
    """Wait until /vxpath_gw/fib has every route; return its reply."""
    end = time.monotonic() + timeout
    fib = {}
    while time.monotonic() < end:
        try:
            fib = telemetry(prefix, "/vxpath_gw/fib") or {}
        except OSError:
            fib = {}
        if fib.get("routes4", 0) >= ROUTES4 + 1 and \
           fib.get("routes6", 0) >= ROUTES6:
            return fib
        time.sleep(0.2)
    raise RuntimeError("the fast path's tables did not mirror the kernel's "
                       "within %ds: %s" % (timeout, fib))


def one_run(contender, args, ctx, seq):
    """One measurement. Return a dict: mpps, offered, and for the gateway
    punted (share of its RX) and from_kernel; raises on a set-up error."""
    pid = os.getpid()
    work = ctx["work"]
    socks = [os.path.join(work, "vhost%d-%d.sock" % (seq, i))
             for i in range(2)]
    pcap = ctx["pcap_punt"] if contender == "gateway+punt" else \
        ctx["pcap"]
    log = os.path.join(args.log_dir, "run%02d-%s" %
                       (seq, contender.replace("+", "-")))
    gen_prefix = "gwbgen%d" % pid
    dut_prefix = "gwbdut%d" % pid
    gen = TestPmd("generator", [
        "-l", "0,1", "--main-lcore", "1",
        "--file-prefix", gen_prefix, "--single-file-segments", "--no-pci",
        "--log-level=lib.vhost.*:notice",
        "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap,
        "--vdev", "net_vhost0,iface=%s" % socks[0],
        "--vdev", "net_vhost1,iface=%s" % socks[1],
        "--vdev", "net_null0,no-rx=1",
    ], ["--port-topology=paired", "--forward-mode=io",
        "--total-num-mbufs=32768", "--no-flush-rx"],
        log_path=log + "-gen.log")
    ns = None
    dut = None
    eal = ["-l", "0,1", "--file-prefix", dut_prefix,
           "--single-file-segments", "--no-pci", "-d", ctx["plugin"],
           "--vdev", "net_vxpath0,path=%s,mac=%s" % (socks[0], DUT_MAC[0]),
           "--vdev", "net_vxpath1,path=%s,mac=%s" % (socks[1], DUT_MAC[1])]
    try:
        gen.start()
        info = gen.port_info(1).get("Driver name")
        if info != "net_vhost":
            raise RuntimeError("generator port 1 is %r, not net_vhost" %
                               info)
        if contender == "l3fwd":
            # One lcore, the forwarding one: l3fwd wants a Tx queue per
            # lcore, the ports have one queue pair.
            dut = Proc([ctx["l3fwd"]] + ["-l", "1"] + eal[2:] + [
                "--", "-p", "0x3", "--lookup=lpm", "--parse-ptype",
                "--config=(0,0,1),(1,0,1)",
                "--eth-dest=0,%s" % GEN_MAC, "--eth-dest=1,%s" % NH_MAC],
                log + "-dut.log", dut_prefix)
            dut.wait_for("entering main loop on lcore 1", 60)
        else:
            ns = "gwbench%d" % pid
            subprocess.run(["ip", "netns", "add", ns], check=True)
            ctx["ns"] = ns
            # Both lcores on CPU 1: the main one (links, and the TAP's
            # SIGIO when the kernel answers) too, so that all the
            # gateway's work is on the contender's core, none on the
            # generator's.
            dut = Proc(["ip", "netns", "exec", ns, ctx["gateway"]] +
                       ["--lcores", "0@1,1@1"] + eal[2:] + [
                "--", "--twin-driver", "net_tap",
                "--twin-devargs", "iface=%t,mac=%m"],
                log + "-dut.log", dut_prefix)
            dut.wait_for("gateway: ready", 60)
            kernel_routes(ns, work)
            fib = wait_mirrored(dut_prefix)
            # Through the gateway's own file description (its stdout):
            # the same offset, nothing written over.
            dut.logf.write("### /vxpath_gw/fib before the window: %s\n" %
                           json.dumps(fib))
            dut.logf.flush()
        gen.cmd("start")
        time.sleep(args.warmup)
        g1 = (gen.port_stats(0), gen.port_stats(2))
        d1 = telemetry(dut_prefix, "/vxpath_gw/stats,0") if ns else None
        t1 = time.monotonic()
        time.sleep(args.seconds)
        g2 = (gen.port_stats(0), gen.port_stats(2))
        d2 = telemetry(dut_prefix, "/vxpath_gw/stats,0") if ns else None
        t2 = time.monotonic()
        gen.cmd("stop")
        dt = t2 - t1
        res = {
            "mpps": (g2[1]["rx_packets"] - g1[1]["rx_packets"]) / dt / 1e6,
            "offered": (g2[0]["rx_packets"] - g1[0]["rx_packets"]) / dt /
            1e6,
        }
        if d1 and d2:
            rx = d2["rx"] - d1["rx"]
            res["punted"] = (d2["to_kernel"] - d1["to_kernel"]) / rx \
                if rx else 0.0
            res["from_kernel"] = d2["from_kernel"] - d1["from_kernel"]
            res["gw_fwd"] = d2["forwarded"] - d1["forwarded"]
            res["gw_rx"] = rx
        gen.quit()
        return res
    finally:
        if dut is not None:
            dut.stop()
        gen.close()
        if ns is not None:
            subprocess.run(["ip", "netns", "del", ns])
            ctx["ns"] = None
        for s in socks:
            if os.path.exists(s):
                os.unlink(s)
        cleanup_prefix(gen_prefix)


# --- figures ---------------------------------------------------------------

def fmt(x, digits=2):
    return "n/a" if x is None else "%.*f" % (digits, x)


def table(results, rounds):
    """Lines of the table; @results: {contender: [res or None per round]}."""
    lines = []
    head = ("contender", "Mpps median", "min-max", "ratio to l3fwd",
            "offered Mpps", "contender-bound", "punted share")
    rows = [head]
    base = results["l3fwd"]
    for c in CONTENDERS:
        runs = results[c]
        mpps = [r["mpps"] for r in runs if r]
        ratios = [r["mpps"] / b["mpps"] for r, b in zip(runs, base)
                  if r and b and b["mpps"] > 0]
        offered = [r["offered"] for r in runs if r]
        punted = [r["punted"] for r in runs if r and "punted" in r]
        rows.append((
            c,
            fmt(statistics.median(mpps)) if mpps else "n/a",
            "%s-%s" % (fmt(min(mpps)), fmt(max(mpps))) if mpps else "n/a",
            fmt(statistics.median(ratios)) if ratios else "n/a",
            fmt(statistics.median(offered)) if offered else "n/a",
            "%d/%d" % (sum(1 for r in runs if r and
                           r["offered"] > 1.02 * r["mpps"]), len(mpps)),
            ("%.2f%%" % (100 * statistics.median(punted))) if punted
            else "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    sep = "  ".join("=" * w for w in widths)
    lines.append(sep)
    for i, r in enumerate(rows):
        lines.append("  ".join(x.ljust(w) for x, w in
                               zip(r, widths)).rstrip())
        if i == 0:
            lines.append(sep)
    lines.append(sep)
    return lines


def verdicts(results, punt_every):
    """The issue's two goals, from the per-round ratios."""
    out = []
    spreads = []
    for c in CONTENDERS:
        mpps = [r["mpps"] for r in results[c] if r]
        if len(mpps) > 1 and min(mpps) > 0 and max(mpps) / min(mpps) > 1.3:
            spreads.append(c)
    if spreads:
        out.append("spread too wide to trust (max/min > 1.3): %s; the "
                   "machine was busy, run again" % ", ".join(spreads))
    gw = [r["mpps"] / b["mpps"] for r, b in
          zip(results["gateway+punt"], results["l3fwd"])
          if r and b and b["mpps"] > 0]
    if gw:
        m = statistics.median(gw)
        out.append("goal 1, >= 0.9x l3fwd while the exception path serves "
                   "traffic: %.2fx, %s" % (m, "met" if m >= 0.9 else
                                           "not met"))
    pr = [p["mpps"] / g["mpps"] for p, g in
          zip(results["gateway+punt"], results["gateway"])
          if p and g and g["mpps"] > 0]
    shares = [r["punted"] for r in results["gateway+punt"]
              if r and "punted" in r]
    if pr and shares:
        m, share = statistics.median(pr), statistics.median(shares)
        out.append("goal 2, the punt path slows the fast path by no more "
                   "than its share (%.2f%%): the fast path kept %.1f%% of "
                   "its rate, %s" % (100 * share, 100 * m,
                                     "met" if m >= 1 - share else "not met"))
    return out


def main():
    ap = argparse.ArgumentParser(
        description="Forwarded Mpps of vxpath-gateway's fast path beside "
        "DPDK's l3fwd (LPM) on the same vhost-user ports and cores, "
        "alternated over rounds; see the header of this file.")
    ap.add_argument("--rounds", type=int, default=5,
                    help="rounds of l3fwd, gateway, gateway+punt "
                    "(default 5)")
    ap.add_argument("--seconds", type=float, default=3,
                    help="measuring window per run (default 3)")
    ap.add_argument("--warmup", type=float, default=1,
                    help="traffic before the window (default 1)")
    ap.add_argument("--punt-every", type=int, default=1000,
                    help="gateway+punt: one frame in N goes to the kernel "
                    "(default 1000)")
    ap.add_argument("--build-dir", default=os.path.join(REPO, "build"),
                    help="vxpath's build directory (default build/)")
    ap.add_argument("--scratch", default=None,
                    help="where l3fwd is built and kept (default "
                    "BUILD_DIR/gwbench)")
    ap.add_argument("--log-dir", help="keep the processes' logs here "
                    "(default: a temporary directory, removed)")
    ap.add_argument("--no-lock", action="store_true",
                    help="do not take %s (the caller holds it)" % LOCK)
    args = ap.parse_args()
    if args.rounds < 1 or args.seconds <= 0 or args.warmup < 0 or \
       args.punt_every < 2:
        ap.error("--rounds >= 1, --seconds > 0, --warmup >= 0, "
                 "--punt-every >= 2")
    if os.geteuid() != 0:
        print("gateway-bench: run as root (hugepages, namespaces)",
              file=sys.stderr)
        return 2
    args.build_dir = os.path.abspath(args.build_dir)
    miss = missing_things(args)
    if miss:
        for what, how in miss:
            print("gateway-bench: missing %s: %s" % (what, how),
                  file=sys.stderr)
        return 2
    scratch = args.scratch or os.path.join(args.build_dir, "gwbench")
    work = tempfile.mkdtemp(prefix="gwbench-")
    keep_logs = args.log_dir is not None
    if not keep_logs:
        args.log_dir = work
    os.makedirs(args.log_dir, exist_ok=True)
    ctx = {"work": work, "ns": None}
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    lockf = None
    results = {c: [] for c in CONTENDERS}
    failed = 0
    try:
        ctx["l3fwd"] = build_l3fwd(scratch)
        ctx["plugin"] = stage_plugin(args.build_dir)
        ctx["gateway"] = os.path.join(args.build_dir, "app",
                                      "vxpath-gateway", "vxpath-gateway")
        ctx["pcap"] = os.path.join(work, "fast.pcap")
        ctx["pcap_punt"] = os.path.join(work, "punt.pcap")
        write_pcap(ctx["pcap"], 0)
        write_pcap(ctx["pcap_punt"], args.punt_every)
        if not args.no_lock:
            lockf = open(LOCK, "a")
            say("waiting for %s" % LOCK)
            fcntl.flock(lockf, fcntl.LOCK_EX)
        say("load average before: %.2f %.2f %.2f" % os.getloadavg())
        seq = 0
        for rnd in range(args.rounds):
            # Each round starts with the next contender: none is always
            # the first or the last of a round.
            k = rnd % len(CONTENDERS)
            for c in CONTENDERS[k:] + CONTENDERS[:k]:
                seq += 1
                try:
                    r = one_run(c, args, ctx, seq)
                except (TestPmdError, RuntimeError, OSError,
                        subprocess.CalledProcessError) as e:
                    say("round %d, %s: failed: %s" % (rnd + 1, c, e))
                    r = None
                    failed += 1
                results[c].append(r)
                if r:
                    extra = ""
                    if "punted" in r:
                        extra = ", punted %.3f%% of RX, %d answers from " \
                            "the kernel" % (100 * r["punted"],
                                            r["from_kernel"])
                    say("round %d, %-12s %6.3f Mpps (offered %.3f)%s" %
                        (rnd + 1, c, r["mpps"], r["offered"], extra))
    except Interrupted as e:
        say("interrupted (%s)" % e)
        failed += 1
    except RuntimeError as e:
        print("gateway-bench: %s" % e, file=sys.stderr)
        return 2
    finally:
        kill_all()
        if ctx.get("ns"):
            subprocess.run(["ip", "netns", "del", ctx["ns"]])
        if lockf is not None:
            lockf.close()
        if not keep_logs:
            shutil.rmtree(work, ignore_errors=True)
        elif work != args.log_dir:
            shutil.rmtree(work, ignore_errors=True)
    say("load average after: %.2f %.2f %.2f" % os.getloadavg())
    print()
    print("64-byte UDP/IPv4 frames, %d rounds of %gs windows; gateway: "
          "%d IPv4 and %d IPv6 routes; gateway+punt: 1 frame in %d to the "
          "kernel" % (args.rounds, args.seconds, ROUTES4, ROUTES6,
                      args.punt_every))
    print("\n".join(table(results, args.rounds)))
    print("\n".join(verdicts(results, args.punt_every)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
