#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Bulk TCP transfers with a SHA-256 of the payload taken by each end, for
# the offload scenes of the test VM (test/vm/tso-lro.sh, coalesce.sh), over
# IPv4 or IPv6 (an address with a colon). The server takes
# one connection per direction of --dirs (default up,down), in that order:
#   "up":   it reads until the peer closes and hashes what came;
#   "down": it sends BYTES random bytes, hashes them, then closes.
# The client makes one of those connections (--dir up or down) and does
# the other side of it. Each end writes key=value lines to --out:
#   server: up_recv_bytes, up_recv_sha256, down_sent_bytes, down_sent_sha256
#   client: DIR_sent_bytes/DIR_sent_sha256 (up) or DIR_recv_* (down)
# plus status=ok, or status=error and error=<why> (the server also
# DIR_error for the connection that failed). A stalled transfer
# ends after --timeout seconds without progress (socket timeout); the
# server waits for its connections without a limit (its caller ends it).
#
# --flows N (both ends, default 1): N connections at once instead of one,
# each moving --bytes in its own thread (the multi-queue scene of
# devtools/exception-path.sh: distinct source ports, so the kernel's flow
# hash spreads them over queues). The server accepts N connections per
# direction, then serves them together. Each flow's keys are then named
# DIR.PORT_* with PORT the client's source port (the server sees it as the
# peer's port), so the two ends' files pair up flow by flow; a flow that
# failed has DIR.PORT_error.
#
# Usage: tcp_xfer.py server --bind ADDR --port PORT --bytes N --out FILE
#                           [--dirs up,down] [--flows N]
#        tcp_xfer.py client --connect ADDR --port PORT --bytes N
#                           --dir up|down --out FILE [--flows N]
# Exit status: 0 transfer(s) complete, 1 an error (written to --out too).

import argparse
import hashlib
import os
import socket
import sys
import threading

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


def flow_key(a, key, port):
    """Result key prefix of one connection: DIR, or DIR.PORT with --flows
    above 1 (PORT: the client's source port)."""
    return key if a.flows == 1 else "%s.%d" % (key, port)


def parallel(jobs):
    """Run each (function, args) of jobs in its own thread, wait for all;
    raise the first OSError one of them raised (each job records its own
    error key). A single job runs in the calling thread."""
    errors = []

    def wrap(fn, args):
        try:
            fn(*args)
        except OSError as e:
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=j) for j in jobs[1:]]
    for t in threads:
        t.start()
    if jobs:
        wrap(*jobs[0])
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def transfer(a, conn, key, res, dirn):
    """Move one flow's bytes on conn: dirn "recv" reads until the peer
    closes, "send" sends --bytes; results under key; closes conn; on
    failure records key_error and raises the OSError."""
    try:
        with conn:
            if dirn == "recv":
                recv_all(conn, res, key)
            else:
                send_all(conn, a.bytes, res, key)
    except OSError as e:
        res[key + "_error"] = why(e)
        raise


def server(a, res):
    # An IPv6 address (test/vm/coalesce.sh) has a colon.
    family = socket.AF_INET6 if ":" in a.bind else socket.AF_INET
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.bind, a.port))
    ls.listen(a.flows)
    # No limit on the wait for a connection: the scene connects each
    # direction after the phases before it, however long they took (under
    # TCG, on a loaded host, a minute and more), and ends the server
    # itself. --timeout is the stall limit of each connection only.
    ls.settimeout(None)
    failed = None
    for key in a.dirs.split(","):
        # One direction failing does not keep the other from being tried.
        try:
            jobs = []
            for _ in range(a.flows):
                conn, peer = ls.accept()
                conn.settimeout(a.timeout)
                jobs.append((transfer, (a, conn, flow_key(a, key, peer[1]),
                                        res, "recv" if key == "up" else
                                        "send")))
            parallel(jobs)
        except OSError as e:
            failed = failed or e
            res.setdefault(key + "_error", why(e))
        write(a.out, res)
    if failed:
        raise failed


def client_flow(a, res):
    conn = socket.create_connection((a.connect, a.port), timeout=a.timeout)
    key = flow_key(a, a.dir, conn.getsockname()[1])
    transfer(a, conn, key, res, "send" if a.dir == "up" else "recv")


def client(a, res):
    parallel([(client_flow, (a, res))] * a.flows)


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
    p.add_argument("--flows", type=int, default=1)
    a = p.parse_args()
    if a.flows < 1:
        p.error("--flows: at least 1")
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
