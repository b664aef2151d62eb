#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Write the seed inputs of the libFuzzer targets (test/fuzz/corpus/<target>/)
# in the formats their files describe: well-behaved device and back-end
# behaviour, from which the fuzzer mutates. Run from anywhere; rewrites the
# seed_* files only (other files in the corpora are left as they are).

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# --- vhost-user: fuzz_vhost_user.c ----------------------------------------

VERSION, REPLY = 0x1, 0x4


def reply(request, payload):
    return struct.pack("<III", request, VERSION | REPLY, len(payload)) + \
        payload


def u64(v):
    return struct.pack("<Q", v)


ACK = 0
FEATURES = (1 << 32) | (1 << 30) | (1 << 15)


def session(proto, mq=False):
    """The replies of a well-behaved back-end to fuzz_vhost_user.c's
    session, in order."""
    out = reply(1, u64(FEATURES)) + reply(15, u64(proto))
    ack = proto & (1 << 3)
    slots = proto & (1 << 15)
    if mq:
        out += reply(17, u64(2))
    if slots:
        out += reply(36, u64(8))
    # set_owner, set_features, the memory table (SET_MEM_TABLE, or with
    # CONFIGURE_MEM_SLOTS one ADD_MEM_REG and one REM_MEM_REG), vring
    # num/base/addr/kick/call, enable x2: acked with REPLY_ACK only.
    mem = (37, 38) if slots else (5,)
    for req in (3, 2) + mem + (8, 10, 9, 12, 13, 18, 18):
        if ack:
            out += reply(req, u64(ACK))
    out += reply(11, struct.pack("<II", 1, 7))
    return out


def vhost_user_seeds():
    s = {}
    # byte 0: fds | 0x10 queues=2 | 0x20 two regions; byte 1: fd offset;
    # byte 2: request for the pure decoder.
    s["seed_reply_ack"] = bytes([0, 0, 1]) + session((1 << 3))
    s["seed_no_ack"] = bytes([0x20, 0, 11]) + session(0)
    s["seed_mq"] = bytes([0x10, 0, 17]) + session((1 << 3) | 1, mq=True)
    s["seed_fds"] = bytes([3, 12, 15]) + session((1 << 3))
    # Every protocol feature vxpath knows offered (MQ, REPLY_ACK, NET_MTU,
    # BACKEND_REQ, CONFIG, RESET_DEVICE, CONFIGURE_MEM_SLOTS, STATUS): the
    # session then asks more than these replies answer; the fuzzer takes
    # it from there.
    s["seed_all_protocol"] = bytes([0, 0, 24]) + session(
        (1 << 0) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 9) | (1 << 13) |
        (1 << 15) | (1 << 16))
    s["seed_mem_slots"] = bytes([0, 0, 36]) + session((1 << 3) | (1 << 15))
    s["seed_no_protocol"] = bytes([0, 0, 2]) + reply(1, u64(1 << 32)) + \
        reply(11, struct.pack("<II", 1, 0))
    return s


# --- used rings: fuzz_used_ring.c -----------------------------------------

ADD, PUBLISH, USED, IDX, SCRIBBLE, GET, PEEK, DRAIN, ADD1, BURST = range(10)


def add1(ln, writable):
    """The datapath's one-buffer add."""
    return bytes([ADD1, 1 if writable else 0]) + struct.pack("<H", ln)


def add(*bufs):
    """bufs: (len, writable)."""
    out = bytes([ADD, len(bufs) - 1])
    for ln, w in bufs:
        out += bytes([1 if w else 0]) + struct.pack("<H", ln)
    return out


def split_seeds():
    s = {}
    rx = add((1514, True)) + add((1514, True)) + add((1514, True)) + \
        bytes([PUBLISH])
    used = bytes([USED]) + struct.pack("<HII", 0, 0, 60) + \
        bytes([USED]) + struct.pack("<HII", 1, 1, 1514) + \
        bytes([IDX]) + struct.pack("<H", 2)
    s["seed_rx"] = bytes([4]) + rx + used + bytes([PEEK, 1, GET, 3])
    tx = add((12, False), (64, False)) + add((76, False)) + bytes([PUBLISH])
    s["seed_tx"] = bytes([6]) + tx + bytes([USED]) + \
        struct.pack("<HII", 0, 2, 0) + bytes([IDX]) + \
        struct.pack("<H", 1) + bytes([GET, 1, DRAIN])
    # In-order (0x80) with event index (0x40): one entry for two chains.
    s["seed_in_order"] = bytes([0xc4]) + tx + bytes([USED]) + \
        struct.pack("<HII", 0, 2, 0) + bytes([IDX]) + \
        struct.pack("<H", 1) + bytes([GET, 2])
    burst = add1(1514, True) + add1(1514, True) + add1(1514, True) + \
        bytes([PUBLISH])
    s["seed_burst"] = bytes([4]) + burst + used + bytes([BURST, 8])
    s["seed_bad_id"] = bytes([4]) + rx + bytes([USED]) + \
        struct.pack("<HII", 0, 99, 60) + bytes([IDX]) + \
        struct.pack("<H", 1) + bytes([GET, 1])
    return s


F_NEXT, F_WRITE, F_AVAIL, F_USED = 1, 2, 1 << 7, 1 << 15


def packed_seeds():
    s = {}

    def used(slot, i, ln, flags):
        return bytes([USED]) + struct.pack("<HHIH", slot, i, ln, flags)

    rx = add((1514, True)) + add((1514, True)) + add((1514, True)) + \
        bytes([PUBLISH])
    w1 = F_AVAIL | F_USED
    s["seed_rx"] = bytes([4]) + rx + used(1, 1, 1514, w1 | F_WRITE) + \
        used(0, 0, 60, w1 | F_WRITE) + bytes([PEEK, 1, GET, 3])
    tx = add((12, False), (64, False)) + add((76, False)) + bytes([PUBLISH])
    s["seed_tx"] = bytes([6]) + tx + used(0, 0, 0, w1) + \
        bytes([GET, 1, DRAIN])
    s["seed_in_order"] = bytes([0xc4]) + tx + used(0, 1, 0, w1) + \
        bytes([GET, 2])
    burst = add1(1514, True) + add1(1514, True) + add1(1514, True) + \
        bytes([PUBLISH])
    s["seed_burst"] = bytes([4]) + burst + used(1, 1, 1514, w1 | F_WRITE) + \
        used(0, 0, 60, w1 | F_WRITE) + bytes([BURST, 8])
    # A ring of 4 filled twice over: the used side wraps (flags 0).
    wrap = bytes([2])
    for k in range(4):
        wrap += add((100, True))
    wrap += bytes([PUBLISH])
    for k in range(4):
        wrap += used(k, k, 10, w1 | F_WRITE)
    wrap += bytes([GET, 4])
    for k in range(4):
        wrap += add((100, True))
    wrap += bytes([PUBLISH])
    for k in range(4):
        wrap += used(k, k, 10, F_WRITE)
    s["seed_wrap"] = wrap + bytes([GET, 4])
    return s


# --- vxpath-gateway's classifier: fuzz_gateway_classify.c ---------------

def gateway_seeds():
    """Frames a gateway port sees, each after a 2-byte split (the first
    segment's length; 0xffff: all of it)."""
    mac = bytes([2, 0, 0, 0, 0, 1])
    peer = bytes([2, 0, 0, 0, 0, 2])

    def eth(dst, etype, payload):
        return dst + peer + struct.pack(">H", etype) + payload

    def ipv4(ttl=64, ihl=5, dst=(10, 2, 0, 2), proto=17, extra=b""):
        opts = bytes(4 * (ihl - 5))
        body = struct.pack(">HHHH", 1234, 5678, 8 + len(extra), 0) + extra
        total = 4 * ihl + len(body)
        hdr = struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, total, 1, 0, ttl,
                          proto, 0, bytes([10, 1, 0, 2]), bytes(dst))
        hdr += opts
        c = 0
        for i in range(0, len(hdr), 2):
            c += (hdr[i] << 8) | hdr[i + 1]
        while c >> 16:
            c = (c & 0xffff) + (c >> 16)
        c = ~c & 0xffff
        hdr = hdr[:10] + struct.pack(">H", c) + hdr[12:]
        return hdr + body

    def ipv6(nxt=17, hlim=64, dst=b"\xfd\x02" + bytes(13) + b"\x02",
             payload=bytes(8)):
        src = b"\xfd\x01" + bytes(13) + b"\x02"
        return struct.pack(">IHBB", 0x60000000, len(payload), nxt, hlim) + \
            src + dst + payload

    whole = b"\xff\xff"
    s = {
        "seed_ipv4": whole + eth(mac, 0x0800, ipv4()),
        "seed_ipv4_ttl1": whole + eth(mac, 0x0800, ipv4(ttl=1)),
        "seed_ipv4_options": whole + eth(mac, 0x0800, ipv4(ihl=6)),
        "seed_ipv4_mcast": whole + eth(b"\x01\x00\x5e\x00\x00\x05",
                                       0x0800, ipv4(dst=(224, 0, 0, 5))),
        "seed_ipv6": whole + eth(mac, 0x86dd, ipv6()),
        "seed_ipv6_ns": whole + eth(mac, 0x86dd,
                                    ipv6(nxt=58, hlim=255,
                                         payload=bytes([135]) + bytes(23))),
        "seed_ipv6_hbh": whole + eth(mac, 0x86dd, ipv6(nxt=0)),
        "seed_arp": whole + eth(b"\xff" * 6, 0x0806, bytes(28)),
        "seed_lldp": whole + eth(b"\x01\x80\xc2\x00\x00\x0e", 0x88cc,
                                 bytes(40)),
        "seed_split": struct.pack("<H", 20) + eth(mac, 0x0800, ipv4()),
        "seed_short": whole + eth(mac, 0x0800, ipv4()[:12]),
    }
    return s


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("vhost_user", vhost_user_seeds())
    write("used_ring_split", split_seeds())
    write("used_ring_packed", packed_seeds())
    write("gateway_classify", gateway_seeds())
