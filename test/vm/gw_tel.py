#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# A client of vxpath-gateway's telemetry (DPDK's telemetry socket,
# <runtime dir>/dpdk_telemetry.v2: send a command, read one JSON reply),
# for the gateway scene of the test VM (test/vm/gateway.sh).
#
# Usage: gw_tel.py SOCKET get COMMAND
#            print the reply's value as key=value lines (a dict) or as
#            it is
#        gw_tel.py SOCKET stats N
#            the counters of ports 0 to N-1 (/vxpath_gw/stats,P) as
#            P_key=value lines
#        gw_tel.py SOCKET route-delay KEY -- CMD...
#            read /vxpath_gw/fib, run CMD (ip route add ..., which returns
#            once the kernel has the route), then read /vxpath_gw/fib
#            every millisecond until KEY (routes4, routes6) changes;
#            print delay_ms=<ms from CMD's return to the change> (or
#            delay_ms=timeout after 5 s) and cmd_exit=<CMD's status>
# Exit status: 0, 1 when the socket cannot be used.

import json
import socket
import subprocess
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    s.recv(4096)  # the greeting: version, pid, max_output_len
    return s


def query(s, cmd):
    s.send(cmd.encode())
    reply = json.loads(s.recv(1 << 20).decode())
    return reply.get(cmd.split(",")[0])


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: gw_tel.py SOCKET get CMD | route-delay KEY -- CMD")
    path, what = sys.argv[1], sys.argv[2]
    try:
        s = connect(path)
    except OSError as e:
        print("error=%s" % e)
        return 1
    if what == "get":
        v = query(s, sys.argv[3])
        if isinstance(v, dict):
            for k, x in v.items():
                print("%s=%s" % (k, x))
        else:
            print(v)
        return 0
    if what == "stats":
        for p in range(int(sys.argv[3])):
            for k, x in query(s, "/vxpath_gw/stats,%d" % p).items():
                print("%d_%s=%s" % (p, k, x))
        return 0
    if what == "route-delay":
        key = sys.argv[3]
        cmd = sys.argv[sys.argv.index("--") + 1:]
        before = query(s, "/vxpath_gw/fib")[key]
        rc = subprocess.call(cmd)
        t0 = time.monotonic()
        delay = "timeout"
        while time.monotonic() - t0 < 5:
            if query(s, "/vxpath_gw/fib")[key] != before:
                delay = "%.1f" % ((time.monotonic() - t0) * 1000)
                break
            time.sleep(0.001)
        print("delay_ms=%s" % delay)
        print("cmd_exit=%d" % rc)
        return 0
    sys.exit("gw_tel.py: unknown request " + what)


if __name__ == "__main__":
    sys.exit(main())
