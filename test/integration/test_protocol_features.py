# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# vhost-user protocol features (issue 4): each is negotiated only where the
# back-end offers it, and each comes with its message.
#
# Against DPDK 22.11's net_vhost (a second testpmd), which offers MQ,
# REPLY_ACK, NET_MTU, BACKEND_REQ (SLAVE_REQ) and STATUS among the features
# vxpath knows, but not CONFIG, RESET_DEVICE or CONFIGURE_MEM_SLOTS: the
# driver's INFO line names what was offered and what is in use, DEBUG lines
# on the front-end and librte_vhost's own lines on the back-end show the
# messages (SET_BACKEND_REQ_FD, SET_STATUS up to DRIVER_OK and back,
# NET_SET_MTU), traffic crosses with counts that agree on both sides, and
# without --single-file-segments the probe fails with one line saying so.
#
# Against the scripted back-end of vhost_user_peer.py, for what net_vhost
# lacks: CONFIG (the port takes the back-end's MAC; CONFIG_CHANGE_MSG on the
# back-end channel brings the link down and up with LSC events), the
# back-end channel's refusals (unknown and unserved requests get a negative
# reply, a malformed one closes the channel, the port keeps working),
# CONFIGURE_MEM_SLOTS (GET_MAX_MEM_SLOTS = 509, one ADD_MEM_REG per region,
# no SET_MEM_TABLE, more than 8 regions without --single-file-segments) and
# memory hot-plug (a port attached while port 0 is started makes DPDK map
# more hugepages: ADD_MEM_REG reaches port 0's back-end; closing that port
# frees them: REM_MEM_REG; both ports forward through the new memory and
# port 0 keeps forwarding after), RESET_DEVICE and SET_STATUS 0 at close,
# never RESET_OWNER. The same hot-plug against net_vhost takes the
# SET_MEM_TABLE path: port 0's back-end gets a grown, then a shrunk table
# while port 0 is started, and forwards on.

import os
import re
import select
import socket
import struct
import time

import pytest

import vhost_user_peer as vp
from test_vhost_user import (APP_ARGS, _new_sock,
                             _start_backend, check_traffic, quit_cleanly,
                             run_traffic)

# A driver line (VXPATH_LOG) and the set-up line that names the protocol
# features.
_DRIVER_LINE = re.compile(r"(^|\s)vxpath: [A-Za-z_]\w*\(\): ")
_PROTO_LINE = re.compile(
    r"protocol features offered 0x([0-9a-f]+) \(([^)]*)\), in use "
    r"0x([0-9a-f]+) \(([^)]*)\)")
LSC_EVENT = "Port 0: link state change event"

# Protocol feature bits (vhost-user spec).
MQ, REPLY_ACK, NET_MTU, BACKEND_REQ = 0, 3, 4, 5
CONFIG, RESET_DEVICE, MEM_SLOTS, STATUS = 9, 13, 15, 16
# What vxpath takes when offered (MQ only with queues > 1).
WANTED = ((1 << REPLY_ACK) | (1 << NET_MTU) | (1 << BACKEND_REQ) |
          (1 << CONFIG) | (1 << RESET_DEVICE) | (1 << MEM_SLOTS) |
          (1 << STATUS))

# Device status bits (virtio 1.2, 2.1).
S_ACKNOWLEDGE, S_DRIVER, S_DRIVER_OK, S_FEATURES_OK = 1, 2, 4, 8

# virtio-net feature bits the scripted back-end offers besides the defaults.
VIRTIO_NET_F_MTU = 3
VIRTIO_NET_F_MAC = 5
VIRTIO_NET_F_STATUS = 16
VIRTIO_NET_S_LINK_UP = 1

# Back-end request codes (spec, "Back-end message types").
class vp_backend:  # noqa: N801 - a namespace, named as the spec's
    IOTLB_MSG = 1
    CONFIG_CHANGE_MSG = 2
    VRING_HOST_NOTIFIER_MSG = 3


PEER_MAC = "02:11:22:33:44:55"
PEER_MTU = 1500


def driver_lines(p):
    out = []
    for ln in p.log_text().splitlines():
        m = _DRIVER_LINE.search(ln)
        if m:
            out.append(ln[ln.index("vxpath: ", m.start()):])
    return out


def proto_line(fe):
    """(offered, offered names, in use, in use names) of the set-up line."""
    m = _PROTO_LINE.search(fe.log_text())
    assert m, "no protocol features line\n" + fe.tail()
    return (int(m.group(1), 16), m.group(2), int(m.group(3), 16),
            m.group(4))


def fe_args(plugin, sock, devargs="", single_file=True, debug=True):
    vdev = "virtio_user0,path=%s" % sock
    if devargs:
        vdev += "," + devargs
    args = ["-l", "0,1", "--file-prefix", "vxfe%d" % os.getpid(),
            "--no-pci", "-d", plugin, "--vdev", vdev,
            "--log-level=pmd.net.vxpath:%s" % ("debug" if debug else "info")]
    if single_file:
        args.append("--single-file-segments")
    return args


# --- net_vhost ----------------------------------------------------------

def test_net_vhost_protocol_features(spawn, run_dir, vxpath_plugin):
    """What net_vhost offers is negotiated, each with its message; traffic
    crosses; the MTU reaches the back-end; stop and close walk the status
    back; no RESET_OWNER."""
    sock = _new_sock(run_dir)
    be = spawn("backend", [
        "-l", "0,1", "--main-lcore", "1",
        "--file-prefix", "vxvh%d" % os.getpid(),
        "--single-file-segments", "--no-pci",
        "--log-level=lib.vhost.config:debug",
        "--vdev", "net_vhost0,iface=%s,queues=1" % sock,
    ], APP_ARGS)
    fe = spawn("frontend", fe_args(vxpath_plugin, sock), APP_ARGS)
    be.drain()  # librte_vhost's DEBUG lines: keep its terminal flowing
    assert fe.port_info(0).get("Driver name") == "net_vxpath", fe.tail()

    offered, offered_names, in_use, in_use_names = proto_line(fe)
    print("net_vhost protocol features: offered 0x%x (%s), in use 0x%x "
          "(%s)" % (offered, offered_names, in_use, in_use_names))
    assert in_use == offered & WANTED, (hex(offered), hex(in_use))
    # DPDK 22.11's and 24.11's librte_vhost, measured: these four, none of
    # the others.
    for bit in (REPLY_ACK, NET_MTU, BACKEND_REQ, STATUS):
        assert in_use & (1 << bit), in_use_names
    for bit in (CONFIG, RESET_DEVICE, MEM_SLOTS):
        assert not offered & (1 << bit), offered_names

    lines = driver_lines(fe)
    text = "\n".join(lines)
    # BACKEND_REQ: the channel's fd went over, acked (REPLY_ACK).
    assert re.search(r"VHOST_USER_SET_BACKEND_REQ_FD \(0 payload bytes, 1 "
                     r"fds, need_reply\)", text), text
    # STATUS: the 3.1.1 sequence, DRIVER_OK once the rings are handed over.
    statuses = [int(s, 16) for s in
                re.findall(r"VHOST_USER_SET_STATUS 0x([0-9a-f]+)", text)]
    assert statuses[:4] == [
        S_ACKNOWLEDGE, S_ACKNOWLEDGE | S_DRIVER,
        S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK,
        S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK], statuses
    assert "VHOST_USER_GET_STATUS" in text, text
    # The back-end saw them too (librte_vhost's own log).
    be.drain()
    be_log = be.log_text()
    # librte_vhost names the back-end channel's request SLAVE up to DPDK
    # 22.11 and BACKEND from 23.03 on (24.11, 25.11).
    for names in (("VHOST_USER_SET_STATUS",), ("VHOST_USER_GET_STATUS",),
                  ("VHOST_USER_SET_SLAVE_REQ_FD",
                   "VHOST_USER_SET_BACKEND_REQ_FD")):
        assert any(n in be_log for n in names), \
            "%s not in the back-end's log\n%s" % (" or ".join(names),
                                                   be.tail())

    fs, bs = run_traffic(fe, be)
    check_traffic(fe, be, fs, bs)

    # NET_MTU with VIRTIO_NET_F_MTU negotiated: the back-end acks the MTU.
    out = fe.cmd("port config mtu 0 1400")
    assert "error" not in out.lower(), out
    fe.drain()
    assert any("VHOST_USER_NET_SET_MTU 1400" in ln
               for ln in driver_lines(fe)), fe.tail()
    be.drain()
    assert "VHOST_USER_NET_SET_MTU" in be.log_text(), be.tail()

    # Stop takes DRIVER_OK back; start gives it again; traffic resumes.
    fe.cmd("port stop 0")
    fe.cmd("port start 0")
    fs, bs = run_traffic(fe, be)
    check_traffic(fe, be, fs, bs)
    quit_cleanly(fe)
    text = "\n".join(driver_lines(fe))
    statuses = [int(s, 16) for s in
                re.findall(r"VHOST_USER_SET_STATUS 0x([0-9a-f]+)", text)]
    full = S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK
    assert statuses[4:] == [full, full | S_DRIVER_OK, full, 0], statuses
    # No RESET_DEVICE to send, and RESET_OWNER never.
    assert "VHOST_USER_RESET_DEVICE sent" not in text, text
    be.drain()
    assert "RESET_OWNER" not in be.log_text(), be.tail()


def test_net_vhost_per_page_files_refused(spawn, run_dir, vxpath_plugin):
    """2 MB pages in a file each and a back-end without mem slots: the
    probe fails with one line giving the fix; the process lives on."""
    sock = _new_sock(run_dir)
    _start_backend(spawn, sock)
    fe = spawn("frontend", fe_args(vxpath_plugin, sock, single_file=False,
                                   debug=False), APP_ARGS)
    lines = [ln for ln in driver_lines(fe)
             if "--single-file-segments" in ln]
    assert len(lines) == 1, "\n".join(driver_lines(fe))
    assert "CONFIGURE_MEM_SLOTS" in lines[0], lines[0]
    assert fe.port_info(0) == {}, fe.tail()
    quit_cleanly(fe)


def test_net_vhost_memory_hotplug(spawn, run_dir, vxpath_plugin):
    """SET_MEM_TABLE mode (net_vhost): memory DPDK maps while port 0 is
    started (a second port attached and started) reaches port 0's back-end
    in a new table; both ports then forward through it; memory freed when
    that port goes leaves the table again; port 0 forwards on."""
    socks = [_new_sock(run_dir), _new_sock(run_dir)]
    # librte_vhost's INFO lines only: its DEBUG lines would fill the
    # pseudo-terminal while the harness waits on the front-end, and block
    # the back-end's vhost thread in write(2).
    be = spawn("backend", [
        "-l", "0,1", "--main-lcore", "1",
        "--file-prefix", "vxvh%d" % os.getpid(),
        "--single-file-segments", "--no-pci",
        "--vdev", "net_vhost0,iface=%s,queues=1" % socks[0],
        "--vdev", "net_vhost1,iface=%s,queues=1" % socks[1],
    ], APP_ARGS)
    fe = spawn("frontend", fe_args(vxpath_plugin, socks[0]), APP_ARGS)
    assert fe.port_info(0).get("Link status") == "up", fe.tail()

    def tables_sent(port):
        return sum(1 for ln in driver_lines(fe)
                   if "virtio_user%d: memory table of" % port in ln)

    assert tables_sent(0) == 1, fe.tail()
    be.drain()
    out = fe.cmd("port attach virtio_user1,path=%s,queue_size=4096" %
                 socks[1], timeout=60)
    assert "Port 1 is attached" in out, out + fe.tail()
    fe.cmd("port start 1", timeout=60)
    fe.drain()
    lines = driver_lines(fe)
    assert any("virtio_user0: DPDK memory allocated" in ln
               for ln in lines), fe.tail()
    # Port 0 was started all along: its back-end got the grown table.
    assert tables_sent(0) == 2, "\n".join(lines)
    assert fe.port_info(1).get("Link status") == "up", fe.tail()

    # io forwarding both sides, two ports each: every counter pairs up.
    for p in (fe, be):
        p.cmd("clear port stats all")
    be.cmd("start")
    fe.cmd("start tx_first")
    time.sleep(3)
    fe.cmd("stop")
    time.sleep(0.5)
    be.cmd("stop")
    for port in (0, 1):
        fs, bs = fe.port_stats(port), be.port_stats(port)
        ctx = "port %d: front-end %r back-end %r" % (port, fs, bs)
        assert fs["tx_packets"] >= 1000 and bs["tx_packets"] >= 1000, ctx
        assert abs(fs["tx_packets"] - bs["rx_packets"]) <= 128, ctx
        assert abs(bs["tx_packets"] - fs["rx_packets"]) <= 128, ctx
        assert fs["rx_errors"] == 0 and bs["rx_errors"] == 0, ctx

    # Port 1 goes; the pages DPDK frees leave port 0's table.
    fe.cmd("port stop 1", timeout=60)
    fe.cmd("port close 1", timeout=60)
    fe.cmd("port detach 1", timeout=60)
    fe.drain()
    assert any("virtio_user0: DPDK memory freed" in ln
               for ln in driver_lines(fe)), fe.tail()
    assert tables_sent(0) == 3, "\n".join(driver_lines(fe))
    assert not any("cannot follow" in ln for ln in driver_lines(fe)), \
        fe.tail()
    # Port 0 alone (the back-end loops its port 0 onto itself).
    be.cmd("set portlist 0")
    fs, bs = run_traffic(fe, be)
    check_traffic(fe, be, fs, bs)
    be.drain()
    # librte_vhost mapped port 0's memory three times (start, growth,
    # shrink): its INFO line per region.
    n = len(re.findall(r"%s\) guest memory region size" % re.escape(socks[0]),
                       be.log_text()))
    assert n >= 3, be.tail()
    quit_cleanly(fe)


# --- scripted back-end: what net_vhost lacks ------------------------------

class ProtocolPeer(vp.VhostUserPeer):
    """The scripted back-end with CONFIG, BACKEND_REQ, STATUS,
    RESET_DEVICE and CONFIGURE_MEM_SLOTS served."""

    def __init__(self, path, protocol_features, max_mem_slots=509,
                 extra_features=0, **kw):
        features = (vp.DEFAULT_FEATURES | (1 << VIRTIO_NET_F_MAC) |
                    (1 << VIRTIO_NET_F_STATUS) | (1 << VIRTIO_NET_F_MTU) |
                    extra_features)
        super().__init__(path, features=features,
                         protocol_features=protocol_features, **kw)
        self.max_mem_slots = max_mem_slots
        self.link_status = VIRTIO_NET_S_LINK_UP
        self.status = 0
        self.statuses = []
        self.bch = None
        self.added = 0
        self.removed = 0
        self.handlers.update({
            vp.GET_CONFIG: ProtocolPeer.on_get_config,
            vp.SET_BACKEND_REQ_FD: ProtocolPeer.on_set_backend_req_fd,
            vp.SET_STATUS: ProtocolPeer.on_set_status,
            vp.GET_STATUS: ProtocolPeer.on_get_status,
            vp.GET_MAX_MEM_SLOTS: ProtocolPeer.on_get_max_mem_slots,
            vp.ADD_MEM_REG: ProtocolPeer.on_add_mem_reg,
            vp.REM_MEM_REG: ProtocolPeer.on_rem_mem_reg,
        })

    def config_space(self):
        """virtio_net_config: mac, status, max_virtqueue_pairs, mtu."""
        mac = bytes(int(b, 16) for b in PEER_MAC.split(":"))
        return mac + struct.pack("<HHH", self.link_status, 1, PEER_MTU)

    def on_get_config(self, msg):
        offset, size, flags = struct.unpack_from("<III", msg.payload)
        assert len(msg.payload) == 12 + size, msg
        data = self.config_space()[offset:offset + size]
        return struct.pack("<III", offset, size, flags) + \
            data.ljust(size, b"\0")

    def on_set_backend_req_fd(self, msg):
        if len(msg.fds) != 1:
            raise vp.PeerError("SET_BACKEND_REQ_FD with %d fds" %
                               len(msg.fds))
        self.bch = socket.socket(fileno=msg.fds.pop())

    def on_set_status(self, msg):
        self.status = msg.u64()
        self.statuses.append(self.status)

    def on_get_status(self, msg):
        return struct.pack("<Q", self.status)

    def on_get_max_mem_slots(self, msg):
        return struct.pack("<Q", self.max_mem_slots)

    def on_add_mem_reg(self, msg):
        _pad, ga, size, ua, off = struct.unpack_from("<QQQQQ", msg.payload)
        if len(msg.payload) != 40 or len(msg.fds) != 1:
            raise vp.PeerError("ADD_MEM_REG of %d bytes with %d fds" %
                               (len(msg.payload), len(msg.fds)))
        if len(self.regions) >= self.max_mem_slots:
            raise vp.PeerError("ADD_MEM_REG beyond %d slots" %
                               self.max_mem_slots)
        for r in self.regions:
            if ga < r.guest_addr + r.size and r.guest_addr < ga + size:
                raise vp.PeerError("ADD_MEM_REG 0x%x+%d overlaps 0x%x+%d" %
                                   (ga, size, r.guest_addr, r.size))
        # Mapping the fd checks it, the offset and the size.
        self.regions.append(vp.Region(ga, size, ua, off, msg.fds[0]))
        self.added += 1

    def on_rem_mem_reg(self, msg):
        _pad, ga, size, ua, _off = struct.unpack_from("<QQQQQ", msg.payload)
        if msg.fds:
            raise vp.PeerError("REM_MEM_REG with %d fds" % len(msg.fds))
        for r in self.regions:
            if (r.guest_addr, r.size, r.user_addr) == (ga, size, ua):
                self.regions.remove(r)
                r.close()
                self.removed += 1
                return None
        raise vp.PeerError("REM_MEM_REG of unknown region 0x%x+%d" %
                           (ga, size))

    # --- the back-end channel -------------------------------------------

    def bch_send(self, request, payload=b"", flags=vp.VERSION |
                 vp.FLAG_NEED_REPLY, size=None):
        hdr = vp.HDR.pack(request, flags,
                          len(payload) if size is None else size)
        self.bch.sendall(hdr + payload)

    def bch_reply(self, request, timeout=10):
        """The front-end's reply to request: its u64."""
        deadline = time.monotonic() + timeout
        buf = b""
        while len(buf) < 20:
            left = deadline - time.monotonic()
            assert left > 0, "no reply on the back-end channel"
            r, _, _ = select.select([self.bch], [], [], left)
            if r:
                data = self.bch.recv(20 - len(buf))
                assert data, "back-end channel closed before the reply"
                buf += data
        req, flags, size = vp.HDR.unpack_from(buf)
        assert (req, flags, size) == (request, vp.VERSION | vp.FLAG_REPLY,
                                      8), (req, flags, size)
        return struct.unpack_from("<Q", buf, 12)[0]

    def bch_closed(self, timeout=10):
        """Whether the front-end closed its end (EOF) within timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.bch], [], [], 0.2)
            if r and self.bch.recv(64) == b"":
                return True
        return False

    def close(self):
        super().close()
        if self.bch is not None:
            self.bch.close()
            self.bch = None


@pytest.fixture
def protocol_peer(run_dir):
    peers = []

    def _make(**kwargs):
        path = os.path.join(run_dir, "pp%d.sock" % (len(peers) + 1))
        p = ProtocolPeer(path, **kwargs)
        peers.append(p)
        return p.start()

    yield _make
    for p in peers:
        p.close()


def loop_traffic(fe, peers, seconds=2):
    """io forwarding with the peers looping frames back: returns the
    port 0 stats; the frames each peer looped are in peer.looped."""
    fe.cmd("clear port stats all")
    before = [p.looped for p in peers]
    fe.cmd("start tx_first")
    time.sleep(seconds)
    fe.cmd("stop")
    time.sleep(0.3)
    return [p.looped - b for p, b in zip(peers, before)]


def test_peer_config_backend_channel(spawn, vxpath_plugin, protocol_peer):
    """CONFIG: the back-end's MAC; CONFIG_CHANGE_MSG moves the link with
    LSC events; unknown and unserved back-end requests are refused; a
    malformed one closes the channel and nothing else; STATUS and
    RESET_DEVICE at close."""
    peer = protocol_peer(
        protocol_features=(1 << REPLY_ACK) | (1 << CONFIG) |
        (1 << BACKEND_REQ) | (1 << STATUS) | (1 << RESET_DEVICE),
        loopback=True)
    fe = spawn("frontend", fe_args(vxpath_plugin, peer.path), APP_ARGS)
    info = fe.port_info(0)
    assert info.get("MAC address") == PEER_MAC, "%r\n%s" % (info, fe.tail())
    assert info.get("Link status") == "up", info
    offered, _, in_use, names = proto_line(fe)
    assert in_use == offered & WANTED, names
    assert peer.bch is not None, peer.requests()
    assert peer.statuses[-1] == 0xf, peer.statuses
    assert "GET_CONFIG" in peer.requests(), peer.requests()
    assert not peer.errors, peer.errors

    looped = loop_traffic(fe, [peer])[0]
    st = fe.port_stats(0)
    assert looped >= 1000 and looped == st["tx_packets"], (looped, st)
    assert st["tx_packets"] - 32 <= st["rx_packets"] <= st["tx_packets"]

    # The back-end's link goes down: CONFIG_CHANGE_MSG, acked with 0 ...
    peer.link_status = 0
    mark = fe.mark()
    peer.bch_send(vp_backend.CONFIG_CHANGE_MSG)
    assert peer.bch_reply(vp_backend.CONFIG_CHANGE_MSG) == 0
    # ... the configuration is read again and an LSC event says down.
    fe.wait_output(LSC_EVENT, since=mark, timeout=10)
    assert fe.port_info(0).get("Link status") == "down", fe.tail()
    peer.link_status = VIRTIO_NET_S_LINK_UP
    mark = fe.mark()
    peer.bch_send(vp_backend.CONFIG_CHANGE_MSG)
    assert peer.bch_reply(vp_backend.CONFIG_CHANGE_MSG) == 0
    fe.wait_output(LSC_EVENT, since=mark, timeout=10)
    assert fe.port_info(0).get("Link status") == "up", fe.tail()

    # Unknown and unserved requests: a negative reply, the channel stays.
    peer.bch_send(99, b"\0" * 8)
    assert peer.bch_reply(99) != 0
    peer.bch_send(vp_backend.IOTLB_MSG, b"\0" * 40)
    assert peer.bch_reply(vp_backend.IOTLB_MSG) != 0
    peer.bch_send(vp_backend.VRING_HOST_NOTIFIER_MSG, b"\0" * 24)
    assert peer.bch_reply(vp_backend.VRING_HOST_NOTIFIER_MSG) != 0
    fe.drain()
    refused = [ln for ln in driver_lines(fe) if "is not served" in ln]
    assert len(refused) == 1, refused

    # Malformed (a reply flag on a request): one error, the channel closed.
    peer.bch_send(vp_backend.CONFIG_CHANGE_MSG,
                  flags=vp.VERSION | vp.FLAG_REPLY)
    assert peer.bch_closed(), "the front-end kept a malformed channel"
    fe.drain()
    errs = [ln for ln in driver_lines(fe) if "closing the channel" in ln]
    assert len(errs) == 1, driver_lines(fe)
    # The port works on.
    assert fe.port_info(0).get("Link status") == "up", fe.tail()
    looped = loop_traffic(fe, [peer])[0]
    assert looped >= 1000, looped
    assert not peer.errors, peer.errors

    quit_cleanly(fe)
    reqs = peer.requests()
    assert reqs.count("RESET_DEVICE") == 1, reqs
    assert "RESET_OWNER" not in reqs, reqs
    assert peer.statuses[-1] == 0, peer.statuses


def test_peer_mem_slots_hotplug(spawn, vxpath_plugin, protocol_peer):
    """CONFIGURE_MEM_SLOTS without --single-file-segments: more than 8
    regions, one ADD_MEM_REG each, never SET_MEM_TABLE; memory DPDK maps
    while port 0 is started reaches its back-end (ADD_MEM_REG), memory it
    frees leaves (REM_MEM_REG); traffic crosses all along."""
    pf = (1 << REPLY_ACK) | (1 << MEM_SLOTS)
    peer = protocol_peer(protocol_features=pf, loopback=True)
    # Port 1's back-end: INDIRECT_DESC makes its Tx queue allocate 64
    # descriptors per ring slot (4 MB with queue_size=4096), memory DPDK
    # does not have yet.
    peer2 = protocol_peer(protocol_features=pf, loopback=True,
                          extra_features=1 << vp.VIRTIO_RING_F_INDIRECT_DESC)
    fe = spawn("frontend", fe_args(vxpath_plugin, peer.path,
                                   single_file=False),
               ["--total-num-mbufs=16384"])
    assert fe.port_info(0).get("Link status") == "up", fe.tail()
    assert not peer.errors, peer.errors
    reqs = peer.requests()
    assert "SET_MEM_TABLE" not in reqs, reqs
    assert "GET_MAX_MEM_SLOTS" in reqs, reqs
    # A file per 2 MB page: one region each, more than SET_MEM_TABLE's 8.
    n0 = reqs.count("ADD_MEM_REG")
    assert n0 == len(peer.regions) and n0 > 8, (n0, len(peer.regions))
    looped = loop_traffic(fe, [peer])[0]
    st = fe.port_stats(0)
    assert looped >= 1000 and looped == st["tx_packets"], (looped, st)

    # Memory hot-plug while port 0 is started.
    out = fe.cmd("port attach virtio_user1,path=%s,queue_size=4096" %
                 peer2.path, timeout=60)
    assert "Port 1 is attached" in out, out + fe.tail()
    out = fe.cmd("port start 1", timeout=60)
    peer2.wait_for(vp.SET_VRING_ENABLE)
    added = peer.requests().count("ADD_MEM_REG") - n0
    assert added > 0, "no ADD_MEM_REG for memory mapped after start\n" + \
        fe.tail()
    assert not peer.errors, peer.errors
    # Both ports forward (io: port 0 <-> port 1), port 1's rings in the
    # new memory, port 0's back-end holding it too.
    looped0, looped1 = loop_traffic(fe, [peer, peer2])
    assert looped0 >= 500 and looped1 >= 500, (looped0, looped1)
    s0, s1 = fe.port_stats(0), fe.port_stats(1)
    assert abs(s0["rx_packets"] - s1["tx_packets"]) <= 64, (s0, s1)
    assert abs(s1["rx_packets"] - s0["tx_packets"]) <= 64, (s0, s1)

    # Port 1 goes: its memory is freed, port 0's back-end lets it go.
    fe.cmd("port stop 1", timeout=60)
    fe.cmd("port close 1", timeout=60)
    fe.cmd("port detach 1", timeout=60)
    fe.drain()
    removed = peer.requests().count("REM_MEM_REG")
    assert removed > 0, "no REM_MEM_REG after the memory was freed\n" + \
        fe.tail()
    assert len(peer.regions) == peer.added - peer.removed
    # Port 0 alone again: traffic as before.
    looped = loop_traffic(fe, [peer])[0]
    st = fe.port_stats(0)
    assert looped >= 1000 and looped == st["tx_packets"], (looped, st)
    assert not peer.errors, peer.errors
    assert not any("cannot follow" in ln for ln in driver_lines(fe)), \
        fe.tail()
    print("mem slots: %d regions at start, %d added and %d removed by "
          "hot-plug" % (n0, added, removed))
    quit_cleanly(fe)


@pytest.mark.parametrize("fault", ["offset", "short", "empty", "status",
                                   "features_ok"])
def test_peer_hostile_config_status(spawn, vxpath_plugin, protocol_peer,
                                    fault):
    """Values the back-end writes in GET_CONFIG and GET_STATUS replies are
    checked: a config reply that does not match the request (another
    offset, fewer bytes) or says it failed (no payload) is logged and
    ignored (vxpath serves its own MAC); a status that is not a byte, or
    one without FEATURES_OK, fails the probe with one line."""
    peer = protocol_peer(protocol_features=(1 << REPLY_ACK) |
                         (1 << CONFIG) | (1 << STATUS))

    def bad_config(p, msg):
        offset, size, flags = struct.unpack_from("<III", msg.payload)
        data = p.config_space()[:size]
        if fault == "offset":
            return struct.pack("<III", offset + 4, size, flags) + data
        if fault == "short":
            return struct.pack("<III", offset, size - 2, flags) + \
                data[:size - 2]
        return b""

    def bad_status(p, msg):
        # Not a status byte; or FEATURES_OK cleared (features refused).
        return struct.pack("<Q", 0x10b if fault == "status" else 0x3)

    if fault in ("status", "features_ok"):
        peer.handlers[vp.GET_STATUS] = bad_status
    else:
        peer.handlers[vp.GET_CONFIG] = bad_config
    fe = spawn("frontend", fe_args(vxpath_plugin, peer.path, debug=False),
               APP_ARGS)
    lines = driver_lines(fe)
    if fault in ("status", "features_ok"):
        errs = [ln for ln in lines if "GET_STATUS answered" in ln or
                "did not keep FEATURES_OK" in ln]
        assert len(errs) == 1, "\n".join(lines)
        assert fe.port_info(0) == {}, fe.tail()
    else:
        errs = [ln for ln in lines if "VHOST_USER_GET_CONFIG" in ln]
        assert len(errs) == 1, "\n".join(lines)
        info = fe.port_info(0)
        assert info.get("Link status") == "up", "%r\n%s" % (info, fe.tail())
        assert info.get("MAC address") != PEER_MAC, info
    assert not peer.errors, peer.errors
    quit_cleanly(fe)
