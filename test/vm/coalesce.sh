#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Transmit coalescing (devarg tx_coalesce=1, drivers/net/vxpath/coalesce.h)
# against the real Linux vhost-net and TAP. Runs inside the test VM as root
# (test/integration/test_coalesce_vm.py runs it with test/vm/run-in-vm.sh).
#
#   netns vxcns                          root namespace
#   vxcveth1 192.0.2.2/24 --- vxcveth0 <-> dpdk-testpmd, io forwarding
#            fd00:c0a::2/64              port 0 net_af_packet on vxcveth0
#   (TSO, GSO, GRO and checksum          port 1 vxpath over /dev/vhost-net,
#    offloads off: the kernel sends             tx_coalesce=0, then 1
#    MSS-sized segments, 1448 bytes)     <-> TAP vxctap0 192.0.2.1/24,
#                                                fd00:c0a::1/64 (MTU 1500)
#
# For tx_coalesce=0 and then 1 (one testpmd each, --burst 64), a python3
# client in vxcns (test/vm/tcp_xfer.py) sends --bytes to a kernel socket on
# the TAP's IPv4 address, then on its IPv6 address, each end hashing the
# payload with SHA-256. testpmd hands port 1 the segments as af_packet read
# them (up to 64 a burst); with tx_coalesce=1 vxpath merges those of the
# stream into GSO frames, and the TAP counts fewer frames (its rx_packets).
# TCP/IPv6 is merged only where DPDK's GRO has RTE_GRO_TCP_IPV6 (23.07 and
# later): the driver says which at probe (its INFO line "Tx merges
# TCP/IPv4 and TCP/IPv6 segments"), read here as gro_ipv6=0|1.
#
# How full the bursts are is up to the kernels and testpmd's polling: the
# ratio of frames is measured, not given. After each testpmd's transfers:
# `stop`, `port stop all` (the rings drained), `dump_mempool`: the mbufs in
# use then (in_use_count of testpmd's pool) must be 0, none leaked.
#
# Written to --out: coalesce.txt (key=value results, per run C0_4_, C0_6_,
# C1_4_, C1_6_: C tx_coalesce, then the IP version), coalesce.testpmd0.log
# and coalesce.testpmd1.log.
#
# Checks (exit 1 if one fails): each transfer complete, --bytes, SHA-256
# equal; port 1 is net_vxpath; no Tx error on port 1; port 1's Tx packets
# are port 0's Rx packets (io forwarding: the application's packets, which
# vxpath counts also when it merged them); the TAP's frames are port 1's
# packets less the merged ones plus the frames they made (tx_q0_ counters
# coalesced_segments and coalesced_frames); no coalescing with
# tx_coalesce=0; with tx_coalesce=1 coalesced_segments > 0 for IPv4 (and
# for IPv6 where gro_ipv6=1, else 0) and the TAP's frames per MiB below a
# quarter of tx_coalesce=0's; in_use_count 0 after each testpmd.
#
# Usage: test/vm/coalesce.sh [--plugin FILE | --build-dir DIR] [--out DIR]
#                            [--bytes N] [--timeout SEC]
#   --plugin     librte_net_vxpath.so (staged under /run/vxpath first)
#   --build-dir  meson build directory holding drivers/librte_net_vxpath.so
#                (default: build/ in the repository, or VXPATH_BUILD_DIR)
#   --out        results directory (default: VXPATH_OUT_DIR, else the
#                current directory)
#   --bytes      payload of each transfer (default 8388608)
#   --timeout    a transfer fails after SEC seconds without progress
#                (default 60)
# Exit status: 0 every check passed, 1 a check failed, 2 the scene could
# not be set up.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD_DIR=${VXPATH_BUILD_DIR:-$REPO/build}
PLUGIN=
OUT=${VXPATH_OUT_DIR:-$PWD}
BYTES=8388608
TIMEOUT=60
PY=/usr/bin/python3

NS=vxcns
VETH_HOST=vxcveth0
VETH_NS=vxcveth1
TAP=vxctap0
TAP_IP4=192.0.2.1
NS_IP4=192.0.2.2
TAP_IP6=fd00:c0a::1
NS_IP6=fd00:c0a::2
TAP_MAC=02:00:00:0c:0a:01
PORT4=5101
PORT6=5102
PREFIX=vxcoal

usage() { sed -n '2,56p' "$0" | sed 's/^# \{0,1\}//'; }

. "$HERE/scene-lib.sh"
scene_args coalesce "plugin build-dir out bytes timeout" "$@"

say() { echo "coalesce: [${SECONDS}s] $*"; }
setup_fail() { say "SETUP FAILED: $*" >&2; exit 2; }


# ---- prerequisites ------------------------------------------------------
[ "$(id -u)" = 0 ] || setup_fail "must run as root"
[ -c /dev/vhost-net ] || setup_fail "no /dev/vhost-net (run it in the test VM: test/vm/run-in-vm.sh test/vm/coalesce.sh ...)"
for t in dpdk-testpmd ip ethtool nstat ss stdbuf; do
	command -v $t >/dev/null || setup_fail "missing tool: $t"
done
[ -x $PY ] || setup_fail "missing $PY"
for v in BYTES TIMEOUT; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || setup_fail "${v,,} must be a positive integer, not '${!v}'"
done
[ "$(cat /proc/sys/vm/nr_hugepages)" -gt 0 ] 2>/dev/null ||
	setup_fail "no hugepages reserved"
mkdir -p "$OUT" || setup_fail "cannot create $OUT"
RESULTS=$OUT/coalesce.txt
rm -f "$RESULTS"

WORK=$(mktemp -d /tmp/vxpath-coal.XXXXXX) || setup_fail "mktemp"
SERVERS=()
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	for pid in "${SERVERS[@]}"; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	scene_cleanup
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE

[ -n "$PLUGIN" ] || PLUGIN=$BUILD_DIR/drivers/librte_net_vxpath.so
scene_stage_plugin "$PLUGIN"

# ---- topology -----------------------------------------------------------
# No DAD: the addresses are usable at once (the VM is the scene's alone).
sysctl -qw net.ipv6.conf.default.accept_dad=0
scene_netns $NS $VETH_HOST $VETH_NS $NS_IP4/24
nsx() { ip netns exec $NS "$@"; }
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.accept_dad=0 \
	net.ipv6.conf.$VETH_NS.accept_dad=0 net.ipv6.conf.$VETH_NS.disable_ipv6=0
nsx ip -6 addr add $NS_IP6/64 dev $VETH_NS nodad || setup_fail "IPv6 address on $VETH_NS"
# Segments of one MSS each, with full checksums, as a NIC without
# offloads would see them.
nsx ethtool -K $VETH_NS tx off sg off tso off gso off gro off >/dev/null 2>&1 ||
	setup_fail "ethtool -K $VETH_NS offloads off"
ethtool -K $VETH_HOST tx off tso off gso off gro off >/dev/null 2>&1

# ---- counters -----------------------------------------------------------
declare -A R=()
declare -A C0=() C1=()
P1_KEYS="tx_good_packets tx_good_bytes tx_errors tx_q0_errors tx_q0_coalesced_frames tx_q0_coalesced_segments tx_q0_size_1519_max_packets"
P0_KEYS="rx_good_packets"
IF_STATS="rx_packets rx_bytes rx_errors rx_dropped"

snap() {
	local -n a=$1
	local k v s
	a=()
	tp_cmd 30 "show port xstats 1"
	for k in $P1_KEYS; do a["p1_$k"]=${XS[$k]:-}; done
	tp_cmd 30 "show port xstats 0"
	for k in $P0_KEYS; do a["p0_$k"]=${XS[$k]:-}; done
	for s in $IF_STATS; do
		read -r v </sys/class/net/$TAP/statistics/$s || v=
		a["tap_$s"]=$v
	done
	# The sender's retransmissions, the receiver's checksum errors.
	v=$(nsx nstat -asz TcpRetransSegs 2>/dev/null | awk '$1 == "TcpRetransSegs" { print $2 }')
	a[ns_TcpRetransSegs]=$v
	v=$(nstat -asz TcpInCsumErrors 2>/dev/null | awk '$1 == "TcpInCsumErrors" { print $2 }')
	a[root_TcpInCsumErrors]=$v
}
wait_listen() {
	local addr=$1 port=$2 n=100
	while [ $n -gt 0 ]; do
		ss -ltnH "sport = :$port" 2>/dev/null | grep -qF "$addr" && return 0
		nap 0.2
		n=$((n - 1))
	done
	return 1
}
kv() { sed -n "s/^$2=//p" "$1" 2>/dev/null | head -n 1; }

CFG_LOG=
cfg() {
	tp_cmd 60 "$1" || setup_fail "no prompt after '$1'"
	if grep -qiE 'error|not supported|invalid|bad arguments|fail' <<<"$TP_OUT"; then
		echo "$TP_OUT" | sed 's/^/  | /' >&2
		setup_fail "testpmd refused '$1'"
	fi
}

# ---- one testpmd per tx_coalesce value ------------------------------------
for C in 0 1; do
	TP_LOG=$WORK/testpmd$C.log
	TP_CMD=(dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci
		-d "$STAGED" --log-level=pmd.net.vxpath:info
		--vdev=net_af_packet0,iface=$VETH_HOST
		--vdev=virtio_user0,path=/dev/vhost-net,iface=$TAP,queue_size=256,tx_coalesce=$C
		-- -i --burst=64 --total-num-mbufs=8192)
	say "tx_coalesce=$C: starting: ${TP_CMD[*]}"
	tp_start "$TP_LOG" "${TP_CMD[@]}"
	tp_prompt 180 || { tail -n 30 "$TP_LOG" >&2; setup_fail "testpmd did not reach its prompt"; }
	tp_cmd 30 "show port info 1"
	R[C${C}_driver1]=$(sed -n 's/^Driver name: *//p' <<<"$TP_OUT" | head -n 1)
	if grep -q "Tx merges TCP/IPv4 and TCP/IPv6" "$TP_LOG"; then
		R[C${C}_gro_ipv6]=1
	else
		R[C${C}_gro_ipv6]=0
	fi
	R[C${C}_probe_line]=$(grep -c "tx_coalesce=1: Tx merges" "$TP_LOG")
	cfg "set fwd io"
	cfg "start"
	for _ in $(seq 100); do
		[ -e /sys/class/net/$TAP ] && break
		nap 0.1
	done
	[ -e /sys/class/net/$TAP ] || setup_fail "TAP $TAP did not appear"
	sysctl -qw net.ipv6.conf.$TAP.disable_ipv6=0 net.ipv6.conf.$TAP.accept_dad=0
	ip link set $TAP mtu 1500 || setup_fail "mtu 1500 on $TAP"
	# Each testpmd makes a new TAP with a new MAC address: one address
	# for all, and the namespace forgets the old one (else it keeps
	# sending to the previous TAP's address until its neighbour entry
	# goes stale, and the transfer stalls at the start).
	ip link set $TAP address $TAP_MAC || setup_fail "MAC address of $TAP"
	nsx ip neigh flush dev $VETH_NS
	ip addr add $TAP_IP4/24 dev $TAP || setup_fail "IPv4 address on $TAP"
	ip -6 addr add $TAP_IP6/64 dev $TAP nodad || setup_fail "IPv6 address on $TAP"
	ip link set $TAP up || setup_fail "$TAP up"
	ethtool -k $TAP >"$OUT/coalesce.tap-features$C" 2>&1

	SERVERS=()
	$PY "$HERE/tcp_xfer.py" server --bind $TAP_IP4 --port $PORT4 --dirs up \
		--bytes "$BYTES" --out "$WORK/server${C}_4.txt" --timeout "$TIMEOUT" \
		>"$WORK/server${C}_4.log" 2>&1 &
	SERVERS+=($!)
	$PY "$HERE/tcp_xfer.py" server --bind $TAP_IP6 --port $PORT6 --dirs up \
		--bytes "$BYTES" --out "$WORK/server${C}_6.txt" --timeout "$TIMEOUT" \
		>"$WORK/server${C}_6.log" 2>&1 &
	SERVERS+=($!)
	wait_listen $TAP_IP4 $PORT4 || setup_fail "no listener on $TAP_IP4:$PORT4"
	wait_listen $TAP_IP6 $PORT6 || setup_fail "no listener on [$TAP_IP6]:$PORT6"

	for F in 4 6; do
		run=C${C}_$F
		if [ $F = 4 ]; then dst=$TAP_IP4 port=$PORT4; else dst=$TAP_IP6 port=$PORT6; fi
		snap C0
		say "$run: $BYTES bytes $NS -> kernel ($dst), tx_coalesce=$C"
		t0=$SECONDS
		nsx $PY "$HERE/tcp_xfer.py" client --connect $dst --port $port \
			--bytes "$BYTES" --dir up --out "$WORK/client$run.txt" \
			--timeout "$TIMEOUT" >"$WORK/client$run.log" 2>&1
		R[${run}_client_rc]=$?
		R[${run}_seconds]=$((SECONDS - t0))
		# The server hashes what came once the client closed.
		reap 20 "${SERVERS[$((F == 4 ? 0 : 1))]}"
		snap C1
		delta $run $(for k in $P1_KEYS; do echo p1_$k; done) \
			$(for k in $P0_KEYS; do echo p0_$k; done) \
			$(for k in $IF_STATS; do echo tap_$k; done) \
			ns_TcpRetransSegs root_TcpInCsumErrors
		R[${run}_sent_bytes]=$(kv "$WORK/client$run.txt" up_sent_bytes)
		R[${run}_sent_sha256]=$(kv "$WORK/client$run.txt" up_sent_sha256)
		R[${run}_recv_bytes]=$(kv "$WORK/server${C}_$F.txt" up_recv_bytes)
		R[${run}_recv_sha256]=$(kv "$WORK/server${C}_$F.txt" up_recv_sha256)
		R[${run}_client_error]=$(kv "$WORK/client$run.txt" error)
		say "$run: client exit ${R[${run}_client_rc]}; TAP rx ${R[${run}_tap_rx_packets]} frames; port 1 tx ${R[${run}_p1_tx_good_packets]} packets, coalesced ${R[${run}_p1_tx_q0_coalesced_segments]} into ${R[${run}_p1_tx_q0_coalesced_frames]}"
	done
	SERVERS=()
	tp_cmd 30 "stop"
	tp_cmd 60 "port stop all"
	# testpmd's command is dump_mempool up to DPDK 24.11, `dump mempool`
	# from 25.11 on.
	tp_cmd 30 "dump_mempool"
	case $TP_OUT in
	*"Command not found"*) tp_cmd 30 "dump mempool" ;;
	esac
	printf '%s\n' "$TP_OUT" >"$OUT/coalesce.mempool$C.txt"
	# testpmd's pool of mbufs (mb_pool_0): its size less the mbufs in the
	# pool and in the lcore caches (DPDK 22.11's dump has no in_use_count).
	R[C${C}_mempool_in_use]=$(awk '
		/^mempool </ { p = ($2 ~ /^<mb_pool_0>/) }
		p && /^  size=/ { split($0, a, "="); size = a[2] }
		p && /total_cache_count=/ { split($0, a, "="); cache = a[2] }
		p && /common_pool_count=/ { split($0, a, "="); pool = a[2] }
		END { if (size != "" && pool != "") print size - pool - cache }' <<<"$TP_OUT")
	tp_quit 30
	[ "${TP_RC:-x}" = 0 ] || say "warning: testpmd exit status ${TP_RC:-killed}"
	cp "$TP_LOG" "$OUT/coalesce.testpmd$C.log" 2>/dev/null
done

# ---- results ------------------------------------------------------------
num() { [[ ${1:-} =~ ^[0-9]+$ ]] && echo "$1" || echo -1; }
close() {
	local a b d
	a=$(num "$1"); b=$(num "$2")
	[ "$a" -ge 0 ] && [ "$b" -ge 0 ] || return 1
	d=$((a > b ? a - b : b - a))
	[ $((d * 100)) -le $(((a > b ? a : b) + 400)) ]
}
MIB=$((BYTES / 1048576))
[ $MIB -gt 0 ] || MIB=1
FAILS=()
GRO6=${R[C1_gro_ipv6]}
for C in 0 1; do
	[ "${R[C${C}_driver1]}" = net_vxpath ] ||
		FAILS+=("tx_coalesce=$C: port 1 driver '${R[C${C}_driver1]}', not net_vxpath")
	[ "$(num "${R[C${C}_mempool_in_use]}")" = 0 ] ||
		FAILS+=("tx_coalesce=$C: mbufs in use after port stop: '${R[C${C}_mempool_in_use]}'")
	for F in 4 6; do
		run=C${C}_$F
		R[${run}_tap_frames_per_mib]=$(( $(num "${R[${run}_tap_rx_packets]}") / MIB ))
		[ "${R[${run}_client_rc]}" = 0 ] ||
			FAILS+=("$run: client failed: ${R[${run}_client_error]:-see logs}")
		[ "$(num "${R[${run}_sent_bytes]}")" = "$BYTES" ] && [ "$(num "${R[${run}_recv_bytes]}")" = "$BYTES" ] ||
			FAILS+=("$run: ${R[${run}_sent_bytes]:-0} bytes sent, ${R[${run}_recv_bytes]:-0} received, $BYTES wanted")
		if [ -n "${R[${run}_sent_sha256]}" ] && [ "${R[${run}_sent_sha256]}" = "${R[${run}_recv_sha256]}" ]; then
			R[${run}_sha256_match]=1
		else
			R[${run}_sha256_match]=0
			FAILS+=("$run: sha256 sent ${R[${run}_sent_sha256]:-none}, received ${R[${run}_recv_sha256]:-none}")
		fi
		for k in tx_errors tx_q0_errors; do
			[ "$(num "${R[${run}_p1_$k]}")" = 0 ] || FAILS+=("$run: port 1 $k ${R[${run}_p1_$k]}")
		done
		close "${R[${run}_p1_tx_good_packets]}" "${R[${run}_p0_rx_good_packets]}" ||
			FAILS+=("$run: port 1 counted ${R[${run}_p1_tx_good_packets]} Tx packets, port 0 received ${R[${run}_p0_rx_good_packets]}")
		segs=$(num "${R[${run}_p1_tx_q0_coalesced_segments]}")
		frames=$(num "${R[${run}_p1_tx_q0_coalesced_frames]}")
		R[${run}_frames_expected]=$(( $(num "${R[${run}_p1_tx_good_packets]}") - segs + frames ))
		close "${R[${run}_tap_rx_packets]}" "${R[${run}_frames_expected]}" ||
			FAILS+=("$run: the TAP received ${R[${run}_tap_rx_packets]} frames, port 1 sent ${R[${run}_frames_expected]} (packets - coalesced_segments + coalesced_frames)")
		if [ $C = 0 ] || { [ $F = 6 ] && [ "$GRO6" != 1 ]; }; then
			[ "$segs" = 0 ] || FAILS+=("$run: $segs packets coalesced, none expected")
		else
			[ "$segs" -gt 0 ] || FAILS+=("$run: no packet coalesced")
			off=$(num "${R[C0_${F}_tap_frames_per_mib]}")
			on=$(num "${R[${run}_tap_frames_per_mib]}")
			[ "$on" -ge 0 ] && [ "$off" -gt 0 ] && [ $((on * 4)) -lt "$off" ] ||
				FAILS+=("$run: the TAP took $on frames per MiB, tx_coalesce=0 $off: not below a quarter")
		fi
	done
done
[ ${#FAILS[@]} = 0 ] && VERDICT=pass || VERDICT=fail

echo
echo "=== vxpath tx_coalesce against vhost-net ($BYTES bytes each transfer, TCP/IPv6 merged: $GRO6) ==="
for C in 0 1; do
	for F in 4 6; do
		run=C${C}_$F
		printf '  tx_coalesce=%s IPv%s: %s of %s bytes in %ss, sha256 %s; TAP rx %s frames (%s per MiB), %s B; port 1 tx %s packets, coalesced %s into %s frames, errors %s; port 0 rx %s; sender retransmits %s\n' \
			$C $F "${R[${run}_recv_bytes]:-0}" "$BYTES" "${R[${run}_seconds]}" \
			"$([ "${R[${run}_sha256_match]}" = 1 ] && echo match || echo MISMATCH)" \
			"${R[${run}_tap_rx_packets]}" "${R[${run}_tap_frames_per_mib]}" "${R[${run}_tap_rx_bytes]}" \
			"${R[${run}_p1_tx_good_packets]}" "${R[${run}_p1_tx_q0_coalesced_segments]}" \
			"${R[${run}_p1_tx_q0_coalesced_frames]}" "${R[${run}_p1_tx_q0_errors]}" \
			"${R[${run}_p0_rx_good_packets]}" "${R[${run}_ns_TcpRetransSegs]}"
	done
	printf '  tx_coalesce=%s: mbufs in use after port stop: %s\n' $C "${R[C${C}_mempool_in_use]:-?}"
done
scene_report "bytes=$BYTES"
