#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Counts notifications (kicks) against the real Linux vhost-net: how many
# eventfd writes the driver makes per 1000 packets, DPDK -> kernel and
# kernel -> DPDK, for vxpath with event index (event_idx=1, the default),
# vxpath without it (event_idx=0: the NO_NOTIFY flag of the used ring) and
# DPDK's own net_virtio_user. Runs inside the test VM as root (test/vm/,
# /dev/vhost-net needed); test/integration/test_kicks_vm.py runs it there.
#
# For each case one dpdk-testpmd runs with a single port, virtio-user over
# /dev/vhost-net with the TAP vxtapk (198.51.100.1/24, IPv6 off so that the
# kernel sends nothing of its own):
#   idle  rxonly, start, a few `show port xstats 0`, stop, nothing sent:
#         the write syscalls that are not kicks (the worker's launch
#         acknowledgement, the console output of one poll);
#   tx    txonly until tx_q0_good_packets grew by --packets (the kernel
#         drops the frames: they are not addressed to the TAP);
#   rx    rxonly while a packet socket writes --rx-frames raw frames
#         (ethertype 0x88b5) out of vxtapk, i.e. into vhost-net's Rx path;
#         frames the TAP drops (its queue to vhost-net full, the TAP's
#         tx_dropped) are reported, every other one must arrive.
# Kicks are counted two ways:
#   xstats  the driver's own rx_q0_kicks/tx_q0_kicks (vxpath only);
#   syscw   write syscalls of the forwarding lcore's thread
#           (/proc/PID/task/TID/io), whole phase, minus the idle phase's
#           count: that thread writes nothing but kick eventfds. As a
#           cross-check the whole process's syscw is also taken over the
#           polling window between `start` and `stop`, minus the console
#           writes of that many polls measured while idle (proc_window),
#           next to the thread's count over the same window.
# Per 1000 packets: kicks of the phase's own queue (tx_q0 for tx, rx_q0 for
# rx) for xstats, kicks of the thread for syscw (the other queue is not
# polled in a txonly or rxonly phase). The table on stdout has both.
#
# From the host: test/vm/run-in-vm.sh test/vm/kicks.sh --plugin FILE (FILE
# visible in the guest: not under /tmp or /run), or
# test/integration/test_kicks_vm.py.
#
# Usage: test/vm/kicks.sh [--plugin FILE | --build-dir DIR] [--out DIR]
#                         [--packets N] [--rx-frames M]
#                         [--cases "vxpath-ei1 vxpath-ei0 upstream"]
#                         [--phase-timeout SEC]
#   --plugin     librte_net_vxpath.so (staged under /run/vxpath first)
#   --build-dir  meson build directory holding drivers/librte_net_vxpath.so
#                (default: build/ in the repository, or VXPATH_BUILD_DIR)
#   --out        results directory (default: VXPATH_OUT_DIR, else the
#                current directory): kicks.txt (key=value, keys prefixed
#                with the case: vxpath_ei1_, vxpath_ei0_, upstream_) and
#                kicks-CASE.testpmd.log
#   --packets    DPDK -> kernel packets per case (default 200000)
#   --rx-frames  kernel -> DPDK frames per case (default 20000)
#   --cases      which cases, in order (default all three)
#   --phase-timeout  polling limit of the tx and rx phases (default 90 s)
# Exit status: 0 every case ran to the end (counts are reported, not
# judged), 1 a case failed (testpmd died, a phase fell short of its
# packets, a count was unreadable), 2 the scene could not be set up.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD_DIR=${VXPATH_BUILD_DIR:-$REPO/build}
PLUGIN=
OUT=${VXPATH_OUT_DIR:-$PWD}
N=200000
M=20000
CASES="vxpath-ei1 vxpath-ei0 upstream"
PHASE_TIMEOUT=90
PY=/usr/bin/python3

TAP=vxtapk
TAP_IP=198.51.100.1
PREFIX=vxkicks
QUEUE_SIZE=256
IDLE_POLLS=3

usage() { sed -n '2,58p' "$0" | sed 's/^# \{0,1\}//'; }

. "$HERE/scene-lib.sh"
scene_args kicks "plugin build-dir out packets:N rx-frames:M cases phase-timeout" "$@"

say() { echo "kicks: [${SECONDS}s] $*"; }
setup_fail() { say "SETUP FAILED: $*" >&2; exit 2; }

# ---- prerequisites ------------------------------------------------------
[ "$(id -u)" = 0 ] || setup_fail "must run as root"
[ -c /dev/vhost-net ] || setup_fail "no /dev/vhost-net (run it in the test VM: test/vm/run-in-vm.sh test/vm/kicks.sh ...)"
for t in dpdk-testpmd ip stdbuf awk; do
	command -v $t >/dev/null || setup_fail "missing tool: $t"
done
[ -x $PY ] || setup_fail "missing $PY"
for v in N M PHASE_TIMEOUT; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || setup_fail "$v must be a positive integer, not '${!v}'"
done
for c in $CASES; do
	case $c in
	vxpath-ei1|vxpath-ei0|upstream) ;;
	*) setup_fail "unknown case '$c' (vxpath-ei1, vxpath-ei0, upstream)" ;;
	esac
done
[ "$(cat /proc/sys/vm/nr_hugepages)" -gt 0 ] 2>/dev/null ||
	setup_fail "no hugepages reserved"
mkdir -p "$OUT" || setup_fail "cannot create $OUT"
RESULTS=$OUT/kicks.txt

WORK=$(mktemp -d /tmp/vxpath-kicks.XXXXXX) || setup_fail "mktemp"
TP_LOG=
# Plugin staging and testpmd driving (tp_start, tp_cmd, tp_kill, nap...).
mkfifo "$WORK/nap" && exec 5<>"$WORK/nap" || setup_fail "mkfifo"

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	scene_cleanup
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE

# ---- the plugin ---------------------------------------------------------
need_plugin=0
for c in $CASES; do
	[ "$c" = upstream ] || need_plugin=1
done
if [ $need_plugin = 1 ]; then
	[ -n "$PLUGIN" ] || PLUGIN=$BUILD_DIR/drivers/librte_net_vxpath.so
	scene_stage_plugin "$PLUGIN"
fi

# ---- testpmd driving ----------------------------------------------------
# Under TCG every fork and exec is slow, the more so while vhost-net's
# worker has a vCPU busy: what runs during a phase uses shell builtins only
# (read from file descriptors, read -t as a sleep).
# (tp_read, tp_prompt and tp_cmd, from scene-lib.sh, use builtins only.)

# io_syscw FILE: REPLY = the syscw line of a /proc .../io file, or empty.
io_syscw() {
	local key val
	REPLY=
	while read -r key val; do
		[ "$key" = syscw: ] && { REPLY=$val; return; }
	done <"$1"
}

# snap: PROC_W (whole process) and THR_W (forwarding lcore thread), read
# back to back: the thread may kick thousands of times a second.
snap() {
	io_syscw /proc/$TP_PID/io 2>/dev/null
	PROC_W=$REPLY
	io_syscw "$THR_IO" 2>/dev/null
	THR_W=$REPLY
}

# tap_dropped: REPLY = the TAP's tx_dropped counter.
tap_dropped() {
	REPLY=0
	read -r REPLY </sys/class/net/$TAP/statistics/tx_dropped 2>/dev/null
}

num() { [[ ${1:-} =~ ^[0-9]+$ ]]; }

# per1000 COUNT PACKETS
per1000() {
	if num "$1" && num "$2" && [ "$2" -gt 0 ]; then
		awk -v k="$1" -v p="$2" 'BEGIN { printf "%.2f", 1000 * k / p }'
	else
		echo na
	fi
}

# ---- one case -----------------------------------------------------------
declare -A R=()
OVERALL=0

# case_fail KEY-PREFIX WHY
case_fail() {
	say "FAILED ($1): $2" >&2
	R[${1}status]=fail
	R[${1}reason]=$2
	OVERALL=1
	if [ -n "$TP_LOG" ] && [ -f "$TP_LOG" ]; then
		say "testpmd log (last 25 lines):" >&2
		tail -n 25 "$TP_LOG" | sed 's/^/  | /' >&2
	fi
}

# The frames the kernel sends DPDK: a packet socket on the TAP writes raw
# Ethernet frames, each one leaves through the TAP into vhost-net's Rx.
send_frames() {
	$PY - "$TAP" "$1" <<'EOF'
import errno, socket, sys, time
ifname, count = sys.argv[1], int(sys.argv[2])
with open("/sys/class/net/%s/address" % ifname) as f:
    src = bytes.fromhex(f.read().strip().replace(":", ""))
frame = bytes.fromhex("020000000001") + src + b"\x88\xb5" + bytes(46)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
sent = 0
for _ in range(count):
    for _ in range(1000):
        try:
            s.send(frame)
            sent += 1
            break
        except OSError as e:
            if e.errno not in (errno.ENOBUFS, errno.EAGAIN):
                raise
            time.sleep(0.001)
print(sent)
EOF
}

run_case() {
	local c=$1 k vdev plugin_args=() expect
	case $c in
	vxpath-ei1) k=vxpath_ei1_; expect=net_vxpath
		vdev=virtio_user0,path=/dev/vhost-net,iface=$TAP,queue_size=$QUEUE_SIZE,event_idx=1 ;;
	vxpath-ei0) k=vxpath_ei0_; expect=net_vxpath
		vdev=virtio_user0,path=/dev/vhost-net,iface=$TAP,queue_size=$QUEUE_SIZE,event_idx=0 ;;
	upstream) k=upstream_; expect=net_virtio_user
		vdev=net_virtio_user0,path=/dev/vhost-net,iface=$TAP,queue_size=$QUEUE_SIZE ;;
	esac
	[ "$expect" = net_vxpath ] && plugin_args=(-d "$STAGED")
	R[${k}status]=ok
	R[${k}vdev]=$vdev

	# The log stays on the guest's tmpfs while testpmd runs; it is
	# copied to the results directory at the end.
	TP_LOG=$WORK/testpmd-$c.log
	ip link del $TAP 2>/dev/null
	local cmd=(dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci
		"${plugin_args[@]}" --vdev=$vdev
		-- -i --total-num-mbufs=4096)
	say "[$c] starting: ${cmd[*]}"
	tp_start "$TP_LOG" "${cmd[@]}"
	tp_prompt 180 || { case_fail $k "testpmd did not reach its prompt"; tp_kill; return; }
	TP_BUF=

	# The forwarding lcore's thread (EAL names it rte-worker-1).
	local t name
	THR_IO=
	for t in /proc/$TP_PID/task/*; do
		name=
		read -r name <"$t/comm" 2>/dev/null
		[ "$name" = rte-worker-1 ] && THR_IO=$t/io
	done
	[ -n "$THR_IO" ] || { case_fail $k "no rte-worker-1 thread in testpmd"; tp_kill; return; }
	say "[$c] testpmd up (pid $TP_PID)"

	tp_cmd 30 "show port info 0"
	R[${k}driver]=$(sed -n 's/^Driver name: *//p' <<<"$TP_OUT" | head -n 1)
	[ "${R[${k}driver]}" = "$expect" ] ||
		{ case_fail $k "port 0 driver is '${R[${k}driver]}', expected $expect"; tp_kill; return; }

	for _ in $(seq 100); do
		[ -e /sys/class/net/$TAP ] && break
		nap 0.1
	done
	[ -e /sys/class/net/$TAP ] || { case_fail $k "TAP $TAP did not appear"; tp_kill; return; }
	sysctl -qw net.ipv6.conf.$TAP.disable_ipv6=1
	ip addr add $TAP_IP/24 dev $TAP || { case_fail $k "address on $TAP"; tp_kill; return; }
	ip link set $TAP up || { case_fail $k "$TAP up"; tp_kill; return; }

	# -- idle: what is written when nothing is forwarded --------------
	local a_p a_t w_p b_t i
	tp_cmd 30 "set fwd rxonly"
	tp_cmd 30 "show port xstats 0"
	local idle_rx0=${XS[rx_q0_good_packets]:-0}
	snap; a_t=$THR_W
	tp_cmd 30 "start" || { case_fail $k "start (idle) got no prompt"; tp_kill; return; }
	snap; a_p=$PROC_W
	for i in $(seq $IDLE_POLLS); do
		tp_cmd 30 "show port xstats 0"
	done
	snap; w_p=$PROC_W
	tp_cmd 30 "stop"
	snap; b_t=$THR_W
	tp_cmd 30 "show port xstats 0"
	if ! num "$a_t" || ! num "$b_t" || ! num "$a_p" || ! num "$w_p"; then
		case_fail $k "syscw unreadable (thread '$a_t' '$b_t', process '$a_p' '$w_p')"
		tp_kill; return
	fi
	R[${k}idle_thread_syscw]=$((b_t - a_t))
	R[${k}idle_poll_syscw]=$(((w_p - a_p) / IDLE_POLLS))
	R[${k}idle_poll_syscw_rem]=$(((w_p - a_p) % IDLE_POLLS))
	R[${k}idle_rx_packets]=$((${XS[rx_q0_good_packets]:-0} - idle_rx0))
	say "[$c] idle: forwarding thread syscw ${R[${k}idle_thread_syscw]}, process syscw per poll ${R[${k}idle_poll_syscw]}"

	# -- phase: tx (txonly) or rx (rxonly + frames from the kernel) ------
	local dir
	for dir in tx rx; do
		local counter=${dir}_q0_good_packets goal want polls=0 sender=
		local -A X0=()
		tp_cmd 30 "set fwd ${dir}only"
		tp_cmd 30 "show port xstats 0"
		for i in "${!XS[@]}"; do X0[$i]=${XS[$i]}; done
		tap_dropped; local tapd0=$REPLY
		if [ $dir = tx ]; then goal=$N; else goal=$M; fi
		want=$((${XS[$counter]:-0} + goal))

		snap; a_t=$THR_W
		tp_cmd 30 "start" || { case_fail $k "start ($dir) got no prompt"; tp_kill; return; }
		snap; a_p=$PROC_W; local wa_t=$THR_W
		if [ $dir = rx ]; then
			send_frames "$M" >"$WORK/sent" 2>"$WORK/sent.err" &
			sender=$!
		fi
		local t0=$SECONDS cur last=-1 still=0
		while :; do
			nap 1
			tp_cmd 30 "show port xstats 0"
			polls=$((polls + 1))
			cur=${XS[$counter]:-}
			num "$cur" || break
			[ "$cur" -ge "$want" ] && break
			[ $((SECONDS - t0)) -ge "$PHASE_TIMEOUT" ] && break
			tp_alive || break
			# rx: once the sender is done, stop when nothing more arrives.
			if [ -n "$sender" ] && ! kill -0 "$sender" 2>/dev/null; then
				if [ "$cur" = "$last" ]; then
					still=$((still + 1))
					[ $still -ge 2 ] && break
				else
					still=0
				fi
			fi
			last=$cur
		done
		snap; w_p=$PROC_W; local wb_t=$THR_W
		tp_cmd 30 "stop"
		snap; b_t=$THR_W
		tp_cmd 30 "show port xstats 0"
		tp_alive || { case_fail $k "testpmd died in the $dir phase"; tp_kill; return; }
		if [ -n "$sender" ]; then
			wait "$sender"
			R[${k}rx_sent]=$(cat "$WORK/sent" 2>/dev/null)
			[ -s "$WORK/sent.err" ] && say "[$c] sender: $(tail -n 3 "$WORK/sent.err")"
			tap_dropped
			R[${k}rx_tap_tx_dropped]=$((REPLY - tapd0))
		fi
		if ! num "$b_t" || ! num "$w_p"; then
			case_fail $k "syscw unreadable after the $dir phase"
			tp_kill; return
		fi

		local pk=$((${XS[$counter]:-0} - ${X0[$counter]:-0}))
		R[${k}${dir}_packets]=$pk
		R[${k}${dir}_polls]=$polls
		R[${k}${dir}_thread_syscw]=$((b_t - a_t))
		local kt=$((b_t - a_t - R[${k}idle_thread_syscw]))
		R[${k}${dir}_kicks_syscw]=$kt
		R[${k}${dir}_kicks_syscw_per1000]=$(per1000 $kt $pk)
		R[${k}${dir}_window_thread_syscw]=$((wb_t - wa_t))
		R[${k}${dir}_window_proc_kicks]=$((w_p - a_p - polls * R[${k}idle_poll_syscw]))
		if num "${XS[tx_q0_kicks]:-}"; then
			local q
			for q in rx tx; do
				R[${k}${dir}_${q}q_kicks_xstats]=$((XS[${q}_q0_kicks] - X0[${q}_q0_kicks]))
				R[${k}${dir}_${q}q_interrupts]=$((XS[${q}_q0_interrupts] - X0[${q}_q0_interrupts]))
			done
			R[${k}${dir}_kicks_xstats]=$((R[${k}${dir}_rxq_kicks_xstats] + R[${k}${dir}_txq_kicks_xstats]))
			R[${k}${dir}_kicks_xstats_per1000]=$(per1000 ${R[${k}${dir}_${dir}q_kicks_xstats]} $pk)
		else
			R[${k}${dir}_kicks_xstats]=na
		fi
		if [ $dir = tx ] && [ "$pk" -lt "$goal" ]; then
			case_fail $k "tx phase: $pk packets of $goal in ${PHASE_TIMEOUT}s"
		fi
		# Frames the TAP dropped (its queue to vhost-net full) never
		# reached the driver: the rest must all have arrived.
		if [ $dir = rx ]; then
			local sent=${R[${k}rx_sent]:-0} drop=${R[${k}rx_tap_tx_dropped]:-0}
			num "$sent" || sent=0
			if [ "$sent" -lt "$goal" ] || [ $((pk + drop)) -lt "$sent" ]; then
				case_fail $k "rx phase: $sent of $goal frames sent, $pk received, $drop dropped by the TAP"
			fi
		fi
		say "[$c] $dir: $pk packets, $polls polls, thread syscw $((b_t - a_t)), kicks (syscw) $kt, kicks (xstats) ${R[${k}${dir}_kicks_xstats]}"
	done

	tp_cmd 30 "quit"
	for _ in $(seq 150); do
		tp_alive || break
		nap 0.2
	done
	if tp_alive; then
		say "[$c] warning: testpmd did not quit; stopping it"
	else
		wait "$TP_PID"
		local rc=$?
		TP_PID=
		[ $rc = 0 ] || say "[$c] warning: testpmd exited with $rc"
	fi
	tp_kill
	exec 4<&-
	for _ in $(seq 50); do
		[ -e /sys/class/net/$TAP ] || break
		nap 0.1
	done
	say "[$c] done"
}

for c in $CASES; do
	run_case "$c"
	cp "$TP_LOG" "$OUT/kicks-$c.testpmd.log" 2>/dev/null
	TP_LOG=
done

# ---- report -------------------------------------------------------------
v() { echo "${R[$1]:-na}"; }
echo
echo "=== kicks per 1000 packets, real vhost-net (DPDK->kernel: $N packets, kernel->DPDK: $M frames) ==="
printf '%-11s %-15s|%8s %7s %7s %6s %5s |%6s %5s %6s %6s %6s %6s %5s\n' \
	"" "" "DPDK->" kernel "" "" "" "kernel" "->" DPDK "" "" "" ""
printf '%-11s %-15s|%8s %7s %7s %6s %5s |%6s %5s %6s %6s %6s %6s %5s\n' \
	case driver "packets" "kicks" "xstats" "/1000" "irqs" \
	"sent" "drop" "pkts" "kicks" "xstats" "/1000" "irqs"
for c in $CASES; do
	case $c in
	vxpath-ei1) k=vxpath_ei1_ ;;
	vxpath-ei0) k=vxpath_ei0_ ;;
	upstream) k=upstream_ ;;
	esac
	printf '%-11s %-15s|%8s %7s %7s %6s %5s |%6s %5s %6s %6s %6s %6s %5s\n' \
		"$c" "$(v ${k}driver)" \
		"$(v ${k}tx_packets)" "$(v ${k}tx_kicks_syscw)" \
		"$(v ${k}tx_txq_kicks_xstats)" "$(v ${k}tx_kicks_syscw_per1000)" \
		"$(v ${k}tx_txq_interrupts)" \
		"$(v ${k}rx_sent)" "$(v ${k}rx_tap_tx_dropped)" \
		"$(v ${k}rx_packets)" "$(v ${k}rx_kicks_syscw)" \
		"$(v ${k}rx_rxq_kicks_xstats)" "$(v ${k}rx_kicks_syscw_per1000)" \
		"$(v ${k}rx_rxq_interrupts)"
done
echo "kicks: forwarding thread's write syscalls minus the idle baseline; xstats: the driver's own"
echo "tx_q0_kicks/rx_q0_kicks; /1000: kicks (syscw) per 1000 packets; irqs: call eventfd signals"
echo "counted by vxpath's xstats; drop: frames the TAP dropped; na: upstream has no such counter"

{
	echo "packets=$N"
	echo "rx_frames=$M"
	echo "cases=$CASES"
	for key in $(printf '%s\n' "${!R[@]}" | sort); do
		echo "$key=${R[$key]}"
	done
	echo "verdict=$([ $OVERALL = 0 ] && echo pass || echo fail)"
} >"$RESULTS"
say "results in $RESULTS"
exit $OVERALL
