#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# A UDP flood of small datagrams and its receiver, for the exception-path
# benchmark (devtools/exception-bench.sh): the sender sends PAYLOAD-byte
# datagrams (18 bytes: 64-byte Ethernet frames) to ADDR:PORT as fast as one
# Python thread can for SECONDS; the receiver counts what arrives until
# IDLE seconds pass without a datagram (after the first one).
#
# Usage: udp_flood.py send --to ADDR --port PORT --seconds S [--payload N]
#        udp_flood.py recv --bind ADDR --port PORT [--idle S] --out FILE
# Output (key=value): send: sent=N seconds=S; recv (to --out): received=N
# bytes=B first_to_last_s=T.
# Exit status: 0; 1 when the socket cannot be made.

import argparse
import socket
import sys
import time


def send(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    data = bytes(a.payload)
    n = 0
    t0 = time.monotonic()
    end = t0 + a.seconds
    while time.monotonic() < end:
        for _ in range(64):
            try:
                s.sendto(data, (a.to, a.port))
                n += 1
            except OSError:
                pass  # ENOBUFS: the qdisc is full; go on
    print("sent=%d" % n)
    print("seconds=%.3f" % (time.monotonic() - t0))
    return 0


def recv(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((a.bind, a.port))
    n = nbytes = 0
    first = last = None
    s.settimeout(None)
    while True:
        try:
            d = s.recv(2048)
        except socket.timeout:
            break
        now = time.monotonic()
        if first is None:
            first = now
            s.settimeout(a.idle)
        last = now
        n += 1
        nbytes += len(d)
    with open(a.out, "w") as f:
        f.write("received=%d\nbytes=%d\nfirst_to_last_s=%.3f\n" %
                (n, nbytes, (last - first) if first else 0.0))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    ps = sub.add_parser("send")
    ps.add_argument("--to", required=True)
    ps.add_argument("--port", type=int, required=True)
    ps.add_argument("--seconds", type=float, required=True)
    ps.add_argument("--payload", type=int, default=18)
    pr = sub.add_parser("recv")
    pr.add_argument("--bind", required=True)
    pr.add_argument("--port", type=int, required=True)
    pr.add_argument("--idle", type=float, default=2.0)
    pr.add_argument("--out", required=True)
    a = p.parse_args()
    return send(a) if a.cmd == "send" else recv(a)


if __name__ == "__main__":
    sys.exit(main())
