#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Link-state change events of a vxpath port over the real vhost-net: the
# port's link follows its TAP's flags (IFF_UP and IFF_RUNNING), and each
# change raises RTE_ETH_EVENT_INTR_LSC, which testpmd prints as
# "Port 0: link state change event". Runs inside the test VM as root
# (test/vm/, /dev/vhost-net needed); test/integration/test_interrupts.py
# runs it there.
#
# One dpdk-testpmd, one port: vxpath over /dev/vhost-net with the TAP
# vxtapl, LSC interrupts on (testpmd's default). Then:
#   start     the TAP is down: link down, no event yet;
#   up1       ip link set vxtapl up:   one event, link up;
#   down      ip link set vxtapl down: one more event, link down;
#   up2       ip link set vxtapl up:   one more event, link up.
# After each step the count of events and `show port info 0`'s link status
# are recorded (key=value in lsc-tap.txt): events_<step>=N,
# link_<step>=up|down; verdict=pass when every step is as above.
#
# Usage: test/vm/lsc-tap.sh --plugin FILE [--out DIR]
#   --plugin  librte_net_vxpath.so (staged under /run/vxpath first)
#   --out     results directory (default VXPATH_OUT_DIR, else .):
#             lsc-tap.txt and lsc-tap.testpmd.log
# Exit status: 0 pass, 1 a step went wrong, 2 the scene could not be set up.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# TP_PROMPT_RE: testpmd's prompt, also when an event line cuts it.
. "$HERE/scene-lib.sh"

PLUGIN=
OUT=${VXPATH_OUT_DIR:-.}
TAP=vxtapl
PREFIX=vxlsc$$
EVENT='Port 0: link state change event'

scene_args lsc-tap "plugin out" "$@"

mkdir -p "$OUT" || exit 2
RES=$OUT/lsc-tap.txt
LOG=$OUT/lsc-tap.testpmd.log
: >"$RES"
say() { echo "lsc-tap: $*"; }
res() { echo "$1=$2" >>"$RES"; }
setup_fail() { say "set-up failed: $*"; res verdict setup; exit 2; }

[ -n "$PLUGIN" ] && [ -f "$PLUGIN" ] || setup_fail "no plugin (--plugin FILE)"
[ -c /dev/vhost-net ] || setup_fail "no /dev/vhost-net"

WORK=$(mktemp -d /tmp/lsc-tap.XXXXXX) || setup_fail "mktemp"
# EAL refuses a plugin under a world-writable directory: stage it.
install -d -m 0755 /run/vxpath || setup_fail "cannot create /run/vxpath"
STAGE=$(mktemp -d /run/vxpath/lsc.XXXXXX) || setup_fail "mktemp under /run/vxpath"
chmod 0755 "$STAGE"
install -m 0644 "$PLUGIN" "$STAGE/librte_net_vxpath.so" ||
	setup_fail "cannot stage $PLUGIN"

TP_PID=
cleanup() {
	exec 3>&- 2>/dev/null
	if [ -n "$TP_PID" ] && kill -0 "$TP_PID" 2>/dev/null; then
		kill "$TP_PID" 2>/dev/null
		sleep 2
		kill -9 "$TP_PID" 2>/dev/null
	fi
	rm -rf "$WORK" "$STAGE" /var/run/dpdk/$PREFIX
	rm -f /dev/hugepages/${PREFIX}map_* 2>/dev/null
}
trap cleanup EXIT

mkfifo "$WORK/in" && exec 3<>"$WORK/in" || setup_fail "mkfifo"
stdbuf -oL -eL dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci \
	-d "$STAGE/librte_net_vxpath.so" \
	--vdev=net_vxpath0,path=/dev/vhost-net,iface=$TAP,queue_size=256 \
	-- -i --total-num-mbufs=4096 <"$WORK/in" >"$LOG" 2>&1 &
TP_PID=$!

tp_send() { printf '%s\n' "$1" >&3; }
# Wait up to $1 seconds until $2 (extended regex) occurs at least $3
# times in the log.
wait_count() {
	local n=$(($1 * 5)) want=${3:-1}
	while [ $n -gt 0 ]; do
		[ "$(grep -cE "$2" "$LOG")" -ge "$want" ] && return 0
		kill -0 "$TP_PID" 2>/dev/null || return 1
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}
events() { grep -c "$EVENT" "$LOG"; }
# Wait up to $1 seconds for testpmd's first prompt in the log.
wait_prompt() {
	local n=$(($1 * 5))
	while [ $n -gt 0 ]; do
		[[ $(<"$LOG") =~ $TP_PROMPT_RE ]] && return 0
		kill -0 "$TP_PID" 2>/dev/null || return 1
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}
# The link status `show port info 0` prints now: up, down or unknown.
link_status() {
	local before
	before=$(grep -c 'Link status:' "$LOG")
	tp_send "show port info 0"
	wait_count 20 'Link status:' $((before + 1)) || { echo unknown; return; }
	grep 'Link status:' "$LOG" | tail -n 1 | awk '{print $3}'
}

wait_prompt 180 || setup_fail "testpmd did not reach its prompt"
grep -q "net_vxpath0: port 0" "$LOG" || setup_fail "port 0 is not vxpath's"
[ -e /sys/class/net/$TAP ] || setup_fail "TAP $TAP did not appear"
sysctl -qw net.ipv6.conf.$TAP.disable_ipv6=1

verdict=pass
# step name, ip link action ("" for none), events expected, link expected
step() {
	local name=$1 action=$2 want_events=$3 want_link=$4 ev link
	if [ -n "$action" ]; then
		ip link set $TAP $action || { say "ip link set $TAP $action failed"; verdict=fail; }
		wait_count 20 "$EVENT" "$want_events" ||
			say "$name: no event $want_events within 20 s"
		sleep 1 # an extra event would show here
	fi
	ev=$(events)
	link=$(link_status)
	res events_$name "$ev"
	res link_$name "$link"
	say "$name: events=$ev link=$link (want $want_events, $want_link)"
	[ "$ev" = "$want_events" ] && [ "$link" = "$want_link" ] || verdict=fail
}

step start "" 0 down
step up1 up 1 up
step down down 2 down
step up2 up 3 up

tp_send quit
for _ in $(seq 50); do
	kill -0 "$TP_PID" 2>/dev/null || break
	sleep 0.2
done
if kill -0 "$TP_PID" 2>/dev/null; then
	say "testpmd did not quit"
	verdict=fail
else
	wait "$TP_PID"
	rc=$?
	res testpmd_exit "$rc"
	[ "$rc" = 0 ] || verdict=fail
	TP_PID=
fi
res verdict $verdict
say "verdict $verdict"
[ $verdict = pass ]
