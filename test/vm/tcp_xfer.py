#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Bulk TCP transfers with a SHA-256 of the payload taken by each end, for
# the offload scene of the test VM (test/vm/tso-lro.sh). The server takes
# one connection per direction of --dirs (default up,down), in that order:
#   "up":   it reads until the peer closes and hashes what came;
#   "down": it sends BYTES random bytes, hashes them, then closes.
# The client makes one of those connections (--dir up or down) and does
# the other side of it. Each end writes key=value lines to --out:
#   server: up_recv_bytes, up_recv_sha256, down_sent_bytes, down_sent_sha256
#   client: DIR_sent_bytes/DIR_sent_sha256 (up) or DIR_recv_* (down)
# plus status=ok, or status=error and error=<why> (the server also
# DIR_error for the connection that failed). A stalled transfer
# ends after --timeout seconds without progress (socket timeout).
#
# Usage: tcp_xfer.py server --bind ADDR --port PORT --bytes N --out FILE
#                           [--dirs up,down]
#        tcp_xfer.py client --connect ADDR --port PORT --bytes N
#                           --dir up|down --out FILE
# Exit status: 0 transfer(s) complete, 1 an error (written to --out too).

import argparse
import hashlib
import os
import socket
import sys

CHUNK = 65536


def send_all(conn, nbytes, res, key):
    """Send nbytes random bytes; record their count and SHA-256."""
    h = hashlib.sha256()
    data = os.urandom(nbytes)
    h.update(data)
    view = memoryview(data)
    sent = 0
    try:
        while sent < nbytes:
            sent += conn.send(view[sent:sent + CHUNK])
    finally:
        res[key + "_sent_bytes"] = sent
        res[key + "_sent_sha256"] = h.hexdigest()
    conn.shutdown(socket.SHUT_WR)
    # Wait for the peer's close: every byte was then received.
    while conn.recv(CHUNK):
        pass


def recv_all(conn, res, key):
    """Read until the peer closes; record the count and SHA-256."""
    h = hashlib.sha256()
    got = 0
    try:
        while True:
            b = conn.recv(CHUNK)
            if not b:
                break
            h.update(b)
            got += len(b)
    finally:
        res[key + "_recv_bytes"] = got
        res[key + "_recv_sha256"] = h.hexdigest()


def why(e):
    return ("%s: %s" % (type(e).__name__, e)).replace("\n", " ")


def write(path, res):
    with open(path, "w") as f:
        for k, v in res.items():
            f.write("%s=%s\n" % (k, v))


def server(a, res):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.bind, a.port))
    ls.listen(1)
    ls.settimeout(a.timeout)
    failed = None
    for key in a.dirs.split(","):
        # One direction failing does not keep the other from being tried.
        try:
            conn, _ = ls.accept()
            conn.settimeout(a.timeout)
            with conn:
                if key == "up":
                    recv_all(conn, res, key)
                else:
                    send_all(conn, a.bytes, res, key)
        except OSError as e:
            failed = failed or e
            res[key + "_error"] = why(e)
        write(a.out, res)
    if failed:
        raise failed


def client(a, res):
    conn = socket.create_connection((a.connect, a.port), timeout=a.timeout)
    with conn:
        if a.dir == "up":
            send_all(conn, a.bytes, res, a.dir)
        else:
            recv_all(conn, res, a.dir)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("role", choices=("server", "client"))
    p.add_argument("--bind")
    p.add_argument("--connect")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--dir", choices=("up", "down"))
    p.add_argument("--dirs", default="up,down")
    p.add_argument("--out", required=True)
    p.add_argument("--timeout", type=float, default=60.0)
    a = p.parse_args()
    if a.role == "server" and (not a.dirs or set(a.dirs.split(",")) -
                               {"up", "down"}):
        p.error("--dirs: a comma-separated list of up and down")
    res = {}
    try:
        if a.role == "server":
            server(a, res)
        else:
            client(a, res)
        res["status"] = "ok"
        rc = 0
    except (OSError, ValueError) as e:
        res["status"] = "error"
        res["error"] = why(e)
        rc = 1
    write(a.out, res)
    return rc


if __name__ == "__main__":
    sys.exit(main())
