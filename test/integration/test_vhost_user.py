# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# vxpath against a real vhost-user back-end: DPDK's net_vhost (librte_vhost)
# in a second testpmd process, listening on a Unix socket (server mode);
# vxpath connects to it as the client. Covered: probe and driver identity,
# io forwarding in both directions with counters that agree on both sides
# (also with other queue sizes, without mergeable Rx buffers or in-order,
# with 1500-byte frames, frames in two mbufs and frames larger than one Rx
# buffer), port stop/start cycles without leaking file descriptors, close
# and quit, a back-end killed under traffic, and devargs refused at probe
# with a log line naming the devarg.
#
# With VXPATH_TEST_UPSTREAM=1 the traffic tests also run against DPDK's own
# net_virtio_user (no -d), which validates the harness itself.
#
# Multi-queue and the control virtqueue (cq=1, at the end): queues=2 and 4
# carry traffic on every queue both ways; a port configured with fewer
# queues than queues= uses only those; promiscuous and all-multicast mode,
# MAC address, MAC table and VLAN filter commands succeed with cq=1 and are
# refused as unsupported without it.

import os
import re
import time

import pytest

# Packets testpmd's `start tx_first` injects (its default burst); io
# forwarding then keeps exactly these circulating between the two ports.
BURST = 32
# How far the two sides' counters may differ: packets still in a ring when
# forwarding stops, plus those left over from a previous round in the
# front-end's Rx ring (a few bursts).
SLACK = 4 * BURST
# Seconds of forwarding per round.
TRAFFIC_SECONDS = 3
# A working loop makes many round trips in TRAFFIC_SECONDS, even on a slow,
# shared machine; fewer means packets got lost and the loop died.
MIN_PACKETS = 100 * BURST
# testpmd's default frames in io forwarding: 64 bytes, forwarded unchanged.
FRAME_BYTES = 64
# Stop/start cycles in the cycle test.
CYCLES = 3

# Keep the mbuf pools small: the machine's hugepages are shared.
APP_ARGS = ["--total-num-mbufs=16384"]


class Driver:
    """How to bring up the front-end port with one driver."""

    def __init__(self, ident, vdev, driver_name, eal_extra):
        self.ident = ident
        self.vdev = vdev                  # vdev name given to --vdev
        self.driver_name = driver_name    # "Driver name:" in port info
        self.eal_extra = eal_extra        # e.g. ["-d", plugin]

    def __repr__(self):
        return self.ident


def _driver_ids():
    ids = ["vxpath"]
    if os.environ.get("VXPATH_TEST_UPSTREAM") == "1":
        ids.append("upstream")
    return ids


@pytest.fixture(params=_driver_ids())
def driver(request):
    if request.param == "upstream":
        return Driver("upstream", "net_virtio_user0", "net_virtio_user", [])
    plugin = request.getfixturevalue("vxpath_plugin")
    return Driver("vxpath", "virtio_user0", "net_vxpath", ["-d", plugin])


@pytest.fixture(scope="session")
def vxpath_driver(vxpath_plugin):
    return Driver("vxpath", "virtio_user0", "net_vxpath",
                  ["-d", vxpath_plugin])


_sock_counter = [0]


def _new_sock(run_dir):
    _sock_counter[0] += 1
    path = os.path.join(run_dir, "vh%d.sock" % _sock_counter[0])
    if os.path.exists(path):
        os.unlink(path)
    return path


def _start_backend(spawn, sock, queues=1):
    """net_vhost in server mode on sock, forwarding on lcore 0; with
    queues > 1, that many queue pairs and testpmd queues."""
    pid = os.getpid()
    app = APP_ARGS + (["--rxq=%d" % queues, "--txq=%d" % queues]
                      if queues > 1 else [])
    return spawn("backend", [
        "-l", "0,1", "--main-lcore", "1",
        "--file-prefix", "vxvh%d" % pid,
        "--single-file-segments", "--no-pci",
        "--vdev", "net_vhost0,iface=%s,queues=%d" % (sock, queues),
    ], app)


def _frontend_args(drv, devargs):
    return [
        "-l", "0,1",
        "--file-prefix", "vxfe%d" % os.getpid(),
        "--single-file-segments", "--no-pci",
    ] + drv.eal_extra + ["--vdev", "%s,%s" % (drv.vdev, devargs)]


@pytest.fixture
def backend(spawn, run_dir):
    """(TestPmd, socket path) of a started net_vhost back-end."""
    sock = _new_sock(run_dir)
    be = _start_backend(spawn, sock)
    return be, sock


@pytest.fixture
def pair(spawn, backend, driver):
    """(front-end, back-end): the driver under test connected to
    net_vhost, its port probed and started by testpmd."""
    be, sock = backend
    fe = spawn("frontend", _frontend_args(driver, "path=%s" % sock),
               APP_ARGS)
    info = fe.port_info(0)
    assert info.get("Driver name") == driver.driver_name, \
        "port 0 is not bound to %s: %r\n%s" % (driver.driver_name, info,
                                               fe.tail())
    return fe, be


def _both_tails(fe, be):
    return "\n".join((fe.tail(40), be.tail(40)))


def run_traffic(fe, be, seconds=TRAFFIC_SECONDS):
    """One round of io forwarding: the front-end injects one burst
    (tx_first), both sides forward what they receive. Counters are cleared
    first. Return: (front-end stats, back-end stats) after both stopped."""
    for p in (fe, be):
        p.cmd("clear port stats all")
    be.cmd("start")
    fe.cmd("start tx_first")
    time.sleep(seconds)
    fe.cmd("stop")
    # Let the back-end drain the front-end's Tx ring before it stops.
    time.sleep(0.5)
    be.cmd("stop")
    return fe.port_stats(0), be.port_stats(0)


def check_traffic(fe, be, fs, bs, frame_bytes=FRAME_BYTES, slack=SLACK):
    """Assert that a round moved packets both ways, without errors, and
    that what one side sent is what the other received (frames of
    frame_bytes bytes; up to slack packets may still be in rings)."""
    ctx = "front-end %r\nback-end %r\n%s" % (fs, bs, _both_tails(fe, be))
    assert fs["tx_packets"] > 0, "front-end sent nothing\n" + ctx
    assert bs["rx_packets"] > 0, "back-end received nothing\n" + ctx
    assert bs["tx_packets"] > 0, "back-end sent nothing\n" + ctx
    assert fs["rx_packets"] > 0, "front-end received nothing\n" + ctx
    assert fs["rx_packets"] >= MIN_PACKETS, \
        "forwarding loop died (packets lost?)\n" + ctx
    assert abs(fs["tx_packets"] - bs["rx_packets"]) <= slack, \
        "front-end TX and back-end RX disagree\n" + ctx
    assert abs(bs["tx_packets"] - fs["rx_packets"]) <= slack, \
        "back-end TX and front-end RX disagree\n" + ctx
    for who, s in (("front-end", fs), ("back-end", bs)):
        for k in ("rx_errors", "tx_errors", "rx_missed", "rx_nombuf"):
            assert s[k] == 0, "%s %s = %d\n%s" % (who, k, s[k], ctx)
        for d in ("rx", "tx"):
            assert s[d + "_bytes"] == frame_bytes * s[d + "_packets"], \
                "%s %s bytes are not %d per packet\n%s" % (
                    who, d, frame_bytes, ctx)


def quit_cleanly(p):
    status = p.quit()
    assert status == 0 and p.signalstatus is None, \
        "%s: exit status %s, signal %s\n%s" % (p.name, status,
                                               p.signalstatus, p.tail())


def test_port_info(pair, driver):
    fe, be = pair
    info = fe.port_info(0)
    assert info.get("Link status") == "up", "%r\n%s" % (info, fe.tail())
    assert re.match(r"^([0-9A-F]{2}:){5}[0-9A-F]{2}$",
                    info.get("MAC address", "")), info
    assert info.get("Current number of RX queues") == "1", info
    assert info.get("Current number of TX queues") == "1", info
    quit_cleanly(fe)


def test_explicit_driver_name(spawn, backend, vxpath_driver):
    """--vdev net_vxpath0 binds vxpath by its canonical name."""
    be, sock = backend
    drv = Driver("vxpath", "net_vxpath0", "net_vxpath",
                 vxpath_driver.eal_extra)
    fe = spawn("frontend", _frontend_args(drv, "path=%s" % sock), APP_ARGS)
    info = fe.port_info(0)
    assert info.get("Driver name") == "net_vxpath", "%r\n%s" % (info,
                                                               fe.tail())
    assert info.get("Link status") == "up", "%r\n%s" % (info, fe.tail())
    quit_cleanly(fe)


def test_traffic(pair):
    fe, be = pair
    fs, bs = run_traffic(fe, be)
    check_traffic(fe, be, fs, bs)
    quit_cleanly(fe)


# (id, devargs beyond path=, testpmd `set txpkts` segment sizes)
VARIANTS = [
    ("queue_size64", "queue_size=64", [64]),
    ("queue_size1024", "queue_size=1024", [64]),
    ("mrg_rxbuf0", "mrg_rxbuf=0", [64]),
    ("in_order0", "in_order=0", [64]),
    ("frame1500", "", [1500]),
    ("frame1500_2segs", "", [1000, 500]),
    ("mrg_rxbuf0_frame1500", "mrg_rxbuf=0", [1500]),
    ("frame3000_merged", "", [2000, 1000]),
    ("mrg_rxbuf0_in_order0", "mrg_rxbuf=0,in_order=0", [64]),
    # packed rings: every combination of mrg_rxbuf x in_order, and shapes
    ("packed", "packed_vq=1", [64]),
    ("packed_mrg_rxbuf0", "packed_vq=1,mrg_rxbuf=0", [64]),
    ("packed_in_order0", "packed_vq=1,in_order=0", [64]),
    ("packed_mrg_rxbuf0_in_order0", "packed_vq=1,mrg_rxbuf=0,in_order=0",
     [64]),
    ("packed_queue_size64", "packed_vq=1,queue_size=64", [64]),
    ("packed_queue_size1024", "packed_vq=1,queue_size=1024", [64]),
    ("packed_frame1500_2segs", "packed_vq=1", [1000, 500]),
    ("packed_frame3000_merged", "packed_vq=1", [2000, 1000]),
    ("packed_event_idx0", "packed_vq=1,event_idx=0", [64]),
    ("event_idx0", "event_idx=0", [64]),
    # Upstream's vectorized=1: accepted, one INFO line, the scalar path.
    ("vectorized1", "vectorized=1", [64]),
]


@pytest.mark.parametrize("devargs,txpkts", [v[1:] for v in VARIANTS],
                         ids=[v[0] for v in VARIANTS])
def test_traffic_variants(spawn, backend, driver, devargs, txpkts):
    """Traffic with other accepted devargs and other frame shapes (one
    frame in two mbufs on Tx)."""
    be, sock = backend
    args = "path=%s" % sock + ("," + devargs if devargs else "")
    eal = _frontend_args(driver, args)
    if driver.ident == "vxpath":
        eal = eal + ["--log-level=pmd.net.vxpath:info"]
    fe = spawn("frontend", eal, APP_ARGS)
    assert fe.port_info(0).get("Driver name") == driver.driver_name, \
        fe.tail()
    if driver.ident == "vxpath":
        # net_vhost (DPDK's vhost library) offers VIRTIO_F_IN_ORDER (bit
        # 35): negotiated unless in_order=0 says no.
        m = re.search(r"negotiated 0x([0-9a-f]+)", fe.startup_output)
        assert m, fe.startup_output
        in_order = bool(int(m.group(1), 16) & (1 << 35))
        assert in_order == ("in_order=0" not in devargs), m.group(0)
        # ... and VIRTIO_RING_F_INDIRECT_DESC (bit 28): frames of two
        # buffers or more go out through indirect tables.
        assert int(m.group(1), 16) & (1 << 28), m.group(0)
        said = "devarg vectorized=1: vxpath has one scalar datapath"
        assert (said in fe.startup_output) == \
            ("vectorized=1" in devargs), fe.startup_output
    out = fe.cmd("set txpkts %s" % ",".join(str(n) for n in txpkts))
    assert "rror" not in out and "nvalid" not in out, out + fe.tail()
    fs, bs = run_traffic(fe, be)
    check_traffic(fe, be, fs, bs, frame_bytes=sum(txpkts))
    quit_cleanly(fe)


def test_nb_desc_honoured(spawn, backend, vxpath_driver):
    """The ring sizes an application asks for (testpmd --rxd/--txd) are
    honoured, rounded up to a power of two, within the limits the port
    reports (64 to 32768); traffic crosses."""
    be, sock = backend
    fe = spawn("frontend",
               _frontend_args(vxpath_driver, "path=%s" % sock) +
               ["--log-level=pmd.net.vxpath:info"],
               APP_ARGS + ["--rxd=300", "--txd=1024"])
    info = fe.cmd("show port info 0")
    assert re.search(r"Max possible number of RXDs per queue: 32768", info) \
        and re.search(r"Min possible number of RXDs per queue: 64", info), \
        info
    rxq = fe.cmd("show rxq info 0 0")
    assert re.search(r"Number of RXDs: 512\b", rxq), rxq
    txq = fe.cmd("show txq info 0 0")
    assert re.search(r"Number of TXDs: 1024\b", txq), txq
    assert "Rx queue 0: 300 descriptors asked, the ring has 512" in \
        fe.log_text(), fe.tail()
    fs, bs = run_traffic(fe, be)
    check_traffic(fe, be, fs, bs)
    quit_cleanly(fe)


def test_mtu_needs_scatter(spawn, backend, driver):
    """MTU 9000 with 2 KB mbufs needs chains: refused without
    RTE_ETH_RX_OFFLOAD_SCATTER, with a log line saying so."""
    be, sock = backend
    fe = spawn("frontend", _frontend_args(driver, "path=%s" % sock),
               APP_ARGS)
    fe.cmd("port stop 0")
    out = fe.cmd("port config mtu 0 9000")
    assert "fail" in out.lower(), "MTU 9000 accepted without scatter:\n" \
        + out + fe.tail()
    if driver.ident == "vxpath":
        assert "RTE_ETH_RX_OFFLOAD_SCATTER" in fe.log_text(), fe.tail()
    quit_cleanly(fe)


@pytest.mark.parametrize("ring", ["split", "packed"])
def test_jumbo_frames(spawn, backend, driver, ring):
    """9000-byte frames, sent as 5-segment mbuf chains (multi-descriptor
    Tx chains) and received as chains of mergeable Rx buffers, cross both
    ways with exact byte counts; the size xstats see them."""
    be, sock = backend
    extra = ",packed_vq=1" if ring == "packed" else ""
    fe = spawn("frontend", _frontend_args(driver, "path=%s%s" % (sock, extra)),
               APP_ARGS + ["--enable-scatter"])
    fe.cmd("port stop 0")
    out = fe.cmd("port config mtu 0 9000")
    assert "fail" not in out.lower(), out + fe.tail()
    out = fe.cmd("port start 0")
    assert "fail" not in out.lower(), out + fe.tail()
    out = fe.cmd("set txpkts 2000,2000,2000,2000,1000")
    assert "rror" not in out and "nvalid" not in out, out + fe.tail()
    fs, bs = run_traffic(fe, be)
    check_traffic(fe, be, fs, bs, frame_bytes=9000)
    if driver.ident == "vxpath":
        xs = fe.cmd("show port xstats 0")
        big = re.search(r"rx_q0_size_1519_max_packets:\s+(\d+)", xs)
        assert big and int(big.group(1)) >= fs["rx_packets"], xs
    quit_cleanly(fe)


def test_mac_devarg(spawn, backend, driver):
    be, sock = backend
    mac = "02:11:22:33:44:55"
    fe = spawn("frontend", _frontend_args(driver, "path=%s,mac=%s" %
                                          (sock, mac)), APP_ARGS)
    info = fe.port_info(0)
    assert info.get("MAC address", "").lower() == mac, "%r\n%s" % (
        info, fe.tail())
    quit_cleanly(fe)


def mbufs_in_use(p):
    """Mbufs of testpmd's pool(s) not back in the pool or a per-lcore
    cache, from `dump_mempool` (size - common_pool_count -
    total_cache_count, summed over pools). testpmd's command is
    dump_mempool up to DPDK 24.11, `dump mempool` from 25.11 on."""
    out = p.cmd("dump_mempool")
    if "Command not found" in out:
        out = p.cmd("dump mempool")
    sizes = [int(x) for x in re.findall(r"^\s*size=(\d+)", out, re.M)]
    free = [int(x) for x in re.findall(r"common_pool_count=(\d+)", out)]
    cached = [int(x) for x in re.findall(r"total_cache_count=(\d+)", out)]
    assert sizes and len(sizes) == len(free) == len(cached), \
        "cannot read dump_mempool:\n%s" % out
    return sum(sizes) - sum(free) - sum(cached)


def test_stop_start_cycle(pair):
    """port stop / port start, traffic after each restart; fds stable, and
    no mbuf leaked: none in use while the port is stopped, exactly one Rx
    ring's worth (queue_size, 256) after it starts."""
    fe, be = pair
    fds = [fe.fd_count()]
    targets = fe.fd_targets()
    fs, bs = run_traffic(fe, be)
    check_traffic(fe, be, fs, bs)
    for i in range(CYCLES):
        fe.cmd("port stop 0")
        assert mbufs_in_use(fe) == 0, \
            "cycle %d: mbufs still in use with the port stopped\n%s" % (
                i, fe.tail())
        out = fe.cmd("port start 0")
        assert "Fail" not in out and "rror" not in out, \
            "cycle %d: port start said:\n%s\n%s" % (i, out, fe.tail())
        assert fe.port_info(0).get("Link status") == "up", fe.tail()
        assert mbufs_in_use(fe) == 256, \
            "cycle %d: Rx ring not refilled to queue_size" % i
        fs, bs = run_traffic(fe, be)
        check_traffic(fe, be, fs, bs)
        fds.append(fe.fd_count())
    assert len(set(fds)) == 1, \
        "fd count changed across stop/start cycles: %s\nbefore: %s\n" \
        "after: %s" % (fds, targets, fe.fd_targets())
    fe.cmd("port stop 0")
    quit_cleanly(fe)


def test_close_and_quit(pair):
    """port stop, port close: the vhost-user connection is closed, fds are
    released, and testpmd exits 0."""
    fe, be = pair
    fs, bs = run_traffic(fe, be)
    check_traffic(fe, be, fs, bs)
    open_fds = fe.fd_count()
    fe.cmd("port stop 0")
    mark = be.mark()
    out = fe.cmd("port close 0")
    assert "Port 0 is closed" in out, out + fe.tail()
    # The back-end sees the connection go away.
    be.wait_output("vhost peer closed", since=mark, timeout=15)
    closed_fds = fe.fd_count()
    assert closed_fds < open_fds, \
        "port close released no fd (%d before, %d after): %s" % (
            open_fds, closed_fds, fe.fd_targets())
    quit_cleanly(fe)
    quit_cleanly(be)


def test_quit_while_forwarding(pair):
    """quit with traffic running: testpmd stops and closes the port
    itself and exits 0."""
    fe, be = pair
    be.cmd("start")
    fe.cmd("start tx_first")
    time.sleep(1)
    quit_cleanly(fe)
    be.cmd("stop")
    quit_cleanly(be)


def test_backend_killed_while_forwarding(pair):
    """The back-end process dies (SIGKILL) under traffic: the front-end
    keeps running, stops forwarding on request, and quits with 0."""
    fe, be = pair
    be.cmd("start")
    fe.cmd("start tx_first")
    time.sleep(1)
    be.kill()
    time.sleep(1)
    assert fe.alive(), fe.tail()
    fe.cmd("stop")
    fe.port_stats(0)
    quit_cleanly(fe)


# --- devargs refused at probe (vxpath only) --------------------------------

# (id, devargs after path=, key, value) -- value None: the log line must
# name the key only.
PROBE_ERRORS = [
    # queues > 1 needs the control virtqueue (cq=1), as upstream.
    ("queues", "queues=2", "queues", "2"),
    ("server", "server=2", "server", "2"),
    ("reconnect", "reconnect=1s", "reconnect", "1s"),
    # reconnect= is for client mode: a server takes new back-ends anyway.
    ("reconnect_server", "server=1,reconnect=10", "reconnect", "10"),
    ("queue_size", "queue_size=100", "queue_size", "100"),
    ("mac", "mac=zz", "mac", "zz"),
    ("mrg_rxbuf", "mrg_rxbuf=7", "mrg_rxbuf", "7"),
    ("unknown_key", "no_such_devarg=1", "no_such_devarg", None),
]


@pytest.fixture(scope="module")
def probe_backend(tmp_path_factory, run_dir):
    """One net_vhost back-end for all probe-error cases, so that a probe
    fails because of the devarg under test and nothing else."""
    import testpmd
    sock = _new_sock(run_dir)
    logdir = os.environ.get("VXPATH_TEST_LOGDIR") or \
        str(tmp_path_factory.mktemp("probe"))
    os.makedirs(logdir, exist_ok=True)
    pid = os.getpid()
    be = testpmd.TestPmd("probe-backend", [
        "-l", "0,1", "--main-lcore", "1",
        "--file-prefix", "vxvp%d" % pid,
        "--single-file-segments", "--no-pci",
        "--vdev", "net_vhost0,iface=%s,queues=1" % sock,
    ], APP_ARGS, log_path=os.path.join(logdir, "probe-backend.log"))
    try:
        be.start()
        yield be, sock
    finally:
        be.close()


# A line logged by the driver (VXPATH_LOG: "vxpath: <function>(): ..."), as
# opposed to the command line or testpmd repeating the devargs.
_DRIVER_LINE = re.compile(r"(^|\s)vxpath: [A-Za-z_]\w*\(\): ")


def _driver_lines(text):
    return [ln for ln in text.splitlines() if _DRIVER_LINE.search(ln)]


def _probe_refused(spawn, drv, devargs, pattern, what):
    """Start testpmd with a vdev that must be refused; check the log names
    what is at fault, no port exists, and testpmd quits cleanly."""
    fe = spawn("frontend", _frontend_args(drv, devargs), APP_ARGS)
    log = fe.log_text()
    lines = _driver_lines(log)
    assert any(re.search(pattern, ln) for ln in lines), \
        "no vxpath log line names %s (pattern %r)\nvxpath lines:\n%s\n%s" % (
            what, pattern, "\n".join(lines), fe.tail())
    assert fe.port_info(0) == {}, \
        "a port was probed despite %s\n%s" % (what, fe.tail())
    assert "No probed ethernet devices" in log, fe.tail()
    quit_cleanly(fe)
    for bad in ("Segmentation fault", "PANIC", "panic"):
        assert bad not in fe.log_text(), fe.tail()


@pytest.mark.parametrize("devargs,key,value",
                         [c[1:] for c in PROBE_ERRORS],
                         ids=[c[0] for c in PROBE_ERRORS])
def test_probe_error(spawn, vxpath_driver, probe_backend, devargs, key,
                     value):
    be, sock = probe_backend
    if value is None:
        pattern = r"\b%s\b" % re.escape(key)
        what = "devarg %s" % key
    else:
        pattern = r"\b%s=%s(\b|$|[^\w])" % (re.escape(key),
                                             re.escape(value))
        what = "devarg %s=%s" % (key, value)
    _probe_refused(spawn, vxpath_driver, "path=%s,%s" % (sock, devargs),
                   pattern, what)
    assert be.alive(), be.tail()


def test_probe_error_no_path(spawn, vxpath_driver):
    _probe_refused(spawn, vxpath_driver, "queues=1", r"\bpath\b",
                   "the missing devarg path")


def test_probe_error_socket_missing(spawn, vxpath_driver, run_dir):
    sock = os.path.join(run_dir, "nobody-listens-here.sock")
    _probe_refused(spawn, vxpath_driver, "path=%s" % sock,
                   re.escape(sock), "the socket path")


def test_attach_refused_keeps_running(spawn, vxpath_driver, probe_backend):
    """Hot-plug (`port attach`) with a refused devarg: testpmd keeps
    running and the log names the devarg."""
    be, sock = probe_backend
    fe = spawn("frontend", [
        "-l", "0,1", "--file-prefix", "vxfe%d" % os.getpid(),
        "--single-file-segments", "--no-pci",
    ] + vxpath_driver.eal_extra, APP_ARGS)
    fe.cmd("port attach virtio_user0,path=%s,queue_size=100" % sock)
    assert fe.alive(), fe.tail()
    lines = _driver_lines(fe.log_text())
    assert any(re.search(r"\bqueue_size=100\b", ln) for ln in lines), \
        fe.tail()
    assert fe.port_info(0) == {}, fe.tail()
    quit_cleanly(fe)


# --- multi-queue and the control virtqueue (cq=1) ---------------------------

def _queue_args(n):
    return ["--rxq=%d" % n, "--txq=%d" % n]


def xstats(p, port=0):
    """`show port xstats` as a dict name -> int."""
    out = p.cmd("show port xstats %d" % port)
    return {k: int(v) for k, v in
            re.findall(r"^\s*(\w+):\s+(\d+)\s*$", out, re.M)}


def _mq_pair(spawn, run_dir, drv, be_queues, devargs, fe_queues):
    """net_vhost with be_queues pairs, and the driver under test with
    devargs (after path=) and testpmd --rxq/--txq fe_queues."""
    sock = _new_sock(run_dir)
    be = _start_backend(spawn, sock, queues=be_queues)
    fe = spawn("frontend", _frontend_args(drv, "path=%s,%s" % (sock, devargs)),
               APP_ARGS + _queue_args(fe_queues))
    info = fe.port_info(0)
    assert info.get("Driver name") == drv.driver_name, \
        "%r\n%s" % (info, fe.tail())
    assert info.get("Current number of RX queues") == str(fe_queues), info
    return fe, be


def fwd_queue_stats(p):
    """Per-queue packets of the last forwarding run, from testpmd's own
    stream counters (`show fwd stats all`), named as the xstats are
    (rx_qK_good_packets, tx_qK_good_packets); a queue that moved nothing
    has no stream line and is absent."""
    out = p.cmd("show fwd stats all")
    res = {}
    for q, rx, tx in re.findall(
            r"Forward Stats for RX Port=\s*\d+/Queue=\s*(\d+) -> TX "
            r"Port=\s*\d+/Queue=\s*\d+ -+\s+RX-packets:\s*(\d+)\s+"
            r"TX-packets:\s*(\d+)", out):
        res["rx_q%s_good_packets" % q] = int(rx)
        res["tx_q%s_good_packets" % q] = int(tx)
    return res


def run_queue_traffic(fe, be):
    """run_traffic() with the extended stats cleared too: net_vhost's
    per-queue counters are the vhost library's, which `clear port stats`
    leaves alone."""
    for p in (fe, be):
        p.cmd("clear port xstats all")
    return run_traffic(fe, be)


def check_queue_traffic(fe, be, used, unused=()):
    """After a round of run_traffic(): every queue in used carried
    packets both ways on both sides, per-queue counts agree between the
    processes (what one sent on queue K the other received on queue K),
    they add up to the port totals, and queues in unused carried nothing.
    Return: the front-end's per-queue Rx counts (for the report)."""
    fx, bx = xstats(fe), xstats(be)
    if "rx_q0_good_packets" not in bx:
        # net_vhost's xstats fail while some of its queues have no ring
        # (the front-end uses fewer pairs): testpmd's stream counters.
        bx = fwd_queue_stats(be)
    ctx = "\n".join("%s %s" % (k, v) for k, v in sorted(fx.items())
                    if re.match(r"[rt]x_q\d+_good_packets", k))
    ctx += "\n--- back-end ---\n" + "\n".join(
        "%s %s" % (k, v) for k, v in sorted(bx.items())
        if re.match(r"[rt]x_q\d+_good_packets", k))
    ctx += "\n" + _both_tails(fe, be)
    for q in used:
        for who, x in (("front-end", fx), ("back-end", bx)):
            for d in ("rx", "tx"):
                k = "%s_q%d_good_packets" % (d, q)
                assert x.get(k, 0) > 0, \
                    "%s %s = %r: queue %d carried nothing\n%s" % (
                        who, k, x.get(k), q, ctx)
        # Packets still in a ring when forwarding stopped: a few bursts.
        assert abs(fx["tx_q%d_good_packets" % q] -
                   bx["rx_q%d_good_packets" % q]) <= SLACK, \
            "queue %d: front-end Tx and back-end Rx disagree\n%s" % (q, ctx)
        assert abs(bx["tx_q%d_good_packets" % q] -
                   fx["rx_q%d_good_packets" % q]) <= SLACK, \
            "queue %d: back-end Tx and front-end Rx disagree\n%s" % (q, ctx)
    for q in unused:
        for d in ("rx", "tx"):
            k = "%s_q%d_good_packets" % (d, q)
            assert bx.get(k, 0) == 0, \
                "back-end %s = %r on a queue pair the front-end does not " \
                "use\n%s" % (k, bx.get(k), ctx)
    for d in ("rx", "tx"):
        total = sum(fx.get("%s_q%d_good_packets" % (d, q), 0)
                    for q in used)
        assert total == fx["%s_good_packets" % d], \
            "front-end %s queues add up to %d, port says %d\n%s" % (
                d, total, fx["%s_good_packets" % d], ctx)
    return [fx["rx_q%d_good_packets" % q] for q in used]


@pytest.mark.parametrize("queues,ring", [(2, "split"), (4, "split"),
                                         (2, "packed")])
def test_multiqueue_traffic(spawn, run_dir, vxpath_driver, queues, ring):
    """queues=N,cq=1 against net_vhost with N queue pairs, N testpmd
    queues on both sides: io forwarding moves packets on every queue both
    ways, and the two processes' counters agree, per queue and in all."""
    extra = ",packed_vq=1" if ring == "packed" else ""
    fe, be = _mq_pair(spawn, run_dir, vxpath_driver, queues,
                      "queues=%d,cq=1%s" % (queues, extra), queues)
    fs, bs = run_queue_traffic(fe, be)
    # One burst per queue circulates: as many may be in rings.
    check_traffic(fe, be, fs, bs, slack=queues * SLACK)
    per_queue = check_queue_traffic(fe, be, range(queues))
    print("queues=%d: front-end Rx per queue %s" % (queues, per_queue))
    # Again after a restart: the pairs are enabled anew.
    out = fe.cmd("port stop 0") + fe.cmd("port start 0")
    assert "Fail" not in out and "rror" not in out, out + fe.tail()
    fs, bs = run_queue_traffic(fe, be)
    check_traffic(fe, be, fs, bs, slack=queues * SLACK)
    check_queue_traffic(fe, be, range(queues))
    quit_cleanly(fe)


def test_multiqueue_fewer_queues(spawn, run_dir, vxpath_driver):
    """queues=4,cq=1 but testpmd configures 2 queues: VQ_PAIRS_SET(2)
    makes the device use those two pairs only; the back-end's other two
    queues see nothing."""
    fe, be = _mq_pair(spawn, run_dir, vxpath_driver, 4, "queues=4,cq=1", 2)
    assert fe.port_info(0).get("Max possible RX queues") == "4", fe.tail()
    fs, bs = run_queue_traffic(fe, be)
    check_traffic(fe, be, fs, bs, slack=2 * SLACK)
    check_queue_traffic(fe, be, range(2), unused=(2, 3))
    quit_cleanly(fe)


# testpmd commands of the Rx mode, MAC and VLAN tables, and what they print
# when the driver refuses them.
RX_MODE_CMDS = ["set promisc 0 off", "set promisc 0 on",
                "set allmulti 0 on", "set allmulti 0 off"]
_REFUSED = re.compile(r"error|failed|not supported|invalid", re.I)


def test_rx_mode_with_cq(spawn, backend, vxpath_driver):
    """cq=1: promiscuous and all-multicast mode on and off succeed and
    `show port info` reports them; a MAC address, a MAC table entry, a
    multicast list and a VLAN filter are accepted too."""
    be, sock = backend
    fe = spawn("frontend", _frontend_args(vxpath_driver,
                                          "path=%s,cq=1" % sock), APP_ARGS)
    for c in RX_MODE_CMDS:
        out = fe.cmd(c)
        assert not _REFUSED.search(out), "%r: %s\n%s" % (c, out, fe.tail())
    fe.cmd("set promisc 0 off")
    fe.cmd("set allmulti 0 on")
    info = fe.port_info(0)
    assert info.get("Promiscuous mode") == "disabled", info
    assert info.get("Allmulticast mode") == "enabled", info
    mac = "02:00:00:11:22:33"
    for c in ("mac_addr set 0 %s" % mac,
              "mac_addr add 0 02:00:00:11:22:44",
              "mcast_addr add 0 01:00:5E:00:00:01",
              "mac_addr remove 0 02:00:00:11:22:44"):
        out = fe.cmd(c)
        assert not _REFUSED.search(out), "%r: %s\n%s" % (c, out, fe.tail())
    assert fe.port_info(0).get("MAC address", "").lower() == mac, fe.tail()
    fe.cmd("port stop 0")
    out = fe.cmd("port config 0 rx_offload vlan_filter on")
    out += fe.cmd("port start 0")
    out += fe.cmd("rx_vlan add 100 0") + fe.cmd("rx_vlan rm 100 0")
    assert not _REFUSED.search(out), out + fe.tail()
    # Traffic still flows with the modes and tables set.
    fe.cmd("set promisc 0 on")
    fs, bs = run_traffic(fe, be)
    check_traffic(fe, be, fs, bs)
    quit_cleanly(fe)


def test_rx_mode_without_cq(spawn, backend, vxpath_driver):
    """cq=0: promiscuous and all-multicast mode cannot be set (-ENOTSUP,
    as upstream's driver), nor a MAC table entry."""
    be, sock = backend
    fe = spawn("frontend", _frontend_args(vxpath_driver, "path=%s" % sock),
               APP_ARGS)
    # testpmd's own attempt at start-up, then ours (turning a mode off
    # that is off is a no-op in ethdev: only "on" reaches the driver).
    assert "Error during enabling promiscuous mode for port 0: Operation " \
        "not supported" in fe.startup_output, fe.tail()
    for c in ("set promisc 0 on", "set allmulti 0 on",
              "mac_addr add 0 02:00:00:11:22:44"):
        out = fe.cmd(c)
        assert _REFUSED.search(out), \
            "%r accepted without a control virtqueue: %s\n%s" % (
                c, out, fe.tail())
    quit_cleanly(fe)
