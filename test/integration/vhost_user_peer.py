# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# A scripted vhost-user back-end for the tests, written from the vhost-user
# protocol specification (QEMU docs/interop/vhost-user.rst) and virtio 1.2
# (2.7 split and 2.8 packed virtqueues). It listens on a Unix socket (vxpath
# is the client: --vdev=virtio_user0,path=SOCK), answers the set-up
# messages, maps the memory table's fds, keeps the state of each vring, and
# gives the tests what a device does to the rings: read what the driver made
# available, write used entries (good or bad). Optionally it loops every
# frame the driver transmits back to its receive queue.
#
# It is meant to misbehave on command: a test replaces the handler of any
# request (peer.handlers[REQ] = fn), or sends raw bytes and fds itself
# (peer.send_raw, peer.reply with overridden header fields), or hangs up.
# Other tests use it to speak protocol features DPDK's net_vhost lacks.
#
# Usage:
#     peer = VhostUserPeer(sock_path)          # features: see __init__
#     peer.start()                             # listens, serves in a thread
#     ... start testpmd with --vdev=virtio_user0,path=sock_path ...
#     peer.wait_for(SET_VRING_ENABLE)          # a request was received
#     q = peer.vring(0)                        # receiveq of pair 0
#     peer.close()
#
# Handlers run in the peer's thread: handler(peer, msg) -> reply payload
# (bytes) to send as the reply, or None. For a request without a reply of
# its own that asked for one (NEED_REPLY with REPLY_ACK negotiated), the
# peer acks with msg.ack (default 0) unless the handler set msg.ack = None.
# An exception in a handler is recorded in peer.errors and ends the session
# (the socket is closed): tests should assert peer.errors is empty. The fds
# of a message are closed after its handler: a handler keeps one by popping
# it from msg.fds.

import array
import mmap
import os
import socket
import struct
import threading
import time

# --- protocol constants (vhost-user spec) ---------------------------------

GET_FEATURES = 1
SET_FEATURES = 2
SET_OWNER = 3
RESET_OWNER = 4
SET_MEM_TABLE = 5
SET_LOG_BASE = 6
SET_LOG_FD = 7
SET_VRING_NUM = 8
SET_VRING_ADDR = 9
SET_VRING_BASE = 10
GET_VRING_BASE = 11
SET_VRING_KICK = 12
SET_VRING_CALL = 13
SET_VRING_ERR = 14
GET_PROTOCOL_FEATURES = 15
SET_PROTOCOL_FEATURES = 16
GET_QUEUE_NUM = 17
SET_VRING_ENABLE = 18
SEND_RARP = 19
NET_SET_MTU = 20
SET_BACKEND_REQ_FD = 21
IOTLB_MSG = 22
SET_VRING_ENDIAN = 23
GET_CONFIG = 24
SET_CONFIG = 25
GET_INFLIGHT_FD = 31
SET_INFLIGHT_FD = 32
RESET_DEVICE = 34
GET_MAX_MEM_SLOTS = 36
ADD_MEM_REG = 37
REM_MEM_REG = 38
SET_STATUS = 39
GET_STATUS = 40

REQUEST_NAMES = {v: k for k, v in list(globals().items())
                 if k.isupper() and isinstance(v, int) and 0 < v < 64}

# Header flags.
VERSION = 0x1
VERSION_MASK = 0x3
FLAG_REPLY = 1 << 2
FLAG_NEED_REPLY = 1 << 3

HDR = struct.Struct("<III")          # request, flags, size
HDR_SIZE = HDR.size                  # 12 bytes
MAX_PAYLOAD = 4096                   # larger than any message vxpath sends
MAX_FDS = 8

# Feature bits.
F_PROTOCOL_FEATURES = 30             # vhost-user only
VIRTIO_NET_F_MRG_RXBUF = 15
VIRTIO_RING_F_INDIRECT_DESC = 28
VIRTIO_RING_F_EVENT_IDX = 29
VIRTIO_F_VERSION_1 = 32
VIRTIO_F_RING_PACKED = 34
VIRTIO_F_IN_ORDER = 35

# Protocol feature bits.
PROTOCOL_F_MQ = 0
PROTOCOL_F_REPLY_ACK = 3
PROTOCOL_F_NET_MTU = 4
PROTOCOL_F_BACKEND_REQ = 5
PROTOCOL_F_CONFIG = 9
PROTOCOL_F_RESET_DEVICE = 13
PROTOCOL_F_CONFIGURE_MEM_SLOTS = 15
PROTOCOL_F_STATUS = 16

# Requests the front-end waits a reply of their own for.
OWN_REPLY = {GET_FEATURES, GET_PROTOCOL_FEATURES, GET_VRING_BASE,
             GET_QUEUE_NUM, GET_CONFIG, GET_INFLIGHT_FD, GET_MAX_MEM_SLOTS,
             GET_STATUS}

# vring index word (SET_VRING_KICK/CALL/ERR): index in bits 0-7, bit 8 set
# when no fd comes with the message.
VRING_IDX_MASK = 0xff
VRING_NOFD = 1 << 8

DEFAULT_FEATURES = ((1 << VIRTIO_F_VERSION_1) |
                    (1 << VIRTIO_NET_F_MRG_RXBUF) |
                    (1 << F_PROTOCOL_FEATURES))
DEFAULT_PROTOCOL_FEATURES = (1 << PROTOCOL_F_REPLY_ACK) | \
    (1 << PROTOCOL_F_MQ)

# --- virtqueue layout (virtio 1.2) -----------------------------------------

DESC = struct.Struct("<QIHH")        # addr, len, flags, next / id
DESC_SIZE = 16
DESC_F_NEXT = 1
DESC_F_WRITE = 2
DESC_F_INDIRECT = 4
PACKED_F_AVAIL = 1 << 7
PACKED_F_USED = 1 << 15
NET_HDR_SIZE = 12                    # struct virtio_net_hdr_v1 (VERSION_1)


class PeerError(Exception):
    """The peer saw something it cannot handle, or a wait timed out."""


class Msg:
    """One message received from the front-end."""

    def __init__(self, request, flags, payload, fds):
        self.request = request
        self.flags = flags
        self.payload = payload       # bytes, hdr.size of them
        self.fds = fds               # list of received fds (owned by msg)
        self.ack = 0                 # REPLY_ACK value; None: no ack

    @property
    def name(self):
        return REQUEST_NAMES.get(self.request, "request %d" % self.request)

    @property
    def need_reply(self):
        return bool(self.flags & FLAG_NEED_REPLY)

    def u64(self):
        return struct.unpack_from("<Q", self.payload)[0]

    def state(self):
        """(index, num) of a vring state description."""
        return struct.unpack_from("<II", self.payload)

    def close_fds(self):
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass
        self.fds = []

    def __repr__(self):
        return "<%s flags=0x%x size=%d fds=%d>" % (
            self.name, self.flags, len(self.payload), len(self.fds))


class Region:
    """One memory region of the memory table, mapped."""

    def __init__(self, guest_addr, size, user_addr, mmap_offset, fd):
        self.guest_addr = guest_addr
        self.size = size
        self.user_addr = user_addr
        self.mmap_offset = mmap_offset
        # Map from the start of the file: mmap_offset need not be aligned
        # as Python's mmap wants, and hugetlbfs wants huge-page multiples.
        self.map = mmap.mmap(fd, mmap_offset + size, mmap.MAP_SHARED,
                             mmap.PROT_READ | mmap.PROT_WRITE)

    def close(self):
        try:
            self.map.close()
        except (BufferError, ValueError):
            pass


class Vring:
    """What the peer knows of one vring, and the device side of it."""

    def __init__(self, index):
        self.index = index
        self.num = 0
        self.desc = self.avail = self.used = 0   # front-end addresses
        self.base = 0
        self.kick = -1
        self.call = -1
        self.enabled = False
        self.started = False         # kick received (or address set)
        self.packed = False
        # Device state: split: next avail index to read, next used index
        # to write (free-running u16). Packed: next slot to read and write,
        # and their wrap counters.
        self.last_avail = 0
        self.used_idx = 0
        self.avail_wrap = 1
        self.used_wrap = 1
        self.next_used_slot = 0

    def __repr__(self):
        return "<vring %d num=%d %s enabled=%s>" % (
            self.index, self.num, "packed" if self.packed else "split",
            self.enabled)


class VhostUserPeer:
    """A vhost-user back-end (socket server) for one front-end at a time.

    path:               socket path (removed first if it exists)
    features:           what GET_FEATURES answers (bit 30 included)
    protocol_features:  what GET_PROTOCOL_FEATURES answers
    queue_num:          what GET_QUEUE_NUM answers (queue pairs)
    loopback:           copy every frame of a transmitq (odd vring) to the
                        receiveq of the same pair, as a cable would
    """

    def __init__(self, path, features=DEFAULT_FEATURES,
                 protocol_features=DEFAULT_PROTOCOL_FEATURES, queue_num=1,
                 loopback=False):
        self.path = path
        self.features = features
        self.protocol_features = protocol_features
        self.queue_num = queue_num
        self.loopback = loopback
        self.acked_features = None
        self.acked_protocol_features = 0
        self.regions = []
        self.vrings = {}
        self.received = []           # Msg of every request, in order
        self.errors = []             # exceptions raised while serving
        self.connections = 0
        self.looped = 0              # frames copied by the loopback
        self.handlers = {
            GET_FEATURES: VhostUserPeer.on_get_features,
            SET_FEATURES: VhostUserPeer.on_set_features,
            GET_PROTOCOL_FEATURES: VhostUserPeer.on_get_protocol_features,
            SET_PROTOCOL_FEATURES: VhostUserPeer.on_set_protocol_features,
            GET_QUEUE_NUM: VhostUserPeer.on_get_queue_num,
            SET_MEM_TABLE: VhostUserPeer.on_set_mem_table,
            SET_VRING_NUM: VhostUserPeer.on_set_vring_num,
            SET_VRING_ADDR: VhostUserPeer.on_set_vring_addr,
            SET_VRING_BASE: VhostUserPeer.on_set_vring_base,
            GET_VRING_BASE: VhostUserPeer.on_get_vring_base,
            SET_VRING_KICK: VhostUserPeer.on_set_vring_kick,
            SET_VRING_CALL: VhostUserPeer.on_set_vring_call,
            SET_VRING_ENABLE: VhostUserPeer.on_set_vring_enable,
        }
        self.listener = None
        self.conn = None
        # Held while a message is handled and while the loopback runs: a
        # test that writes to the rings itself takes it too.
        self.lock = self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._thread = None
        self._loop_thread = None

    # --- life cycle -------------------------------------------------------

    def start(self):
        """Listen on self.path and serve connections in a thread."""
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(1)
        self.listener.settimeout(0.2)
        self._thread = threading.Thread(target=self._serve, daemon=True,
                                        name="vhost-user-peer")
        self._thread.start()
        if self.loopback:
            self._loop_thread = threading.Thread(
                target=self._loopback, daemon=True, name="peer-loopback")
            self._loop_thread.start()
        return self

    def close(self):
        """Stop serving, hang up, unmap memory, remove the socket."""
        self._stop.set()
        for t in (self._thread, self._loop_thread):
            if t is not None:
                t.join(5)
        self.hang_up()
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def hang_up(self):
        """Close the connection to the front-end and forget its state."""
        with self._lock:
            if self.conn is not None:
                try:
                    self.conn.close()
                except OSError:
                    pass
                self.conn = None
            for r in self.regions:
                r.close()
            self.regions = []
            for v in self.vrings.values():
                for fd in (v.kick, v.call):
                    if fd >= 0:
                        os.close(fd)
            self.vrings = {}
            self._cond.notify_all()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                self.conn = conn
                self.connections += 1
                self._cond.notify_all()
            conn.settimeout(0.2)
            try:
                while not self._stop.is_set() and self.conn is conn:
                    msg = self._recv_msg(conn)
                    if msg is None:
                        break
                    self._dispatch(msg)
            except Exception as e:  # noqa: BLE001 - reported to the test
                if self.conn is conn:
                    self.errors.append(e)
            if self.conn is conn:
                self.hang_up()

    # --- receiving --------------------------------------------------------

    def _recv_exact(self, conn, n, fds):
        """n bytes from conn (fds that come along appended to fds);
        None on EOF at a message boundary or when stopped."""
        buf = b""
        while len(buf) < n:
            try:
                data, anc, flags, _ = conn.recvmsg(
                    n - len(buf), socket.CMSG_SPACE(MAX_FDS * 4 * 4))
            except socket.timeout:
                if self._stop.is_set() or self.conn is not conn:
                    return None
                continue
            except OSError:
                return None
            for level, kind, cdata in anc:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    a = array.array("i")
                    a.frombytes(cdata[:len(cdata) - len(cdata) % 4])
                    fds.extend(a)
            if not data:
                if buf:
                    raise PeerError("front-end closed the socket inside a "
                                    "message")
                return None
            buf += data
        return buf

    def _recv_msg(self, conn):
        fds = []
        hdr = self._recv_exact(conn, HDR_SIZE, fds)
        if hdr is None:
            return None
        request, flags, size = HDR.unpack(hdr)
        if size > MAX_PAYLOAD:
            raise PeerError("front-end sent %d payload bytes with request "
                            "%d" % (size, request))
        payload = self._recv_exact(conn, size, fds) if size else b""
        if payload is None:
            raise PeerError("front-end closed the socket inside a message")
        return Msg(request, flags, payload, fds)

    def _dispatch(self, msg):
        handler = self.handlers.get(msg.request)
        with self._lock:
            try:
                reply = handler(self, msg) if handler is not None else None
            finally:
                # What the handler did not take (popped) is not kept.
                msg.close_fds()
            self.received.append(msg)
            self._cond.notify_all()
        if self.conn is None:
            return
        if reply is not None:
            self.reply(msg, reply)
        elif (msg.request not in OWN_REPLY and msg.need_reply and
              msg.ack is not None and
              self.acked_protocol_features & (1 << PROTOCOL_F_REPLY_ACK)):
            self.reply(msg, struct.pack("<Q", msg.ack))

    # --- sending ----------------------------------------------------------

    def send_raw(self, data, fds=()):
        """Send bytes (and fds with the first byte) as they are."""
        conn = self.conn
        if conn is None:
            raise PeerError("no front-end connected")
        anc = []
        if fds:
            anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                    array.array("i", fds))]
        sent = conn.sendmsg([data], anc)
        if sent < len(data):
            conn.sendall(data[sent:])

    def reply(self, msg, payload, request=None, flags=None, size=None,
              fds=()):
        """Send a reply to msg; request, flags and size override the
        header's right values (to misbehave)."""
        hdr = HDR.pack(msg.request if request is None else request,
                       (VERSION | FLAG_REPLY) if flags is None else flags,
                       len(payload) if size is None else size)
        self.send_raw(hdr + payload, fds)

    # --- waiting ----------------------------------------------------------

    def wait_for(self, request, timeout=30, count=1, pred=None):
        """Wait until count messages of the request were received (and
        handled) and return the last; pred(msg) filters them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = [m for m in self.received if m.request == request and
                       (pred is None or pred(m))]
                if len(got) >= count:
                    return got[count - 1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PeerError("no %s within %ss (received: %s)" % (
                        REQUEST_NAMES.get(request, request), timeout,
                        [m.name for m in self.received]))
                self._cond.wait(min(left, 0.2))

    def wait_connected(self, timeout=30):
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.connections == 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PeerError("no front-end connected within %ss" %
                                    timeout)
                self._cond.wait(min(left, 0.2))

    def wait_disconnected(self, timeout=30):
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.conn is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PeerError("front-end still connected after %ss" %
                                    timeout)
                self._cond.wait(min(left, 0.2))

    def requests(self):
        """Names of the requests received so far, in order."""
        with self._lock:
            return [m.name for m in self.received]

    # --- default handlers (a well-behaved back-end) ----------------------

    def on_get_features(self, msg):
        return struct.pack("<Q", self.features)

    def on_set_features(self, msg):
        self.acked_features = msg.u64()
        packed = bool(self.acked_features & (1 << VIRTIO_F_RING_PACKED))
        for v in self.vrings.values():
            v.packed = packed

    def on_get_protocol_features(self, msg):
        return struct.pack("<Q", self.protocol_features)

    def on_set_protocol_features(self, msg):
        self.acked_protocol_features = msg.u64()

    def on_get_queue_num(self, msg):
        return struct.pack("<Q", self.queue_num)

    def on_set_mem_table(self, msg):
        nregions, _ = struct.unpack_from("<II", msg.payload)
        if nregions > MAX_FDS or len(msg.fds) != nregions:
            msg.close_fds()
            raise PeerError("SET_MEM_TABLE with %d regions and %d fds" %
                            (nregions, len(msg.fds)))
        regions = []
        for i in range(nregions):
            ga, size, ua, off = struct.unpack_from("<QQQQ", msg.payload,
                                                   8 + 32 * i)
            regions.append(Region(ga, size, ua, off, msg.fds[i]))
        msg.close_fds()
        with self._lock:
            for r in self.regions:
                r.close()
            self.regions = regions

    def vring(self, index):
        """The Vring of that index (created on first use)."""
        with self._lock:
            v = self.vrings.get(index)
            if v is None:
                v = self.vrings[index] = Vring(index)
                v.packed = bool((self.acked_features or 0) &
                                (1 << VIRTIO_F_RING_PACKED))
            return v

    def on_set_vring_num(self, msg):
        index, num = msg.state()
        self.vring(index).num = num

    def on_set_vring_addr(self, msg):
        index, _flags, desc, used, avail, _log = struct.unpack_from(
            "<IIQQQQ", msg.payload)
        v = self.vring(index)
        v.desc, v.used, v.avail = desc, used, avail

    def on_set_vring_base(self, msg):
        index, num = msg.state()
        v = self.vring(index)
        v.base = num
        if v.packed:
            # Bits 0-14: next slot; bit 15: its wrap counter (both the
            # available and the used side start there).
            v.last_avail = v.next_used_slot = num & 0x7fff
            v.avail_wrap = v.used_wrap = (num >> 15) & 1
        else:
            v.last_avail = v.used_idx = num & 0xffff

    def on_get_vring_base(self, msg):
        index, _ = msg.state()
        v = self.vring(index)
        v.started = False
        if v.packed:
            num = v.last_avail | (v.avail_wrap << 15)
        else:
            num = v.last_avail
        return struct.pack("<II", index, num)

    def _vring_fd(self, msg):
        word = msg.u64()
        v = self.vring(word & VRING_IDX_MASK)
        fd = -1
        if not word & VRING_NOFD:
            if len(msg.fds) != 1:
                msg.close_fds()
                raise PeerError("%s without its fd" % msg.name)
            fd = msg.fds.pop()
        msg.close_fds()
        return v, fd

    def on_set_vring_kick(self, msg):
        v, fd = self._vring_fd(msg)
        if v.kick >= 0:
            os.close(v.kick)
        v.kick = fd
        v.started = True

    def on_set_vring_call(self, msg):
        v, fd = self._vring_fd(msg)
        if v.call >= 0:
            os.close(v.call)
        v.call = fd

    def on_set_vring_enable(self, msg):
        index, num = msg.state()
        self.vring(index).enabled = bool(num)

    # --- guest memory -----------------------------------------------------

    def _find(self, addr, length):
        for r in self.regions:
            if r.guest_addr <= addr and addr + length <= r.guest_addr + \
                    r.size:
                return r, r.mmap_offset + addr - r.guest_addr
        raise PeerError("address 0x%x (+%d) is in no memory region" %
                        (addr, length))

    def _find_user(self, addr, length):
        for r in self.regions:
            if r.user_addr <= addr and addr + length <= r.user_addr + \
                    r.size:
                return r, r.mmap_offset + addr - r.user_addr
        raise PeerError("front-end address 0x%x (+%d) is in no memory "
                        "region" % (addr, length))

    def read(self, addr, length):
        """Bytes at a guest (descriptor) address."""
        r, off = self._find(addr, length)
        return bytes(r.map[off:off + length])

    def write(self, addr, data):
        r, off = self._find(addr, len(data))
        r.map[off:off + len(data)] = data

    # Ring fields are shared with the driver, which reads and writes them
    # concurrently: each u16/u32 is loaded or stored with one access of its
    # size (a memoryview cast), never byte by byte as struct.pack_into does
    # (it even zero-fills first, so the driver could see a 0 index).
    def load(self, addr, code="H"):
        """One u16 ("H") or u32 ("I") at a front-end (ring) address."""
        size = struct.calcsize(code)
        r, off = self._find_user(addr, size)
        with memoryview(r.map)[off:off + size] as m, m.cast(code) as c:
            return c[0]

    def store(self, addr, value, code="H"):
        """Store one u16 ("H") or u32 ("I") at a front-end address."""
        size = struct.calcsize(code)
        r, off = self._find_user(addr, size)
        with memoryview(r.map)[off:off + size] as m, m.cast(code) as c:
            c[0] = value

    def _ring_unpack(self, fmt, addr):
        s = struct.Struct(fmt)
        r, off = self._find_user(addr, s.size)
        return s.unpack_from(r.map, off)

    # --- split virtqueue, device side (virtio 1.2, 2.7) ------------------

    def avail_idx(self, v):
        """The driver's avail->idx of a split vring."""
        return self.load(v.avail + 2)

    def desc(self, v, i):
        """(addr, len, flags, next) of descriptor i of a split vring, or
        (addr, len, id, flags) of slot i of a packed one."""
        if v.packed:
            # Flags first: the rest is valid once they say available.
            fl = self.load(v.desc + 16 * i + 14)
            a, ln, bid, _ = self._ring_unpack("<QIHH", v.desc + 16 * i)
            return a, ln, bid, fl
        return self._ring_unpack("<QIHH", v.desc + 16 * i)

    def pop_avail(self, v):
        """The next chain the driver made available, as (head id, [(addr,
        len, flags)]), or None; moves last_avail on. Works on split and
        packed vrings (packed: id is the buffer id of the chain)."""
        if v.packed:
            return self._packed_pop(v)
        if v.num == 0 or self.avail_idx(v) == v.last_avail:
            return None
        head = self.load(v.avail + 4 + 2 * (v.last_avail % v.num))
        v.last_avail = (v.last_avail + 1) & 0xffff
        chain, i = [], head
        for _ in range(v.num):
            addr, ln, fl, nxt = self.desc(v, i)
            chain.append((addr, ln, fl))
            if not fl & DESC_F_NEXT:
                break
            i = nxt
        return head, chain

    def used_idx(self, v):
        return self.load(v.used + 2)

    def write_used_elem(self, v, slot, elem_id, length):
        """Write used->ring[slot % num] without publishing it."""
        base = v.used + 4 + 8 * (slot % v.num)
        self.store(base, elem_id, "I")
        self.store(base + 4, length, "I")

    def set_used_idx(self, v, idx):
        """Publish: used->idx = idx (u16)."""
        self.store(v.used + 2, idx & 0xffff)
        v.used_idx = idx & 0xffff

    def push_used(self, v, elem_id, length, chain_len=1):
        """Complete one chain: a used entry (split) or a used descriptor
        (packed) with that id and length, then notify."""
        if v.packed:
            self.packed_write_used(v, elem_id, length)
            v.next_used_slot += chain_len
            if v.next_used_slot >= v.num:
                v.next_used_slot -= v.num
                v.used_wrap ^= 1
        else:
            self.write_used_elem(v, v.used_idx, elem_id, length)
            self.set_used_idx(v, v.used_idx + 1)
        self.notify(v)

    def notify(self, v):
        """Signal the vring's call eventfd, if it has one."""
        if v.call >= 0:
            try:
                os.write(v.call, struct.pack("<Q", 1))
            except OSError:
                pass

    # --- packed virtqueue, device side (virtio 1.2, 2.8) -----------------

    def _packed_pop(self, v):
        if v.num == 0:
            return None
        chain, slot, wrap = [], v.last_avail, v.avail_wrap
        for _ in range(v.num):
            addr, ln, bid, fl = self.desc(v, slot)
            avail = bool(fl & PACKED_F_AVAIL)
            used = bool(fl & PACKED_F_USED)
            if avail != bool(wrap) or used == bool(wrap):
                if not chain:
                    return None
                raise PeerError("packed vring %d: chain ends in a slot "
                                "not available" % v.index)
            chain.append((addr, ln, fl))
            slot += 1
            if slot >= v.num:
                slot, wrap = 0, wrap ^ 1
            if not fl & DESC_F_NEXT:
                v.last_avail, v.avail_wrap = slot, wrap
                return bid, chain
        raise PeerError("packed vring %d: endless chain" % v.index)

    def packed_write_used(self, v, elem_id, length, flags=None, slot=None):
        """Write a used descriptor at slot (default: the next used slot):
        id and length first, then the flags (default: AVAIL and USED both
        equal to the used wrap counter, as 2.8.2 says)."""
        if slot is None:
            slot = v.next_used_slot
        if flags is None:
            flags = (PACKED_F_AVAIL | PACKED_F_USED) if v.used_wrap else 0
            if length:
                flags |= DESC_F_WRITE
        base = v.desc + 16 * slot
        self.store(base + 8, length, "I")
        self.store(base + 12, elem_id)
        self.store(base + 14, flags)

    # --- loopback --------------------------------------------------------

    def ready(self, index):
        """True when the vring has its size, addresses and memory and (with
        protocol features) is enabled."""
        with self._lock:
            v = self.vrings.get(index)
            if v is None or v.num == 0 or not v.avail or not self.regions:
                return False
            if self.acked_features is None:
                return False
            if (self.acked_features & (1 << F_PROTOCOL_FEATURES)) and \
                    not v.enabled:
                return False
            return v.started

    def _loopback(self):
        pending = {}
        while not self._stop.is_set():
            moved = 0
            try:
                with self._lock:
                    pairs = [i for i in self.vrings if i % 2 == 1]
                    for tx in pairs:
                        if self.ready(tx) and self.ready(tx - 1):
                            moved += self._loop_once(self.vrings[tx],
                                                     self.vrings[tx - 1],
                                                     pending)
            except Exception as e:  # noqa: BLE001 - reported to the test
                self.errors.append(e)
                return
            if not moved:
                time.sleep(0.001)

    def _loop_once(self, txv, rxv, pending):
        moved = 0
        for _ in range(64):
            got = self.pop_avail(txv)
            if got is None:
                break
            tid, chain = got
            frame = b"".join(self.read(a, ln) for a, ln, fl in chain
                             if not fl & DESC_F_WRITE)
            self.push_used(txv, tid, 0, len(chain))
            rx = self.pop_avail(rxv)
            if rx is None:
                continue             # no Rx buffer: dropped, as a wire does
            rid, rchain = rx
            addr, room, _ = rchain[0]
            # One buffer per frame; num_buffers (bytes 10-11 of the
            # header) says so.
            data = bytearray(frame[:room])
            if len(data) >= NET_HDR_SIZE:
                struct.pack_into("<H", data, 10, 1)
            self.write(addr, bytes(data))
            self.push_used(rxv, rid, len(data), len(rchain))
            self.looped += 1
            moved += 1
        return moved
