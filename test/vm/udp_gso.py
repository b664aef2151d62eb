#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# UDP segmentation offload from a socket, and a receiver that checks every
# datagram, for test/vm/uso.sh.
#
# The sender sets the UDP_SEGMENT socket option (SOL_UDP, 103; Linux 4.18)
# to --segsz and writes --frames buffers of --segs * --segsz bytes each: the
# kernel makes each one send (sendto) a GSO super-frame of --segs datagrams
# of --segsz bytes, and cuts it where the device cannot (or hands it whole
# to a device with UDP segmentation, a veth with tx-udp-segmentation on).
# It waits --gap-ms between two sends, so that a slow forwarder (TCG) does
# not overflow af_packet's ring.
#
# Each datagram carries its own sequence number: 16 bytes of header
# (b"VXUS", sequence, super-frame number, --segsz, big-endian 32-bit
# words) then --segsz - 16 bytes that depend on the sequence number only.
# The receiver checks every datagram it gets against that (length, header,
# body), counts the good ones once each (duplicates apart), and hashes the
# good payloads in sequence order with SHA-256, as the sender hashes what
# it sent: equal hashes mean every datagram arrived, intact.
#
# Usage: udp_gso.py send --to ADDR --port P --segsz N --segs K --frames F
#                        [--gap-ms G] --out FILE
#        udp_gso.py recv --bind ADDR --port P --segsz N --expect D
#                        [--idle S] [--timeout S] --out FILE
# recv stops once it has D good datagrams, after --idle seconds without a
# datagram (once one came), after --timeout seconds without any, or on
# SIGTERM; it writes its results in each case.
# Output (key=value, to --out):
#   send: sent_frames, sent_datagrams, sent_bytes, sent_sha256, send_error
#   recv: recv_datagrams (all), recv_good (distinct good), recv_bad (wrong
#         length, header or body), recv_dup, recv_missing (D - good),
#         recv_max_len, recv_sha256, recv_error
# Exit status: 0 (send: every buffer sent; recv: D good datagrams); 1
# otherwise.

import argparse
import hashlib
import signal
import socket
import struct
import sys
import time

SOL_UDP = 17
UDP_SEGMENT = 103
SO_RCVBUFFORCE = 33
MAGIC = b"VXUS"
HDR = struct.Struct(">4sIII")
# The bodies: slices of a fixed pseudo-random pattern, at an offset that
# depends on the sequence number.
PATTERN = b"".join(hashlib.sha256(b"vxpath-uso-%d" % i).digest()
                   for i in range(256))


def body(seq, n):
    off = (seq * 97) % (len(PATTERN) - n)
    return PATTERN[off:off + n]


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def write_out(path, kv):
    with open(path, "w") as f:
        for k, v in kv:
            f.write("%s=%s\n" % (k, v))


def send(a):
    res = {"sent_frames": 0, "sent_datagrams": 0, "sent_bytes": 0,
           "send_error": ""}
    h = hashlib.sha256()
    try:
        s = socket.socket(family(a.to), socket.SOCK_DGRAM)
        s.setsockopt(SOL_UDP, UDP_SEGMENT, a.segsz)
        seq = 0
        for f in range(a.frames):
            parts = []
            for _ in range(a.segs):
                p = HDR.pack(MAGIC, seq, f, a.segsz) + \
                    body(seq, a.segsz - HDR.size)
                parts.append(p)
                seq += 1
            buf = b"".join(parts)
            n = s.sendto(buf, (a.to, a.port))
            if n != len(buf):
                raise OSError("short send: %d of %d bytes" % (n, len(buf)))
            h.update(buf)
            res["sent_frames"] += 1
            res["sent_datagrams"] += a.segs
            res["sent_bytes"] += n
            time.sleep(a.gap_ms / 1000.0)
    except OSError as e:
        res["send_error"] = str(e).replace("\n", " ")
    res["sent_sha256"] = h.hexdigest()
    write_out(a.out, sorted(res.items()))
    return 0 if not res["send_error"] else 1


class Stop(Exception):
    pass


def on_term(signum, frame):
    raise Stop()


def recv(a):
    signal.signal(signal.SIGTERM, on_term)
    got = {}
    res = {"recv_datagrams": 0, "recv_bad": 0, "recv_dup": 0,
           "recv_max_len": 0, "recv_error": ""}
    try:
        s = socket.socket(family(a.bind), socket.SOCK_DGRAM)
        try:
            s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
        except OSError:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 20)
        s.bind((a.bind, a.port))
        start = time.monotonic()
        last = None
        while len(got) < a.expect:
            now = time.monotonic()
            if last is None:
                left = a.timeout - (now - start)
            else:
                left = a.idle - (now - last)
            if left <= 0:
                break
            s.settimeout(left)
            try:
                d = s.recv(65536)
            except (socket.timeout, Stop):
                break
            last = time.monotonic()
            res["recv_datagrams"] += 1
            res["recv_max_len"] = max(res["recv_max_len"], len(d))
            ok = len(d) == a.segsz
            if ok:
                magic, seq, _, segsz = HDR.unpack_from(d)
                ok = (magic == MAGIC and segsz == a.segsz and
                      seq < a.expect and
                      d[HDR.size:] == body(seq, a.segsz - HDR.size))
            if not ok:
                res["recv_bad"] += 1
            elif seq in got:
                res["recv_dup"] += 1
            else:
                got[seq] = d
    except Stop:
        pass
    except OSError as e:
        res["recv_error"] = str(e).replace("\n", " ")
    h = hashlib.sha256()
    for seq in sorted(got):
        h.update(got[seq])
    res["recv_good"] = len(got)
    res["recv_missing"] = a.expect - len(got)
    res["recv_sha256"] = h.hexdigest()
    write_out(a.out, sorted(res.items()))
    return 0 if len(got) == a.expect else 1


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    ps = sub.add_parser("send")
    ps.add_argument("--to", required=True)
    ps.add_argument("--port", type=int, required=True)
    ps.add_argument("--segsz", type=int, required=True)
    ps.add_argument("--segs", type=int, required=True)
    ps.add_argument("--frames", type=int, required=True)
    ps.add_argument("--gap-ms", type=float, default=10.0)
    ps.add_argument("--out", required=True)
    pr = sub.add_parser("recv")
    pr.add_argument("--bind", required=True)
    pr.add_argument("--port", type=int, required=True)
    pr.add_argument("--segsz", type=int, required=True)
    pr.add_argument("--expect", type=int, required=True)
    pr.add_argument("--idle", type=float, default=5.0)
    pr.add_argument("--timeout", type=float, default=60.0)
    pr.add_argument("--out", required=True)
    a = p.parse_args()
    if a.segsz <= HDR.size or a.segsz > 2048:
        p.error("--segsz must be 17 to 2048 bytes")
    return send(a) if a.cmd == "send" else recv(a)


if __name__ == "__main__":
    sys.exit(main())
