# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Bad input everywhere (issue 4, item 6): each devarg's malformed or
# out-of-range value, and a path that is neither a vhost-user socket nor a
# vhost device, fails the probe with exactly one driver log line that names
# the devarg and its value; no port exists; testpmd keeps answering and
# quits with 0. No back-end is needed: the probe refuses before it would
# connect. (test_vhost_user.py's probe errors run next to a live net_vhost.)

import os
import re

import pytest

from test_hostile_backend import driver_lines, quit_cleanly

APP_ARGS = ["--total-num-mbufs=2048"]

LONG_IFACE = "abcdefghijklmnop"          # 16 characters: IFNAMSIZ is 16


def _cases(run_dir):
    sock = os.path.join(run_dir, "unused.sock")
    p = "path=%s," % sock
    # (id, devargs, pattern the one line must match)
    return [
        ("queues_0", p + "queues=0",
         r"devarg queues=0: out of range \[1, 128\]"),
        ("queue_size_not_pow2", p + "queue_size=1000",
         r"devarg queue_size=1000: not a power of two"),
        ("queue_size_too_large", p + "queue_size=65536",
         r"devarg queue_size=65536: out of range \[64, 32768\]"),
        ("mac_short", p + "mac=02:00:00:00:00",
         r"devarg mac=02:00:00:00:00: not a MAC address"),
        ("mac_multicast", p + "mac=01:00:5e:00:00:01",
         r"devarg mac=01:00:5e:00:00:01: not a unicast address"),
        ("server_2", p + "server=2", r"devarg server=2: out of range"),
        ("unknown_key", p + "reconnect_everything=1",
         r"devarg reconnect_everything is unknown; known: "),
        ("iface_too_long", "path=/dev/vhost-net,iface=" + LONG_IFACE,
         r"devarg iface=%s: interface name must have 1 to 15 characters"
         % LONG_IFACE),
        ("path_regular_file", "path=/etc/passwd",
         r"devarg path=/etc/passwd: neither a Unix socket nor a vhost "
         r"device"),
        ("path_directory", "path=/etc",
         r"devarg path=/etc: neither a Unix socket nor a vhost device"),
        ("path_char_device", "path=/dev/null",
         r"devarg path=/dev/null: a character device, but neither "
         r"/dev/vhost-net nor /dev/vhost-vdpa-N"),
        # vhost-vdpa (issue 19): a device node that does not exist.
        ("path_vdpa_missing", "path=/dev/vhost-vdpa-9",
         r"devarg path=/dev/vhost-vdpa-9: No such file or directory \(is "
         r"the vhost_vdpa module loaded, and the vDPA device added and "
         r"bound to it\?\)"),
        ("iface_vhost_user", p + "iface=vxtap9",
         r"devarg iface=vxtap9: only for /dev/vhost-net \(a TAP\), not for "
         r"the vhost-user socket %s" % re.escape(sock)),
        # The TAP's configuration (vhost-kernel): refused at parse time,
        # before any back-end is opened.
        ("ipv4_malformed", p + "ipv4=10.0.0.300/24",
         r"devarg ipv4=10\.0\.0\.300/24: not an IPv4 address"),
        ("ipv4_no_prefix", p + "ipv4=10.0.0.1",
         r"devarg ipv4=10\.0\.0\.1: no prefix length"),
        ("ipv4_prefix_33", p + "ipv4=10.0.0.1/33",
         r"devarg ipv4=10\.0\.0\.1/33: prefix length out of range "
         r"\[1, 32\]"),
        ("ipv6_prefix_129", p + "ipv6=fd00::1/129",
         r"devarg ipv6=fd00::1/129: prefix length out of range \[1, 128\]"),
        ("ipv6_multicast", p + "ipv6=ff02::1/64",
         r"devarg ipv6=ff02::1/64: multicast address: not for an "
         r"interface"),
        ("gateway4_prefix", p + "gateway4=10.0.0.1/24",
         r"devarg gateway4=10\.0\.0\.1/24: a gateway is an address, "
         r"without a prefix length"),
        ("gateway4_off_subnet", p + "ipv4=10.0.0.1/24,gateway4=10.0.1.1",
         r"devarg gateway4=10\.0\.1\.1: not within the prefix of "
         r"ipv4=10\.0\.0\.1/24"),
        ("gateway6_tap_down", p + "gateway6=fe80::1,tap_up=0",
         r"devarg gateway6=fe80::1: a route needs the TAP up, and tap_up=0 "
         r"keeps it down"),
        ("tap_up_2", p + "tap_up=2",
         r"devarg tap_up=2: out of range \[0, 1\]"),
        ("ipv4_vhost_user", p + "ipv4=10.0.0.1/24",
         r"devarg ipv4=10\.0\.0\.1/24: only for /dev/vhost-net \(a TAP\), "
         r"not for the vhost-user socket %s" % re.escape(sock)),
        ("tap_up_vhost_user", p + "tap_up=1",
         r"devarg tap_up=1: only for /dev/vhost-net \(a TAP\), not for the "
         r"vhost-user socket %s" % re.escape(sock)),
        ("netns_malformed", p + "netns=a/b",
         r"devarg netns=a/b: neither a namespace name"),
        ("netns_vhost_user", p + "netns=vxblue",
         r"devarg netns=vxblue: only for /dev/vhost-net \(a TAP\), not for "
         r"the vhost-user socket %s" % re.escape(sock)),
        ("bridge_template", "path=/dev/vhost-net,bridge=br%d",
         r"devarg bridge=br%d: the name of an existing interface, not a "
         r"template"),
        ("bridge_vhost_user", p + "bridge=vxbr0",
         r"devarg bridge=vxbr0: only for /dev/vhost-net \(a TAP\), not for "
         r"the vhost-user socket %s" % re.escape(sock)),
        ("metric_too_large", "path=/dev/vhost-net,metric=4294967296",
         r"devarg metric=4294967296: not a decimal number"),
        ("metric_no_gateway", "path=/dev/vhost-net,ipv4=10.0.0.1/24,"
         "metric=100",
         r"devarg metric=100: the metric of the default routes, and there "
         r"is none: give gateway4= or gateway6="),
        ("tap_attach_2", "path=/dev/vhost-net,iface=vxpers0,tap_attach=2",
         r"devarg tap_attach=2: out of range \[0, 1\]"),
        ("tap_attach_no_iface", "path=/dev/vhost-net,tap_attach=1",
         r"devarg tap_attach=1: needs iface=NAME, the name of the existing "
         r"TAP"),
        ("tap_attach_template", "path=/dev/vhost-net,iface=vx%d,tap_attach=1",
         r"devarg tap_attach=1: needs iface=NAME, the name of the existing "
         r"TAP, not a template with '%'"),
        ("tap_attach_vhost_user", p + "iface=vxpers0,tap_attach=1",
         r"devarg tap_attach=1: only for /dev/vhost-net \(a TAP\), not for "
         r"the vhost-user socket %s" % re.escape(sock)),
        ("vhost_worker_word", "path=/dev/vhost-net,vhost_worker=threads",
         r"devarg vhost_worker=threads: not one of auto, kthread, task"),
        ("vhost_worker_vhost_user", p + "vhost_worker=kthread",
         r"devarg vhost_worker=kthread: only for /dev/vhost-net \(a TAP\), "
         r"not for the vhost-user socket %s" % re.escape(sock)),
        ("tx_coalesce_2", "path=/dev/vhost-net,tx_coalesce=2",
         r"devarg tx_coalesce=2: out of range \[0, 1\]"),
        ("tx_coalesce_vhost_user", p + "tx_coalesce=1",
         r"devarg tx_coalesce=1: only for /dev/vhost-net \(a TAP\), not for "
         r"the vhost-user socket %s" % re.escape(sock)),
        ("path_missing", "path=" + sock,
         r"cannot connect to vhost-user socket %s: No such file or "
         r"directory" % re.escape(sock)),
    ]


_IDS = [c[0] for c in _cases("/x")]


@pytest.mark.parametrize("case", _IDS)
def test_bad_devarg(spawn, vxpath_plugin, run_dir, case):
    _, devargs, pattern = next(c for c in _cases(run_dir) if c[0] == case)
    fe = spawn("frontend", [
        "-l", "0,1", "--file-prefix", "vxfe%d" % os.getpid(),
        "--no-pci", "-m", "64", "-d", vxpath_plugin,
        "--vdev", "virtio_user0," + devargs], APP_ARGS)
    lines = driver_lines(fe)
    hits = [ln for ln in lines if re.search(pattern, ln)]
    assert len(hits) == 1, "want one line matching %r:\n%s\n%s" % (
        pattern, "\n".join(lines), fe.tail())
    # Nothing else of the driver's at error level: the one line says it.
    others = [ln for ln in lines if ln not in hits and
              re.search(r"error|fail|cannot|invalid", ln, re.I)]
    assert not others, others
    print("error line: %s" % hits[0])
    assert fe.port_info(0) == {}, fe.tail()
    assert "No probed ethernet devices" in fe.log_text(), fe.tail()
    quit_cleanly(fe)
