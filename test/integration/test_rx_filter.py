# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The device's receive filter (virtio 1.2, 5.1.6.5.1 to 5.1.6.5.3; ctrl.h):
# with cq=1 the port's promiscuous and all-multicast modes, its MAC
# addresses and multicast list, and its VLAN filter decide which frames the
# application receives, whatever the back-end delivers. The scripted
# vhost-user back-end (vhost_user_peer.py) writes frames with chosen
# destinations and VLAN tags into the receive queue; testpmd (rxonly)
# counts what it got, and the rx_q0_filtered_packets xstat what the filter
# dropped. Every frame is accounted for on both sides.

import re
import struct
import time

import vhost_user_peer as vp
from test_hostile_backend import (_take_rx, _used, frontend_args,  # noqa
                                  peer_factory, quit_cleanly)

MAC = "02:00:00:00:00:01"          # the port's address (mac= devarg)
OTHER = "02:00:00:00:00:77"        # someone else's unicast address
EXTRA = "02:00:00:00:00:99"        # added with `mac_addr add`
MCAST = "01:00:5e:00:00:01"        # an IPv4 multicast group's address
BCAST = "ff:ff:ff:ff:ff:ff"


def _frame(dst, vid=None):
    """A 64-byte frame to @dst, 802.1Q-tagged with @vid if given."""
    head = bytes.fromhex(dst.replace(":", "")) + bytes.fromhex("020000000002")
    if vid is not None:
        head += struct.pack(">HH", 0x8100, vid)
    head += struct.pack(">H", 0x0800)
    return head + bytes(64 - len(head))


class Feeder:
    """Writes frames into the receive buffers the driver posted, in order,
    and keeps count."""

    def __init__(self, peer):
        self.peer = peer
        self.v, self.bufs = _take_rx(peer)
        self.next = 0

    def send(self, frames):
        with self.peer.lock:
            entries = []
            for f in frames:
                i, chain = self.bufs[self.next]
                self.next += 1
                self.peer.write(chain[0][0],
                                struct.pack("<10xH", 1) + f)
                entries.append((i, vp.NET_HDR_SIZE + len(f)))
            _used(self.peer, self.v, entries)


def _counts(fe):
    out = fe.cmd("show port xstats 0")
    m = re.search(r"rx_q0_filtered_packets:\s+(\d+)", out)
    assert m, out
    return fe.port_stats(0)["rx_packets"], int(m.group(1))


def _deliver(fe, feeder, frames, want_rx, want_filtered):
    """Send @frames; wait until all are counted one way or the other, then
    check how many were received and how many filtered."""
    rx0, f0 = _counts(fe)
    feeder.send(frames)
    deadline = time.monotonic() + 10
    while True:
        rx, filt = _counts(fe)
        if rx - rx0 + filt - f0 >= len(frames) or \
                time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert (rx - rx0, filt - f0) == (want_rx, want_filtered), \
        "received %d filtered %d, expected %d and %d\n%s" % (
            rx - rx0, filt - f0, want_rx, want_filtered, fe.tail())


def test_rx_filter(spawn, vxpath_plugin, peer_factory):
    """Promiscuous mode off: own address, broadcast and the MAC table in;
    other unicast out; multicast only with all-multicast or in the list.
    VLAN filter on: tagged frames only with a VLAN id of the table,
    untagged ones in. Promiscuous mode on again: everything in."""
    peer = peer_factory()
    fe = spawn("frontend", frontend_args(vxpath_plugin, peer.path,
                                         "cq=1,mac=%s" % MAC),
               ["--total-num-mbufs=8192"])
    assert fe.port_info(0).get("Link status") == "up", fe.tail()
    feeder = Feeder(peer)
    fe.cmd("set fwd rxonly")
    fe.cmd("start")

    # testpmd turned promiscuous mode on at start: nothing is filtered.
    _deliver(fe, feeder, [_frame(OTHER), _frame(MCAST)], 2, 0)

    fe.cmd("set promisc 0 off")
    _deliver(fe, feeder, [_frame(MAC), _frame(BCAST), _frame(OTHER),
                          _frame(MCAST), _frame(EXTRA)], 2, 3)
    fe.cmd("set allmulti 0 on")
    _deliver(fe, feeder, [_frame(MCAST), _frame(OTHER)], 1, 1)
    fe.cmd("set allmulti 0 off")
    out = fe.cmd("mac_addr add 0 %s" % EXTRA)
    assert "error" not in out.lower(), out
    _deliver(fe, feeder, [_frame(EXTRA), _frame(MCAST)], 1, 1)
    out = fe.cmd("mcast_addr add 0 %s" % MCAST)
    assert "error" not in out.lower(), out
    _deliver(fe, feeder, [_frame(MCAST)], 1, 0)

    # VLAN filter: on the port's own address, ids of the table only.
    fe.cmd("vlan set filter on 0")
    out = fe.cmd("rx_vlan add 100 0")
    assert "error" not in out.lower(), out
    _deliver(fe, feeder, [_frame(MAC, 100), _frame(MAC, 200), _frame(MAC)],
             2, 1)
    fe.cmd("vlan set filter off 0")
    _deliver(fe, feeder, [_frame(MAC, 200)], 1, 0)

    fe.cmd("set promisc 0 on")
    _deliver(fe, feeder, [_frame(OTHER), _frame(MCAST)], 2, 0)
    fe.cmd("stop")
    assert not peer.errors, peer.errors
    quit_cleanly(fe)
