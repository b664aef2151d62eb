# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# vxpath against a scripted vhost-user back-end (vhost_user_peer.py) that
# behaves, then one that misbehaves on purpose. The well-behaved session
# loops frames back and checks the harness itself: counters of both sides
# agree. Each hostile case breaks one rule of the vhost-user protocol or of
# the virtqueue layout and asserts what issue 4 asks of the front-end: one
# clear error line naming what is wrong, the link down where a port exists,
# the process alive and answering (`show port info`, then `quit` exits 0),
# and no file descriptor leaked (/proc/PID/fd).

import os
import re
import struct
import time

import pytest

import vhost_user_peer as vp

APP_ARGS = ["--total-num-mbufs=8192"]
LSC_EVENT = "Port 0: link state change event"

# A driver line (VXPATH_LOG), as test_vhost_user.py matches them.
_DRIVER_LINE = re.compile(r"(^|\s)vxpath: [A-Za-z_]\w*\(\): ")

_sock_counter = [0]


def _sock(run_dir):
    _sock_counter[0] += 1
    return os.path.join(run_dir, "peer%d.sock" % _sock_counter[0])


def driver_lines(p):
    """The driver's log lines, from "vxpath: " on (a prompt may precede
    one logged while testpmd waits for a command)."""
    out = []
    for ln in p.log_text().splitlines():
        m = _DRIVER_LINE.search(ln)
        if m:
            out.append(ln[ln.index("vxpath: ", m.start()):])
    return out


@pytest.fixture
def peer_factory(run_dir):
    """peer_factory(**kwargs) -> a started VhostUserPeer on a new socket;
    closed at teardown."""
    peers = []

    def _make(**kwargs):
        p = vp.VhostUserPeer(_sock(run_dir), **kwargs)
        peers.append(p)
        return p.start()

    yield _make
    for p in peers:
        p.close()


def frontend_args(plugin, sock, devargs=""):
    vdev = "virtio_user0,path=%s" % sock
    if devargs:
        vdev += "," + devargs
    return ["-l", "0,1", "--file-prefix", "vxfe%d" % os.getpid(),
            "--single-file-segments", "--no-pci", "-d", plugin,
            "--vdev", vdev]


def quit_cleanly(p):
    status = p.quit()
    assert status == 0 and p.signalstatus is None, \
        "%s: exit status %s, signal %s\n%s" % (p.name, status,
                                               p.signalstatus, p.tail())
    for bad in ("Segmentation fault", "PANIC", "AddressSanitizer",
                "runtime error:"):
        assert bad not in p.log_text(), p.tail()


@pytest.mark.parametrize("ring", ["split", "packed"])
def test_peer_loopback(spawn, vxpath_plugin, peer_factory, ring):
    """A well-behaved scripted back-end: the port comes up, frames sent are
    looped back by the peer and received, counts agree on both sides."""
    features = vp.DEFAULT_FEATURES
    devargs = ""
    if ring == "packed":
        features |= 1 << vp.VIRTIO_F_RING_PACKED
        devargs = "packed_vq=1"
    peer = peer_factory(features=features, loopback=True)
    fe = spawn("frontend", frontend_args(vxpath_plugin, peer.path, devargs),
               APP_ARGS)
    info = fe.port_info(0)
    assert info.get("Driver name") == "net_vxpath", fe.tail()
    assert info.get("Link status") == "up", "%r\n%s" % (info, fe.tail())
    assert peer.vring(0).packed == (ring == "packed")
    for r in ("SET_MEM_TABLE", "SET_VRING_ADDR", "SET_VRING_KICK",
              "SET_VRING_ENABLE"):
        assert r in peer.requests(), peer.requests()
    fe.cmd("start tx_first")
    time.sleep(2)
    fe.cmd("stop")
    st = fe.port_stats(0)
    assert not peer.errors, peer.errors
    assert st["tx_packets"] >= 1000, "%r\n%s" % (st, fe.tail())
    # Every frame sent was looped back (nothing dropped for want of an Rx
    # buffer in a 32-frame loop); up to one burst may be in flight.
    assert peer.looped == st["tx_packets"], (peer.looped, st)
    assert st["tx_packets"] - 32 <= st["rx_packets"] <= st["tx_packets"], st
    assert st["rx_bytes"] == 64 * st["rx_packets"], st
    assert st["rx_errors"] == 0 and st["tx_errors"] == 0, st
    assert not any("broken" in ln for ln in driver_lines(fe)), fe.tail()
    quit_cleanly(fe)
    # quit stops the rings (GET_VRING_BASE) before closing.
    assert "GET_VRING_BASE" in peer.requests(), peer.requests()


def test_rx_pool_dry(spawn, vxpath_plugin, peer_factory):
    """A pool smaller than the receive ring: the port starts with what the
    pool has, and RX-nombuf counts each buffer left unposted once (the
    back-end sees the others)."""
    peer = peer_factory()
    size = 2048
    fe = spawn("frontend", frontend_args(vxpath_plugin, peer.path,
                                         "queue_size=%d" % size),
               ["--total-num-mbufs=1100", "--mbcache=0"])
    assert fe.port_info(0).get("Link status") == "up", fe.tail()
    _, taken = _take_rx(peer)
    st = fe.port_stats(0)
    assert 0 < len(taken) < size, len(taken)
    assert st["rx_nombuf"] == size - len(taken), (st, len(taken))
    assert not peer.errors, peer.errors
    quit_cleanly(fe)


# --- hostile control plane ------------------------------------------------

# Each action replaces the peer's handler of one request: act(peer, msg).
# It may answer wrongly, not at all (msg.ack = None), or hang up.

def _answer(request=None, flags=None, size=None, payload=None, fds=None):
    """An action that answers with a doctored header (and payload)."""
    def act(peer, msg):
        if msg.request in vp.OWN_REPLY:
            good = peer.__class__.__dict__[_DEFAULT[msg.request]](peer, msg)
        else:
            good = struct.pack("<Q", 0)
        body = good if payload is None else payload
        extra = fds(peer) if fds is not None else ()
        try:
            peer.reply(msg, body, request=request, flags=flags, size=size,
                       fds=extra)
        finally:
            for fd in extra:
                os.close(fd)
        msg.ack = None
    return act


_DEFAULT = {vp.GET_FEATURES: "on_get_features",
            vp.GET_PROTOCOL_FEATURES: "on_get_protocol_features"}


def _no_ack(peer, msg):
    """Take the message, never answer it."""
    vp.VhostUserPeer.on_set_mem_table(peer, msg) \
        if msg.request == vp.SET_MEM_TABLE else None
    msg.ack = None


def _hang_up_after(raw=b""):
    """Send raw bytes (maybe a piece of a reply), then hang up."""
    def act(peer, msg):
        if raw:
            peer.send_raw(raw)
        msg.ack = None
        peer.hang_up()
    return act


def _refuse(peer, msg):
    """REPLY_ACK with a non-zero status."""
    msg.ack = 1


# The marker file whose fds the peer sends along in the too-many-fds case:
# none of them may stay open in the front-end.
_MARKER = "fd-marker"


def _marker_fds(n):
    def make(peer):
        path = os.path.join(os.path.dirname(peer.path), _MARKER)
        return [os.open(path, os.O_RDONLY | os.O_CREAT, 0o600)
                for _ in range(n)]
    return make


FE = "virtio_user0"
GF = vp.GET_FEATURES
# (id, request misbehaved on, action, pattern of the error line, phase)
# phase "probe": the port is never created; "start": the port exists and
# cannot start (link down), the connection is given up; "start-kept": the
# same, but the back-end answered in step (a refusal) and the connection
# stays.
CONTROL_CASES = [
    ("short_reply", GF, _answer(size=4, payload=b"\0" * 4),
     r"reply to VHOST_USER_GET_FEATURES has 4 payload bytes, expected 8",
     "probe"),
    ("truncated_reply", GF,
     _hang_up_after(struct.pack("<II", GF, vp.VERSION | vp.FLAG_REPLY)),
     r"closed the connection before replying to VHOST_USER_GET_FEATURES",
     "probe"),
    ("wrong_request", GF, _answer(request=vp.GET_PROTOCOL_FEATURES),
     r"answered VHOST_USER_GET_FEATURES with a reply to request 15 "
     r"\(VHOST_USER_GET_PROTOCOL_FEATURES\)", "probe"),
    ("wrong_version", GF, _answer(flags=0x2 | vp.FLAG_REPLY),
     r"reply to VHOST_USER_GET_FEATURES has protocol version 2, expected 1",
     "probe"),
    ("no_reply_flag", GF, _answer(flags=vp.VERSION),
     r"reply to VHOST_USER_GET_FEATURES lacks the reply flag", "probe"),
    ("oversize", GF, _answer(size=0xffffffff),
     r"reply to VHOST_USER_GET_FEATURES has 4294967295 payload bytes, "
     r"expected 8", "probe"),
    ("disconnect_in_probe", vp.GET_PROTOCOL_FEATURES, _hang_up_after(),
     r"closed the connection before replying to "
     r"VHOST_USER_GET_PROTOCOL_FEATURES", "probe"),
    ("ack_wrong_request", vp.SET_MEM_TABLE,
     _answer(request=vp.SET_VRING_NUM),
     r"answered VHOST_USER_SET_MEM_TABLE with a reply to request 8 "
     r"\(VHOST_USER_SET_VRING_NUM\)", "start"),
    ("ack_refused", vp.SET_MEM_TABLE, _refuse,
     r"refused VHOST_USER_SET_MEM_TABLE \(REPLY_ACK 1\)", "start-kept"),
    ("mem_table_never_acked", vp.SET_MEM_TABLE, _no_ack,
     r"did not answer VHOST_USER_SET_MEM_TABLE within \d+ ms", "start"),
    ("disconnect_in_start", vp.SET_VRING_ADDR, _hang_up_after(),
     r"closed the connection before replying to VHOST_USER_SET_VRING_ADDR",
     "start"),
]


def _own_fds(p, peer_dir):
    """The front-end's fds that point into the peer's directory or at the
    marker file (sockets show as socket:[inode])."""
    return [t for t in p.fd_targets() if _MARKER in t or
            t.startswith(peer_dir)]


def _one_error(fe, pattern):
    lines = driver_lines(fe)
    hits = [ln for ln in lines if re.search(pattern, ln)]
    assert len(hits) == 1, \
        "expected one vxpath line matching %r, got %d\nvxpath lines:\n%s" \
        % (pattern, len(hits), "\n".join(lines))
    return hits[0]


def _fd_kinds(p):
    """What the process's fds are, inode numbers left out, sorted:
    ["anon_inode:[eventfd]", "socket:", "/dev/hugepages/...", ...]."""
    return sorted(re.sub(r"\[\d+\]|(?<=^/dev/pts/)\d+", "", t)
                  for t in p.fd_targets())


@pytest.fixture(scope="module")
def no_port_fds(vxpath_plugin, tmp_path_factory):
    """The fds of a testpmd started as the front-ends are, but without a
    vdev: what a front-end whose probe failed should hold."""
    import testpmd
    logdir = os.environ.get("VXPATH_TEST_LOGDIR") or \
        str(tmp_path_factory.mktemp("baseline"))
    os.makedirs(logdir, exist_ok=True)
    args = [a for a in frontend_args(vxpath_plugin, "/none")
            if not a.startswith("virtio_user0") and a != "--vdev"]
    t = testpmd.TestPmd("baseline", args, APP_ARGS,
                        log_path=os.path.join(logdir, "baseline.log"))
    try:
        t.start()
        return _fd_kinds(t)
    finally:
        t.close()


@pytest.mark.parametrize("request_code,action,pattern,phase",
                         [c[1:] for c in CONTROL_CASES],
                         ids=[c[0] for c in CONTROL_CASES])
def test_hostile_control(spawn, vxpath_plugin, peer_factory, request_code,
                         action, pattern, phase, no_port_fds):
    peer = peer_factory()
    peer.handlers[request_code] = action
    fe = spawn("frontend", frontend_args(vxpath_plugin, peer.path),
               APP_ARGS, timeout=90)
    line = _one_error(fe, pattern)
    print("error line: %s" % line)
    info = fe.port_info(0)
    if phase == "probe":
        assert info == {}, "a port exists\n%s" % fe.tail()
        assert "No probed ethernet devices" in fe.log_text(), fe.tail()
        # The failed probe released everything it opened (socket, fds
        # that came with replies).
        assert _fd_kinds(fe) == no_port_fds, (_fd_kinds(fe), no_port_fds)
    else:
        assert info.get("Driver name") == "net_vxpath", fe.tail()
        assert info.get("Link status") == "down", "%r\n%s" % (info,
                                                             fe.tail())
        assert re.search(r"Fail to start port 0", fe.log_text()), fe.tail()
        # Asking again fails at once, without another exchange.
        fe.cmd("port start 0")
        assert fe.port_info(0).get("Link status") == "down", fe.tail()
    if phase == "start-kept":
        assert peer.conn is not None, "connection dropped after a refusal"
    else:
        # The stream is out of step: the front-end shut the connection.
        peer.wait_disconnected(timeout=10)
    assert fe.alive(), fe.tail()
    assert not peer.errors, peer.errors
    quit_cleanly(fe)


def test_hostile_too_many_fds(spawn, vxpath_plugin, peer_factory, run_dir):
    """Fds nobody asked for (more than vxpath's control buffer holds) come
    with a good reply: vxpath closes every one it received, says so, and
    goes on; none stays open in the process."""
    peer = peer_factory()
    peer.handlers[GF] = _answer(fds=_marker_fds(12))
    fe = spawn("frontend", frontend_args(vxpath_plugin, peer.path),
               APP_ARGS)
    line = _one_error(fe, r"vhost-user back-end sent file descriptors with "
                      r"the reply to VHOST_USER_GET_FEATURES; closed 8 of "
                      r"them \(more were dropped by the kernel\)")
    print("error line: %s" % line)
    assert not [t for t in fe.fd_targets() if _MARKER in t], \
        fe.fd_targets()
    info = fe.port_info(0)
    assert info.get("Link status") == "up", "%r\n%s" % (info, fe.tail())
    assert not peer.errors, peer.errors
    quit_cleanly(fe)


# --- hostile datapath -----------------------------------------------------

# A 64-byte frame after a virtio-net header (12 bytes, num_buffers 1), as a
# device writes into a receive buffer.
_FRAME = (b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" +
          bytes(50))
_RX_BYTES = vp.NET_HDR_SIZE + len(_FRAME)


def _rx_frame(peer, chain, num_buffers=1):
    """Write a good frame into the first buffer of a receive chain."""
    peer.write(chain[0][0], struct.pack("<10xH", num_buffers) + _FRAME)


def _take_rx(peer, timeout=20):
    """Wait for the driver's receive buffers on vring 0, take them all (as
    a device would) and return [(id, chain)]."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with peer.lock:
            if peer.ready(0):
                v = peer.vring(0)
                got = []
                while True:
                    c = peer.pop_avail(v)
                    if c is None:
                        break
                    got.append(c)
                if got:
                    return v, got
        time.sleep(0.05)
    raise AssertionError("no receive buffers within %ss: %s" % (
        timeout, peer.requests()))


def _used(peer, v, entries, publish=None):
    """Write used entries [(id, len)] on vring v: split: the ring entries,
    then used->idx moved on by publish (default: their number); packed: the
    descriptors from the next used slot on, the first one's flags last."""
    if v.packed:
        for k in reversed(range(len(entries))):
            slot = (v.next_used_slot + k) % v.num
            peer.packed_write_used(v, entries[k][0], entries[k][1],
                                   slot=slot)
    else:
        for k, (i, ln) in enumerate(entries):
            peer.write_used_elem(v, v.used_idx + k, i, ln)
        peer.set_used_idx(v, v.used_idx + (len(entries) if publish is None
                                           else publish))
    peer.notify(v)


# An action writes what the device does before forwarding starts; it may
# return a second one, run once the driver has received a frame.

def dp_bad_id(peer, v, taken):
    _used(peer, v, [(v.num, _RX_BYTES)])


def dp_not_outstanding(peer, v, taken):
    # One good frame; once the driver took it (and before it refills the
    # ring: it does so by 32 buffers), its id again.
    i, chain = taken[0]
    _rx_frame(peer, chain)
    _used(peer, v, [(i, _RX_BYTES)])
    if v.packed:
        v.next_used_slot += 1
    return lambda peer, v: _used(peer, v, [(i, _RX_BYTES)])


def dp_twice(peer, v, taken):
    # A frame said to span two buffers (num_buffers 2), both entries
    # naming the same chain: the driver sees both before taking either.
    i, chain = taken[0]
    _rx_frame(peer, chain, num_buffers=2)
    _used(peer, v, [(i, _RX_BYTES), (i, _RX_BYTES)])


def dp_too_long(peer, v, taken):
    i, chain = taken[0]
    _rx_frame(peer, chain)
    _used(peer, v, [(i, sum(ln for _, ln, _ in chain) + 1)])


def dp_idx_ahead(peer, v, taken):
    i, chain = taken[0]
    _rx_frame(peer, chain)
    _used(peer, v, [(i, _RX_BYTES)], publish=v.num + 1)


# num_buffers is read where it can be other than 1: in a first buffer the
# device filled (5.1.6.4.1: every buffer of a merged frame but the last is
# filled), so these frames claim all of it.
def dp_num_buffers_0(peer, v, taken):
    i, chain = taken[0]
    _rx_frame(peer, chain, num_buffers=0)
    _used(peer, v, [(i, chain[0][1])])


def dp_num_buffers_huge(peer, v, taken):
    i, chain = taken[0]
    _rx_frame(peer, chain, num_buffers=v.num + 1)
    _used(peer, v, [(i, chain[0][1])])


def dp_shorter_than_header(peer, v, taken):
    i, chain = taken[0]
    _rx_frame(peer, chain)
    _used(peer, v, [(i, 5)])


def dp_past_avail(peer, v, taken):
    # The transmitq: nothing was made available on it yet, yet its first
    # slot is flagged used in the current wrap.
    tx = peer.vring(1)
    peer.packed_write_used(tx, 0, 0, slot=0)


def dp_in_order_skips_writable(peer, v, taken):
    # VIRTIO_F_IN_ORDER: one used entry for the first two receive
    # buffers, naming the second (a batch): the first buffer's used length
    # would be unknown.
    i, chain = taken[1]
    _rx_frame(peer, chain)
    _used(peer, v, [(i, _RX_BYTES)], publish=2)


# (id, ring, action, text of the error line after "stopped: ", queue)
DATAPATH_CASES = [
    ("split_bad_id", "split", dp_bad_id, r"used id out of range \(id 256,",
     0),
    ("split_not_outstanding", "split", dp_not_outstanding,
     r"used id is not an outstanding chain \(id \d+", 0),
    # The split driver takes an entry (freeing its chain) before it reads
    # the next: the second naming the chain finds it no longer outstanding.
    ("split_twice", "split", dp_twice,
     r"used id is not an outstanding chain \(id \d+", 0),
    ("split_too_long", "split", dp_too_long,
     r"used length exceeds the buffers posted \(id \d+, len \d+\)", 0),
    ("split_idx_ahead", "split", dp_idx_ahead,
     r"used index ahead of the chains outstanding \(used->idx 257: 257 "
     r"entries, \d+ outstanding\)", 0),
    ("packed_bad_id", "packed", dp_bad_id, r"used id out of range \(id 256,",
     0),
    ("packed_not_outstanding", "packed", dp_not_outstanding,
     r"used id is not an outstanding chain \(id \d+", 0),
    # Likewise on a packed ring: each used descriptor is taken before the
    # next is read.
    ("packed_twice", "packed", dp_twice,
     r"used id is not an outstanding chain \(id \d+", 0),
    ("packed_too_long", "packed", dp_too_long,
     r"used length exceeds the buffers posted \(id \d+, len \d+\)", 0),
    ("split_num_buffers_0", "split", dp_num_buffers_0,
     r"num_buffers 0 of a received frame out of range \(first buffer \d+ "
     r"bytes, \d+ buffers held by the device\)", 0),
    ("packed_num_buffers_huge", "packed", dp_num_buffers_huge,
     r"num_buffers 257 of a received frame out of range \(first buffer \d+ "
     r"bytes, \d+ buffers held by the device\)", 0),
    ("split_shorter_than_header", "split", dp_shorter_than_header,
     r"used length shorter than the virtio-net header \(id 0, len 5\)", 0),
    ("packed_past_avail", "packed", dp_past_avail,
     r"used descriptor past the ones made available \(id 0, len 0\)", 1),
]

# Under VIRTIO_F_IN_ORDER only (every case above runs with and without it).
IN_ORDER_CASES = [
    ("split_skips_writable", "split", dp_in_order_skips_writable,
     r"in-order batch skips a device-writable chain \(used length "
     r"unknown\) \(id \d+", 0),
    ("packed_skips_writable", "packed", dp_in_order_skips_writable,
     r"in-order batch skips a device-writable chain \(used length "
     r"unknown\) \(id \d+", 0),
]


def _wait_line(fe, pattern, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fe.drain()
        if any(re.search(pattern, ln) for ln in driver_lines(fe)):
            return
        time.sleep(0.1)


@pytest.mark.parametrize("order,ring,action,pattern,queue",
                         [("any",) + c[1:] for c in DATAPATH_CASES] +
                         [("in_order",) + c[1:] for c in DATAPATH_CASES] +
                         [("in_order",) + c[1:] for c in IN_ORDER_CASES],
                         ids=[c[0] for c in DATAPATH_CASES] +
                         ["in_order_" + c[0] for c in DATAPATH_CASES] +
                         ["in_order_" + c[0] for c in IN_ORDER_CASES])
def test_hostile_datapath(spawn, vxpath_plugin, peer_factory, order, ring,
                          action, pattern, queue):
    """The back-end writes a bad value into a used ring (or a frame's
    header): one error line naming the queue and the values, the link goes
    down with one event, no fd leaks, the process stays alive. order
    'in_order': the back-end offers VIRTIO_F_IN_ORDER, which vxpath
    negotiates (in_order=1, its default): the ring then hands descriptors
    out in ring order and checks used entries by position."""
    features = vp.DEFAULT_FEATURES
    devargs = ""
    if ring == "packed":
        features |= 1 << vp.VIRTIO_F_RING_PACKED
        devargs = "packed_vq=1"
    if order == "in_order":
        features |= 1 << vp.VIRTIO_F_IN_ORDER
    peer = peer_factory(features=features)
    fe = spawn("frontend", frontend_args(vxpath_plugin, peer.path, devargs),
               APP_ARGS)
    assert fe.port_info(0).get("Link status") == "up", fe.tail()
    in_order = bool(peer.acked_features & (1 << vp.VIRTIO_F_IN_ORDER))
    assert in_order == (order == "in_order"), hex(peer.acked_features)
    v, taken = _take_rx(peer)
    fds_before = fe.fd_count()
    with peer.lock:
        later = action(peer, v, taken)
    # Rx is polled once forwarding runs. The transmitq's used descriptors
    # are read lazily (below the Tx free threshold) or on demand: ask for
    # that before anything is sent, which would overwrite the slot.
    if queue == 1:
        fe.cmd("port cleanup 0 txq 0 0")
    fe.cmd("start")
    if later is not None:
        deadline = time.monotonic() + 10
        while fe.port_stats(0)["rx_packets"] < 1:
            assert time.monotonic() < deadline, fe.tail()
            time.sleep(0.1)
        with peer.lock:
            later(peer, v)
    full = r"%s: virtqueue %d \(%s queue 0\) stopped: %s.*; link down " \
        r"until port restart" % (FE, queue, "Tx" if queue else "Rx", pattern)
    _wait_line(fe, full)
    # The link went down in the datapath; the application hears of it
    # from the interrupt thread, once.
    deadline = time.monotonic() + 10
    while fe.log_text().count("Port 0: link state change event") < 1:
        assert time.monotonic() < deadline, \
            "no link state change event after the broken ring\n" + fe.tail()
        fe.drain()
        time.sleep(0.1)
    fe.cmd("stop")
    assert fe.log_text().count("Port 0: link state change event") == 1, \
        fe.tail()
    line = _one_error(fe, full)
    print("error line: %s" % line)
    errors = [ln for ln in driver_lines(fe) if "stopped" in ln or
              "broken" in ln]
    assert errors == [line], errors
    info = fe.port_info(0)
    assert info.get("Link status") == "down", "%r\n%s" % (info, fe.tail())
    assert fe.fd_count() == fds_before, (fds_before, fe.fd_targets())
    assert not peer.errors, peer.errors
    assert fe.alive(), fe.tail()
    quit_cleanly(fe)


# --- hostile at port stop -------------------------------------------------

def _vring_base_other_index(peer, msg):
    index, _ = msg.state()
    peer.reply(msg, struct.pack("<II", index + 5, 0))


# (id, action on GET_VRING_BASE, pattern of the cause's line)
STOP_CASES = [
    ("vring_base_never_answered", _no_ack,
     r"did not answer VHOST_USER_GET_VRING_BASE within \d+ ms"),
    ("vring_base_other_vring", _vring_base_other_index,
     r"reply to VHOST_USER_GET_VRING_BASE for vring 0 names vring 5"),
    ("vring_base_hang_up", _hang_up_after(),
     r"closed the connection before replying to VHOST_USER_GET_VRING_BASE"),
]


@pytest.mark.parametrize("action,pattern", [c[1:] for c in STOP_CASES],
                         ids=[c[0] for c in STOP_CASES])
def test_hostile_stop(spawn, vxpath_plugin, peer_factory, action, pattern):
    """The back-end does not confirm that a ring stopped (GET_VRING_BASE):
    vxpath cannot know whether the back-end still uses the buffers, so it
    leaves them to it, says so, and refuses to start the port again; the
    process stays alive and quits with 0."""
    peer = peer_factory()
    peer.handlers[vp.GET_VRING_BASE] = action
    fe = spawn("frontend", frontend_args(vxpath_plugin, peer.path),
               APP_ARGS, timeout=90)
    assert fe.port_info(0).get("Link status") == "up", fe.tail()
    fe.cmd("port stop 0")
    line = _one_error(fe, pattern)
    print("error line: %s" % line)
    _one_error(fe, r"did not confirm that its rings stopped: \d+ buffers "
               r"are left to it")
    fe.cmd("port start 0")
    _one_error(fe, r"back-end was lost with the port's rings; detach and attach")
    assert fe.port_info(0).get("Link status") == "down", fe.tail()
    print("\n".join(driver_lines(fe)))
    quit_cleanly(fe)


@pytest.mark.parametrize("ring", ["split", "packed"])
def test_hostile_runt(spawn, vxpath_plugin, peer_factory, ring):
    """Used lengths that are valid for the ring but not frames: a header
    and less than an Ethernet header. Not a broken ring (a device may
    deliver a runt): each is dropped and counted as an Rx error, the link
    stays up, and a good frame after them is received. (Shorter than the
    header breaks the ring: split_shorter_than_header.)"""
    features = vp.DEFAULT_FEATURES
    devargs = ""
    if ring == "packed":
        features |= 1 << vp.VIRTIO_F_RING_PACKED
        devargs = "packed_vq=1"
    peer = peer_factory(features=features)
    fe = spawn("frontend", frontend_args(vxpath_plugin, peer.path, devargs),
               APP_ARGS)
    v, taken = _take_rx(peer)
    with peer.lock:
        for k, ln in enumerate((vp.NET_HDR_SIZE, vp.NET_HDR_SIZE + 10,
                                vp.NET_HDR_SIZE + 13)):
            i, chain = taken[k]
            _rx_frame(peer, chain)
            _used(peer, v, [(i, ln)])
            if v.packed:
                v.next_used_slot += 1
        i, chain = taken[3]
        _rx_frame(peer, chain)
        _used(peer, v, [(i, _RX_BYTES)])
    fe.cmd("start")
    deadline = time.monotonic() + 10
    while True:
        st = fe.port_stats(0)
        if st["rx_packets"] + st["rx_errors"] >= 4 or \
                time.monotonic() > deadline:
            break
        time.sleep(0.2)
    fe.cmd("stop")
    st = fe.port_stats(0)
    assert st["rx_errors"] == 3 and st["rx_packets"] == 1, \
        "%r\n%s" % (st, fe.tail())
    assert fe.port_info(0).get("Link status") == "up", fe.tail()
    assert not [ln for ln in driver_lines(fe) if "stopped" in ln], \
        driver_lines(fe)
    quit_cleanly(fe)


# --- start fails, and the stop after it is not confirmed -----------------

def test_hostile_start_stop_unconfirmed(spawn, vxpath_plugin, peer_factory):
    """The back-end refuses a ring's set-up at port start (SET_VRING_CALL,
    REPLY_ACK 1) after the Rx buffers were posted, then does not confirm
    the stop that follows (GET_VRING_BASE unanswered): it may still write
    into those buffers, so vxpath leaves them to it as after any
    unconfirmed stop (never back to the pool), says so, and refuses to
    start again on this connection."""
    peer = peer_factory()
    peer.handlers[vp.SET_VRING_CALL] = _refuse
    peer.handlers[vp.GET_VRING_BASE] = _no_ack
    fe = spawn("frontend", frontend_args(vxpath_plugin, peer.path),
               APP_ARGS, timeout=90)
    _one_error(fe, r"refused VHOST_USER_SET_VRING_CALL \(REPLY_ACK 1\)")
    _one_error(fe, r"did not answer VHOST_USER_GET_VRING_BASE within "
               r"\d+ ms")
    _one_error(fe, r"did not confirm that its rings stopped: \d+ buffers "
               r"are left to it")
    assert re.search(r"Fail to start port 0", fe.log_text()), fe.tail()
    fe.cmd("port start 0")
    _one_error(fe, r"back-end was lost with the port's rings; detach and attach")
    assert fe.port_info(0).get("Link status") == "down", fe.tail()
    assert not peer.errors, peer.errors
    quit_cleanly(fe)


# --- abandoned rings, a new connection, a clean start --------------------

def _tx_bad_used(peer):
    """A used entry naming no descriptor on the transmitq (vring 1)."""
    with peer.lock:
        tx = peer.vring(1)
        _used(peer, tx, [(tx.num, 0)])


def _rx_stats(fe, want, timeout=10):
    """Port 0's stats once rx_packets reaches @want."""
    deadline = time.monotonic() + timeout
    while True:
        st = fe.port_stats(0)
        if st["rx_packets"] >= want or time.monotonic() > deadline:
            return st
        time.sleep(0.1)


def test_abandon_then_new_connection(spawn, vxpath_plugin, peer_factory):
    """Rings abandoned to a back-end that did not confirm their stop keep
    nothing of their past once a new connection serves the port: a merged
    frame half received before is dropped (the first frame after is whole,
    not appended to it), and a ring that breaks on the new connection is
    reported (error line, link down, LSC event) although the same queue
    broke on the old one. Client with reconnect=, against the scripted
    back-end, split ring, MRG_RXBUF."""
    peer = peer_factory()
    fe = spawn("frontend", frontend_args(vxpath_plugin, peer.path,
                                         "reconnect=100"),
               APP_ARGS, timeout=90)
    assert fe.port_info(0).get("Link status") == "up", fe.tail()

    # Connection 1: a whole frame, then the first buffer of a two-buffer
    # frame, published together: the driver takes both in one burst, so
    # once the first is counted the second waits in the queue.
    v, taken = _take_rx(peer)
    with peer.lock:
        (i0, c0), (i1, c1) = taken[0], taken[1]
        _rx_frame(peer, c0)
        _rx_frame(peer, c1, num_buffers=2)
        _used(peer, v, [(i0, _RX_BYTES), (i1, c1[0][1])])
    fe.cmd("start")
    st = _rx_stats(fe, 1)
    fe.cmd("stop")
    assert st["rx_packets"] == 1 and st["rx_bytes"] == len(_FRAME), st
    # ... and the transmitq breaks: reported once.
    mark = fe.mark()
    _tx_bad_used(peer)
    fe.cmd("port cleanup 0 txq 0 0")
    fe.wait_output(LSC_EVENT, since=mark)
    tx_broken = r"virtqueue 1 \(Tx queue 0\) stopped: "
    _one_error(fe, tx_broken)

    # The stop is not confirmed: rings abandoned, connection dropped.
    peer.handlers[vp.GET_VRING_BASE] = _no_ack
    fe.cmd("port stop 0", timeout=60)
    _one_error(fe, r"did not confirm that its rings stopped")
    peer.handlers[vp.GET_VRING_BASE] = vp.VhostUserPeer.on_get_vring_base
    # Connection 2 (reconnect=), then a start on it.
    fe.wait_output("serves the port (connection 2 since probe)",
                   since=mark, timeout=30)
    fe.cmd("port start 0")
    assert fe.port_info(0).get("Link status") == "up", fe.tail()
    before = fe.port_stats(0)
    v, taken = _take_rx(peer)
    with peer.lock:
        i, c = taken[0]
        _rx_frame(peer, c)
        _used(peer, v, [(i, _RX_BYTES)])
    fe.cmd("start")
    st = _rx_stats(fe, before["rx_packets"] + 1)
    fe.cmd("stop")
    # One whole 64-byte frame, not the old half frame completed by it.
    assert st["rx_packets"] == before["rx_packets"] + 1, (before, st)
    assert st["rx_bytes"] == before["rx_bytes"] + len(_FRAME), (before, st)

    # The transmitq breaks again, on the new connection: reported again.
    mark = fe.mark()
    _tx_bad_used(peer)
    fe.cmd("port cleanup 0 txq 0 0")
    fe.wait_output(LSC_EVENT, since=mark)
    hits = [ln for ln in driver_lines(fe) if re.search(tx_broken, ln)]
    assert len(hits) == 2, driver_lines(fe)
    assert fe.port_info(0).get("Link status") == "down", fe.tail()
    assert not peer.errors, peer.errors
    quit_cleanly(fe)
