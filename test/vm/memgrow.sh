#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Memory hot-plug over the real vhost-net: DPDK memory mapped while a
# vxpath port runs reaches vhost-net's memory table (VHOST_SET_MEM_TABLE
# sent again by memory.c), so that frames in that memory still cross. Runs
# inside the test VM as root (test/vm/, /dev/vhost-net needed);
# test/integration/test_memory_hotplug_vm.py runs it there.
#
# One app/vxpath-memgrow, one port: vxpath over /dev/vhost-net with the TAP
# vxtapm, echoing every frame it receives. A packet socket on the TAP sends
# FRAMES frames of 1000 bytes (an ethertype of its own, a sequence number
# each) and counts those that come back:
#   before  the port's memory as at start: the echo sends the frames it
#           received, in the mbufs of its start-time pool;
#   grow    SIGUSR1: the app makes a second mbuf pool, larger than what
#           EAL had mapped, so EAL maps new hugepages (memory events);
#   after   the app answers each frame from a copy in that new pool: vhost-net
#           must read memory that did not exist when the port started.
# Without the memory table following the hot-plug, vhost-net cannot
# translate the new buffers and no frame of "after" comes back.
#
# Results (key=value in memgrow.txt): before_sent, before_echoed,
# after_sent, after_echoed; app_rx, app_tx, app_tx_grown, app_dropped and
# grown from the app's summary; mem_events (vxpath's "DPDK memory
# allocated" lines) and tables (its "memory table of" lines: one at start,
# more after the growth); verdict=pass when every frame of both phases
# came back, the app sent the "after" ones from the new pool, memory was
# mapped and a new table sent.
#
# Usage: test/vm/memgrow.sh --plugin FILE [--app FILE] [--frames N] [--out DIR]
#   --plugin  librte_net_vxpath.so (staged under /run/vxpath first)
#   --app     vxpath-memgrow (default: app/vxpath-memgrow/vxpath-memgrow of
#             the build directory, VXPATH_BUILD_DIR or build/)
#   --frames  frames per phase (default 200)
#   --out     results directory (default VXPATH_OUT_DIR, else .):
#             memgrow.txt and memgrow.app.log
# Exit status: 0 pass, 1 a phase went wrong, 2 the scene could not be set up.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD_DIR=${VXPATH_BUILD_DIR:-$REPO/build}
PLUGIN=
APP=
FRAMES=200
OUT=${VXPATH_OUT_DIR:-.}
TAP=vxtapm
PY=/usr/bin/python3

. "$HERE/scene-lib.sh"
scene_args memgrow "plugin app frames out" "$@"
[ -n "$APP" ] || APP=$BUILD_DIR/app/vxpath-memgrow/vxpath-memgrow

say() { echo "memgrow: [${SECONDS}s] $*"; }
setup_fail() { say "SETUP FAILED: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || setup_fail "must run as root"
[ -c /dev/vhost-net ] || setup_fail "no /dev/vhost-net (run it in the test VM: test/vm/run-in-vm.sh test/vm/memgrow.sh ...)"
[ -x "$APP" ] || setup_fail "no app at $APP (ninja -C build)"
[ -x $PY ] || setup_fail "missing $PY"
[[ $FRAMES =~ ^[1-9][0-9]*$ ]] || setup_fail "--frames must be a positive integer"
[ "$(cat /proc/sys/vm/nr_hugepages)" -gt 0 ] 2>/dev/null ||
	setup_fail "no hugepages reserved"
mkdir -p "$OUT" || setup_fail "cannot create $OUT"
RESULTS=$OUT/memgrow.txt
APP_LOG=$OUT/memgrow.app.log
: >"$RESULTS"

WORK=$(mktemp -d /tmp/vxpath-memgrow.XXXXXX) || setup_fail "mktemp"
APP_PID=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[ -n "$APP_PID" ] && kill -KILL "$APP_PID" 2>/dev/null
	scene_cleanup
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

result() { echo "$1=$2" >>"$RESULTS"; }

# wait_log PATTERN SEC: until the app's log has a line with PATTERN.
wait_log() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -q -- "$1" "$APP_LOG" 2>/dev/null && return 0
		kill -0 "$APP_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# phase NAME: send FRAMES frames on the TAP, count those that come back.
phase() {
	$PY - "$TAP" "$1" "$FRAMES" >>"$RESULTS" <<'EOF'
import select
import socket
import struct
import sys
import time

ifname, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ETH = 0x88b5
tag = b"MGRW" + name.encode()[:5].ljust(5, b".")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH))
s.bind((ifname, ETH))
src = s.getsockname()[4]
dst = bytes.fromhex("020000000099")
got = set()


def drain(timeout):
    end = time.monotonic() + timeout
    while len(got) < n:
        left = end - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([s], [], [], left)
        if not r:
            return
        data, addr = s.recvfrom(4096)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        if data[14:23] == tag and len(data) >= 27:
            got.add(struct.unpack("!I", data[23:27])[0])


for seq in range(n):
    frame = dst + src + struct.pack("!H", ETH) + tag + struct.pack("!I", seq)
    s.send(frame.ljust(1000, b"\0"))
    if seq % 20 == 19:
        drain(0.05)
drain(20)
print("%s_sent=%d" % (name, n))
print("%s_echoed=%d" % (name, len(got)))
EOF
}

scene_stage_plugin "$PLUGIN"
say "starting $APP"
"$APP" -l 0 --no-pci --file-prefix vxmemgrow$$ -d "$STAGED" \
	--vdev "virtio_user0,path=/dev/vhost-net,iface=$TAP,queue_size=256" \
	--log-level=pmd.net.vxpath:debug -- --timeout 200 >"$APP_LOG" 2>&1 &
APP_PID=$!
wait_log "memgrow: ready" 90 || setup_fail "the app did not start (see $APP_LOG)"
ip link set "$TAP" up || setup_fail "cannot set $TAP up"
sleep 1

say "phase before"
phase before
say "phase grow: SIGUSR1"
kill -USR1 "$APP_PID"
wait_log "memgrow: grown" 60 || say "the app did not grow its memory"
sleep 1
say "phase after"
phase after
kill -INT "$APP_PID"
for ((i = 0; i < 300; i++)); do
	kill -0 "$APP_PID" 2>/dev/null || break
	sleep 0.1
done
wait "$APP_PID"
app_rc=$?
APP_PID=

summary=$(grep -o 'memgrow: rx=.*' "$APP_LOG" | tail -1)
for k in rx tx tx_grown dropped grown; do
	v=$(sed -n "s/.* $k=\([0-9]*\).*/\1/p" <<<" ${summary#memgrow: }")
	result "app_$k" "${v:--1}"
done
result app_rc "$app_rc"
result mem_events "$(grep -c 'DPDK memory allocated' "$APP_LOG")"
result tables "$(grep -c 'memory table of' "$APP_LOG")"

get() { sed -n "s/^$1=//p" "$RESULTS" | tail -1; }
verdict=pass
[ "$(get before_echoed)" = "$FRAMES" ] || verdict=fail
[ "$(get after_echoed)" = "$FRAMES" ] || verdict=fail
[ "$(get app_grown)" = 1 ] || verdict=fail
[ "$(get app_tx_grown)" -ge "$FRAMES" ] 2>/dev/null || verdict=fail
[ "$(get mem_events)" -ge 1 ] 2>/dev/null || verdict=fail
[ "$(get tables)" -ge 2 ] 2>/dev/null || verdict=fail
result verdict "$verdict"
cat "$RESULTS"
[ "$verdict" = pass ]
