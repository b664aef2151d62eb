#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The exception-path scene: a network namespace talks to the kernel of this
# host through a DPDK application, with vxpath as the way into the kernel.
#
#   netns vxns                 root namespace
#   vxveth1 192.0.2.2/24 --- vxveth0 <-> dpdk-testpmd (io forwarding)
#                                    port 0 net_af_packet on vxveth0
#                                    port 1 virtio-user over /dev/vhost-net
#                                    <-> TAP vxtap0 192.0.2.1/24 (kernel)
#
# The namespace pings 192.0.2.1 and fetches a random file over HTTP from a
# python3 http.server bound to 192.0.2.1; every frame crosses testpmd, so it
# crosses vxpath twice (Rx and Tx). The scene prints what crossed (ping
# summary, HTTP bytes and checksum, testpmd's per-port packet counts, the
# driver name of port 1) and can write the same as key=value lines.
#
# Needs root, /dev/vhost-net (run it inside the test VM otherwise:
# devtools/run-exception-path.sh does that), hugepages, dpdk-testpmd,
# iproute2, ethtool, iputils-ping, curl and /usr/bin/python3. Everything it
# creates (testpmd, HTTP server, netns, veth, staged plugin) is removed on
# exit, failure included.
#
# Usage: devtools/exception-path.sh [--driver vxpath|upstream]
#                                   [--results FILE] [--build-dir DIR]
#                                   [--plugin FILE] [--size BYTES]
#                                   [--queues N] [--cq]
#                                   [--flows N] [--flow-bytes BYTES]
#   --driver    vxpath (default): the plugin loaded with -d and bound by
#               --vdev=virtio_user0; upstream: DPDK's own net_virtio_user.
#   --results   write key=value results to FILE (and testpmd's log to
#               FILE's name with .testpmd.log).
#   --build-dir meson build directory holding drivers/librte_net_vxpath.so
#               (default: build/ in the repository, or VXPATH_BUILD_DIR).
#   --plugin    the plugin itself (overrides --build-dir).
#   --size      bytes of the HTTP file (default 307200).
#   --queues N  N queue pairs: virtio-user queues=N,cq=1 (N > 1 needs the
#               control virtqueue), af_packet qpairs=N, testpmd --rxq/--txq
#               N; the TAP is then multi-queue (tap_queues in the results).
#   --cq        the control virtqueue (cq=1) with one queue pair.
#   --flows N   after the HTTP fetch, 2N TCP connections at once between
#               the namespace and the kernel (test/vm/tcp_xfer.py --flows):
#               N send --flow-bytes up to a socket on the TAP's address,
#               N fetch as many down, each end hashing every flow with
#               SHA-256. Their source ports differ, so the flow hashes
#               (af_packet's fanout towards port 1's Tx queues, the TAP's
#               queue choice towards its Rx queues) spread them over the
#               queue pairs; with --queues N > 1 every queue of port 1
#               must then have carried packets both ways during the flows
#               (port 1's xstats rx_qK_good_packets, tx_qK_good_packets).
#   --flow-bytes  bytes of each flow (default 524288).
# With the control virtqueue (--queues N, --cq) the scene also checks that
# the port's promiscuous mode is the TAP's: testpmd turns it on at start-up,
# then `set promisc 1 off` and `on` again (tap_promisc_* in the results).
# While it is off (ethdev's default, what an application that never asks
# for promiscuous mode gets) the namespace pings the TAP's address again:
# the kernel's replies, addressed to the namespace's MAC and not to the
# port's, must still reach it (ping_promisc_off_received).
# Exit status: 0 all checks passed, 1 a check failed, 2 the scene could not
# be set up (prerequisite missing, testpmd did not come up).

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# TP_PROMPT_RE: testpmd's prompt, also when an event line cuts it.
. "$REPO/test/vm/scene-lib.sh"
DRIVER=vxpath
RESULTS=
BUILD_DIR=${VXPATH_BUILD_DIR:-$REPO/build}
PLUGIN=
SIZE=307200
QUEUES=1
CQ=0
FLOWS=0
FLOW_BYTES=524288
FLOW_PORT=5001
PY=/usr/bin/python3

NS=vxns
VETH_HOST=vxveth0
VETH_NS=vxveth1
TAP=vxtap0
TAP_IP=192.0.2.1
NS_IP=192.0.2.2
HTTP_PORT=8080
PREFIX=vxscene
PING_COUNT=5

usage() { sed -n '2,63p' "$0" | sed 's/^# \{0,1\}//'; }

scene_args exception-path "driver results build-dir plugin size queues cq! flows flow-bytes" "$@"

say() { echo "exception-path: $*"; }
setup_fail() { say "SETUP FAILED: $*" >&2; exit 2; }

case $DRIVER in
vxpath) EXPECT_DRIVER=net_vxpath ;;
upstream) EXPECT_DRIVER=net_virtio_user ;;
*) setup_fail "--driver must be vxpath or upstream, not '$DRIVER'" ;;
esac
[[ $QUEUES =~ ^[1-9][0-9]*$ ]] || setup_fail "--queues must be a number >= 1, not '$QUEUES'"
[ "$QUEUES" -gt 1 ] && CQ=1
[[ $FLOWS =~ ^[0-9]+$ ]] || setup_fail "--flows must be a number, not '$FLOWS'"
[[ $FLOW_BYTES =~ ^[1-9][0-9]*$ ]] || setup_fail "--flow-bytes must be a positive number, not '$FLOW_BYTES'"
XFER=$REPO/test/vm/tcp_xfer.py
[ "$FLOWS" = 0 ] || [ -f "$XFER" ] || setup_fail "missing $XFER"
VIRTIO_EXTRA=
AFP_EXTRA=
TP_QUEUES=()
[ $CQ = 1 ] && VIRTIO_EXTRA=",cq=1"
if [ "$QUEUES" -gt 1 ]; then
	VIRTIO_EXTRA=",queues=$QUEUES,cq=1"
	AFP_EXTRA=",qpairs=$QUEUES"
	TP_QUEUES=(--rxq=$QUEUES --txq=$QUEUES)
fi

# ---- prerequisites ------------------------------------------------------
[ "$(id -u)" = 0 ] || setup_fail "must run as root"
[ -c /dev/vhost-net ] || setup_fail "no /dev/vhost-net on this host (run devtools/run-exception-path.sh, which uses the test VM)"
for t in dpdk-testpmd ip ethtool ping curl ss stdbuf sha256sum; do
	command -v $t >/dev/null || setup_fail "missing tool: $t"
done
[ -x $PY ] || setup_fail "missing $PY"
HP=$(cat /proc/sys/vm/nr_hugepages)
[ "$HP" -gt 0 ] 2>/dev/null || setup_fail "no hugepages reserved (echo 512 > /proc/sys/vm/nr_hugepages)"
grep -q hugetlbfs /proc/mounts || setup_fail "no hugetlbfs mounted (mount -t hugetlbfs nodev /dev/hugepages)"

WORK=$(mktemp -d /tmp/vxpath-scene.XXXXXX) || setup_fail "mktemp"
STAGE=
TP_PID=
HTTP_PID=
XFER_PIDS=
TP_LOG=$WORK/testpmd.log
FIFO=$WORK/testpmd.cmd

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ -n "$TP_PID" ] && kill -0 "$TP_PID" 2>/dev/null; then
		kill -TERM "$TP_PID" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$TP_PID" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$TP_PID" 2>/dev/null
		wait "$TP_PID" 2>/dev/null
	fi
	for pid in $HTTP_PID $XFER_PIDS; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	exec 3>&- 2>/dev/null
	ip netns del $NS 2>/dev/null
	ip link del $VETH_HOST 2>/dev/null
	[ -n "$STAGE" ] && rm -rf "$STAGE"
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap '' PIPE

# ---- the plugin ---------------------------------------------------------
EAL_PLUGIN=()
if [ "$DRIVER" = vxpath ]; then
	[ -n "$PLUGIN" ] || PLUGIN=$BUILD_DIR/drivers/librte_net_vxpath.so
	[ -f "$PLUGIN" ] || setup_fail "no plugin at $PLUGIN (meson setup build && ninja -C build)"
	# EAL refuses a plugin under a world-writable directory (/tmp): stage it
	# in a private root-owned directory under /run.
	install -d -m 0755 /run/vxpath || setup_fail "cannot create /run/vxpath"
	for d in /run /run/vxpath; do
		if [ -n "$(find "$d" -maxdepth 0 -perm -0002)" ]; then
			setup_fail "$d is world-writable; EAL would refuse a plugin staged there"
		fi
	done
	STAGE=$(mktemp -d /run/vxpath/scene.XXXXXX) || setup_fail "mktemp under /run/vxpath"
	chmod 0755 "$STAGE"
	install -m 0644 "$PLUGIN" "$STAGE/librte_net_vxpath.so" ||
		setup_fail "cannot stage $PLUGIN"
	EAL_PLUGIN=(-d "$STAGE/librte_net_vxpath.so")
	VDEV_VIRTIO=virtio_user0
else
	VDEV_VIRTIO=net_virtio_user0
fi

# ---- topology -----------------------------------------------------------
# Leftovers of an earlier run that could not clean up.
ip netns del $NS 2>/dev/null
ip link del $VETH_HOST 2>/dev/null

ip netns add $NS || setup_fail "ip netns add $NS"
ip link add $VETH_HOST type veth peer name $VETH_NS || setup_fail "veth pair"
ip link set $VETH_NS netns $NS || setup_fail "move $VETH_NS into $NS"
# The root namespace must not answer for 192.0.2.1 on the veth itself (the
# kernel would happily answer ARP for any local address on any interface):
# everything has to go through testpmd and the TAP.
sysctl -qw net.ipv6.conf.$VETH_HOST.disable_ipv6=1
sysctl -qw net.ipv4.conf.$VETH_HOST.arp_ignore=8
sysctl -qw net.ipv4.conf.$VETH_HOST.rp_filter=1
ip link set $VETH_HOST arp off
ip link set $VETH_HOST up || setup_fail "$VETH_HOST up"
ip netns exec $NS sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip netns exec $NS ip link set lo up
ip netns exec $NS ip addr add $NS_IP/24 dev $VETH_NS || setup_fail "address on $VETH_NS"
ip netns exec $NS ip link set $VETH_NS up || setup_fail "$VETH_NS up"
# af_packet must see plain frames: no partial checksums, no GSO/GRO.
ethtool -K $VETH_HOST tx off tso off gso off gro off >/dev/null 2>&1 ||
	say "warning: ethtool -K $VETH_HOST failed"
ip netns exec $NS ethtool -K $VETH_NS tx off tso off gso off gro off >/dev/null 2>&1 ||
	say "warning: ethtool -K $VETH_NS failed"

# ---- testpmd ------------------------------------------------------------
mkfifo "$FIFO" || setup_fail "mkfifo"
exec 3<>"$FIFO"
TP_CMD=(dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci
	"${EAL_PLUGIN[@]}"
	--vdev=net_af_packet0,iface=$VETH_HOST$AFP_EXTRA
	--vdev=$VDEV_VIRTIO,path=/dev/vhost-net,iface=$TAP,queue_size=256$VIRTIO_EXTRA
	-- -i --total-num-mbufs=8192 "${TP_QUEUES[@]}")
say "driver: $DRIVER ($EXPECT_DRIVER expected on the virtio-user port)"
say "starting: ${TP_CMD[*]}"
stdbuf -oL -eL "${TP_CMD[@]}" <"$FIFO" >"$TP_LOG" 2>&1 &
TP_PID=$!

tp_alive() { kill -0 "$TP_PID" 2>/dev/null; }
tp_send() { printf '%s\n' "$1" >&3; }
tp_fail() {
	say "testpmd log (last 40 lines):" >&2
	tail -n 40 "$TP_LOG" | sed 's/^/  | /' >&2
	setup_fail "$*"
}

# Wait up to $1 seconds for "$2" (extended regex) in the testpmd log.
wait_log() {
	local n=$(($1 * 5))
	while [ $n -gt 0 ]; do
		grep -qE "$2" "$TP_LOG" && return 0
		tp_alive || return 1
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

# tp_prompt_after SEC SIZE: wait (at most SEC seconds) for a prompt in
# what testpmd wrote to its log past byte SIZE.
tp_prompt_after() {
	local n=$(($1 * 5))
	while [ $n -gt 0 ]; do
		[[ $(tail -c +$(($2 + 1)) "$TP_LOG") =~ $TP_PROMPT_RE ]] &&
			return 0
		tp_alive || return 1
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

tp_prompt_after 180 0 || tp_fail "testpmd did not reach its prompt"
tp_send "start"
wait_log 30 'io packet forwarding - ports=' || tp_fail "testpmd did not start forwarding"
for _ in $(seq 100); do
	[ -e /sys/class/net/$TAP ] && break
	sleep 0.2
done
[ -e /sys/class/net/$TAP ] || tp_fail "TAP $TAP did not appear"
sysctl -qw net.ipv6.conf.$TAP.disable_ipv6=1
ip addr add $TAP_IP/24 dev $TAP || tp_fail "address on $TAP"
ip link set $TAP up || tp_fail "$TAP up"
say "testpmd forwarding (pid $TP_PID); $TAP has $TAP_IP/24"

# ---- HTTP server --------------------------------------------------------
mkdir -p "$WORK/www"
head -c "$SIZE" /dev/urandom >"$WORK/www/blob.bin"
SHA_SENT=$(sha256sum "$WORK/www/blob.bin" | cut -d' ' -f1)
$PY -m http.server $HTTP_PORT --bind $TAP_IP --directory "$WORK/www" \
	>"$WORK/http.log" 2>&1 &
HTTP_PID=$!
for _ in $(seq 100); do
	ss -ltnH "sport = :$HTTP_PORT" 2>/dev/null | grep -q "$TAP_IP" && break
	sleep 0.2
done
ss -ltnH "sport = :$HTTP_PORT" | grep -q "$TAP_IP" ||
	tp_fail "http.server did not listen on $TAP_IP:$HTTP_PORT"

# ---- traffic ------------------------------------------------------------
say "ping -c $PING_COUNT $TAP_IP from $NS"
PING_OUT=$(ip netns exec $NS ping -c $PING_COUNT -i 0.2 -W 5 $TAP_IP 2>&1)
echo "$PING_OUT" | sed 's/^/  | /'
PING_TX=$(echo "$PING_OUT" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
PING_RX=$(echo "$PING_OUT" | sed -n 's/.* \([0-9]*\) \(packets \)\{0,1\}received.*/\1/p')
PING_LOSS=$(echo "$PING_OUT" | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')

say "curl http://$TAP_IP:$HTTP_PORT/blob.bin from $NS ($SIZE bytes)"
CURL_OUT=$(ip netns exec $NS curl -sS --max-time 120 -o "$WORK/got.bin" \
	-w '%{http_code} %{size_download}' http://$TAP_IP:$HTTP_PORT/blob.bin 2>&1)
CURL_RC=$?
HTTP_CODE=$(echo "$CURL_OUT" | awk 'END { print $1 }')
HTTP_BYTES=$(echo "$CURL_OUT" | awk 'END { print $2 }')
SHA_GOT=$( [ -f "$WORK/got.bin" ] && sha256sum "$WORK/got.bin" | cut -d' ' -f1)
[ -n "$SHA_GOT" ] || SHA_GOT=none
[ $CURL_RC = 0 ] || say "curl failed ($CURL_RC): $CURL_OUT"

# ---- parallel TCP flows (--flows) ---------------------------------------
# tp_ask SEC COMMAND: send COMMAND and wait (at most SEC seconds) for the
# prompt after its output, so that what follows happens after it.
tp_ask() {
	local size
	size=$(stat -c %s "$TP_LOG")
	tp_send "$2"
	tp_prompt_after "$1" "$size"
}
FLOW_FAILS=()
FLOWS_OK=0
if [ "$FLOWS" -gt 0 ]; then
	# Port 1's and port 0's xstats before and after: the 1st and 2nd
	# "show port xstats" of each port in the log (xstat below).
	tp_ask 30 "show port xstats 0" && tp_ask 30 "show port xstats 1" ||
		tp_fail "no answer to show port xstats"
	for d in up down; do
		p=$FLOW_PORT
		[ $d = down ] && p=$((FLOW_PORT + 1))
		$PY "$XFER" server --bind $TAP_IP --port $p --bytes "$FLOW_BYTES" \
			--dirs $d --flows "$FLOWS" --out "$WORK/flows-server-$d.txt" \
			--timeout 60 >"$WORK/flows-server-$d.log" 2>&1 &
		XFER_PIDS+=" $!"
	done
	for p in $FLOW_PORT $((FLOW_PORT + 1)); do
		for _ in $(seq 100); do
			ss -ltnH "sport = :$p" 2>/dev/null | grep -q "$TAP_IP" && break
			sleep 0.2
		done
		ss -ltnH "sport = :$p" | grep -q "$TAP_IP" ||
			tp_fail "tcp_xfer.py did not listen on $TAP_IP:$p"
	done
	say "$FLOWS flows up and $FLOWS down at once, $FLOW_BYTES bytes each, $NS <-> $TAP_IP"
	CL_PIDS=
	for d in up down; do
		p=$FLOW_PORT
		[ $d = down ] && p=$((FLOW_PORT + 1))
		ip netns exec $NS $PY "$XFER" client --connect $TAP_IP --port $p \
			--bytes "$FLOW_BYTES" --dir $d --flows "$FLOWS" \
			--out "$WORK/flows-client-$d.txt" --timeout 60 \
			>"$WORK/flows-client-$d.log" 2>&1 &
		CL_PIDS+=" $!"
	done
	for pid in $CL_PIDS; do
		wait "$pid" || FLOW_FAILS+=("flows: tcp_xfer.py (pid $pid) exited with $?")
	done
	# The servers wait for their connections without a limit: once the
	# clients are done, one still running failed.
	reap 10 $XFER_PIDS || FLOW_FAILS+=("flows: a tcp_xfer.py server did not end or failed")
	XFER_PIDS=
	tp_ask 30 "show port xstats 0" && tp_ask 30 "show port xstats 1" ||
		tp_fail "no answer to show port xstats"
	# Pair the two ends' files flow by flow (DIR.PORT_*, PORT the
	# client's source port): the sender's sha256 must be the receiver's.
	for d in up down; do
		if [ $d = up ]; then
			src=$WORK/flows-client-$d.txt dst=$WORK/flows-server-$d.txt
		else
			src=$WORK/flows-server-$d.txt dst=$WORK/flows-client-$d.txt
		fi
		n=0
		while IFS='=' read -r k v; do
			[[ $k =~ ^$d\.([0-9]+)_sent_sha256$ ]] || continue
			f=$d.${BASH_REMATCH[1]}
			got=$(sed -n "s/^${f}_recv_sha256=//p" "$dst" 2>/dev/null)
			bytes=$(sed -n "s/^${f}_recv_bytes=//p" "$dst" 2>/dev/null)
			if [ "$got" = "$v" ] && [ "$bytes" = "$FLOW_BYTES" ]; then
				n=$((n + 1))
			else
				FLOW_FAILS+=("flow $f: ${bytes:-0} of $FLOW_BYTES bytes, sha256 ${got:-none}, sent $v")
			fi
		done <"$src"
		[ $n = "$FLOWS" ] || FLOW_FAILS+=("flows $d: $n of $FLOWS intact")
		FLOWS_OK=$((FLOWS_OK + n))
		grep -h 'error' "$src" "$dst" 2>/dev/null | sed 's/^/  | /'
	done
fi

# The kernel's own view of the TAP, before testpmd takes it away.
TAP_RX=$(cat /sys/class/net/$TAP/statistics/rx_packets 2>/dev/null || echo 0)
TAP_TX=$(cat /sys/class/net/$TAP/statistics/tx_packets 2>/dev/null || echo 0)

# ---- the TAP's queues and Rx mode ---------------------------------------
# A multi-queue TAP lists one rx-K per attached queue.
TAP_QUEUES=$(ls -d /sys/class/net/$TAP/queues/rx-* 2>/dev/null | wc -l)
tap_promisc() { ip link show $TAP 2>/dev/null | grep -q '[<,]PROMISC[,>]' && echo 1 || echo 0; }
TAP_PROMISC_START=$(tap_promisc)
TAP_PROMISC_OFF=
TAP_PROMISC_ON=
PING_OFF_COUNT=3
PING_OFF_RX=
if [ $CQ = 1 ]; then
	# testpmd enabled promiscuous mode at start-up; off, then on again.
	tp_send "set promisc 1 off"
	sleep 1
	TAP_PROMISC_OFF=$(tap_promisc)
	# Promiscuous mode off, as in an application that never turns it on
	# (app/vxpath-gateway's twins): what the kernel sends through the TAP
	# is for the namespace, never for the port's own address, and must
	# still arrive (the driver once dropped it all with cq=1).
	PING_OFF_OUT=$(ip netns exec $NS ping -c $PING_OFF_COUNT -i 0.2 -W 3 $TAP_IP 2>&1)
	PING_OFF_RX=$(echo "$PING_OFF_OUT" | sed -n 's/.* \([0-9]*\) \(packets \)\{0,1\}received.*/\1/p')
	say "promiscuous mode off: ${PING_OFF_RX:-0}/$PING_OFF_COUNT ping replies"
	tp_send "set promisc 1 on"
	sleep 1
	TAP_PROMISC_ON=$(tap_promisc)
fi
# The kernel keeps no per-queue packet counts for a TAP: its
# queues/tx-K and rx-K hold only tx_timeout, tx_maxrate, byte_queue_limits,
# rps_cpus and rps_flow_cnt, and tun has no ethtool statistics (ethtool -S:
# "no stats available"). Port 1's per-queue xstats are the per-queue view.
TAP_ETHTOOL_S=$(ethtool -S $TAP >/dev/null 2>&1 && echo yes || echo none)
TAP_TX0_FILES=$(ls /sys/class/net/$TAP/queues/tx-0 2>/dev/null | tr '\n' ' ')
say "$TAP: $TAP_QUEUES queue(s); PROMISC at start $TAP_PROMISC_START, after 'set promisc 1 off' ${TAP_PROMISC_OFF:--}, after 'on' ${TAP_PROMISC_ON:--}"

# ---- testpmd's counts ---------------------------------------------------
tp_send "show port info 0"
tp_send "show port info 1"
tp_send "show port stats all"
tp_send "stop"
tp_send "quit"
for _ in $(seq 300); do
	tp_alive || break
	sleep 0.2
done
if tp_alive; then
	say "warning: testpmd did not quit; stopping it"
else
	wait "$TP_PID"
	TP_RC=$?
	TP_PID=
	[ "$TP_RC" = 0 ] || say "warning: testpmd exited with $TP_RC"
fi

# port_field PORT SECTION-REGEX KEY: a value from testpmd's per-port output.
# port_info PORT KEY: a "KEY: value" line of testpmd's "show port info".
port_info() {
	awk -v p="$1" -v k="$2" '
		match($0, /Infos for port [0-9]+/) {
			cur = substr($0, RSTART + 15, RLENGTH - 15) }
		cur == p && (i = index($0, k ": ")) > 0 {
			v = substr($0, i + length(k) + 2)
			sub(/^ +/, "", v); sub(/ +$/, "", v); print v; exit }' "$TP_LOG"
}
# port_stat PORT KEY: a counter of testpmd's "show port stats all".
port_stat() {
	awk -v p="$1" -v k="$2" '
		match($0, /NIC statistics for port [0-9]+/) {
			cur = substr($0, RSTART + 24, RLENGTH - 24); next }
		/^ *#+ *$/ { cur = "" }
		cur == p {
			for (i = 1; i < NF; i++)
				if ($i == k ":") { print $(i + 1); exit }
		}' "$TP_LOG"
}

# xstat NTH PORT KEY: KEY in the NTH "show port xstats PORT" of the log.
xstat() {
	awk -v n="$1" -v p="$2" -v k="$3" '
		/NIC extended statistics for port/ {
			seen[$NF]++; cur = ($NF == p && seen[$NF] == n); next }
		/testpmd>/ { cur = 0 }
		cur && $1 == k ":" { print $2; exit }' "$TP_LOG"
}

declare -A R=()
if [ "$FLOWS" -gt 0 ]; then
	# What the flows moved, queue by queue: port 1 (vxpath) counts
	# rx_qK_good_packets/tx_qK_good_packets, port 0 (af_packet) ethdev's
	# generic rx_qK_packets/tx_qK_packets.
	for ((q = 0; q < QUEUES; q++)); do
		for k in rx_q${q}_good_packets tx_q${q}_good_packets \
			 rx_q${q}_errors tx_q${q}_errors; do
			a=$(xstat 1 1 $k); b=$(xstat 2 1 $k)
			[[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]] &&
				R[flows_port1_$k]=$((b - a)) || R[flows_port1_$k]=na
		done
		for k in rx_q${q}_packets tx_q${q}_packets; do
			a=$(xstat 1 0 $k); b=$(xstat 2 0 $k)
			[[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]] &&
				R[flows_port0_$k]=$((b - a)) || R[flows_port0_$k]=na
		done
	done
fi
for p in 0 1; do
	R[port${p}_device]=$(port_info $p "Device name")
	R[port${p}_driver]=$(port_info $p "Driver name")
	R[port${p}_rx_packets]=$(port_stat $p RX-packets)
	R[port${p}_tx_packets]=$(port_stat $p TX-packets)
	R[port${p}_rx_bytes]=$(port_stat $p RX-bytes)
	R[port${p}_tx_bytes]=$(port_stat $p TX-bytes)
	R[port${p}_rx_errors]=$(port_stat $p RX-errors)
	R[port${p}_tx_errors]=$(port_stat $p TX-errors)
	R[port${p}_rx_missed]=$(port_stat $p RX-missed)
done

# ---- verdict ------------------------------------------------------------
FAILS=()
num() { [[ ${1:-} =~ ^[0-9]+$ ]] && echo "$1" || echo 0; }
[ "$(num "$PING_RX")" = $PING_COUNT ] ||
	FAILS+=("ping: ${PING_RX:-0}/$PING_COUNT replies")
[ $CURL_RC = 0 ] && [ "$HTTP_CODE" = 200 ] || FAILS+=("http: curl rc $CURL_RC, status ${HTTP_CODE:-none}")
[ "$(num "$HTTP_BYTES")" = "$SIZE" ] || FAILS+=("http: ${HTTP_BYTES:-0} of $SIZE bytes")
[ "$SHA_GOT" = "$SHA_SENT" ] || FAILS+=("http: sha256 mismatch")
[ $CQ = 0 ] || [ "$(num "$PING_OFF_RX")" = $PING_OFF_COUNT ] ||
	FAILS+=("ping with promiscuous mode off: ${PING_OFF_RX:-0}/$PING_OFF_COUNT replies")
[ "${R[port1_driver]}" = "$EXPECT_DRIVER" ] ||
	FAILS+=("port 1 driver is '${R[port1_driver]}', expected $EXPECT_DRIVER")
for k in port0_rx_packets port0_tx_packets port1_rx_packets port1_tx_packets; do
	[ "$(num "${R[$k]}")" -gt 0 ] || FAILS+=("$k is '${R[$k]}'")
done
if [ "$FLOWS" -gt 0 ]; then
	FAILS+=("${FLOW_FAILS[@]}")
	for ((q = 0; q < QUEUES; q++)); do
		for k in rx_q${q}_good_packets tx_q${q}_good_packets; do
			[ "$(num "${R[flows_port1_$k]}")" -gt 0 ] ||
				FAILS+=("flows: port 1 $k is '${R[flows_port1_$k]}', queue $q idle")
		done
		for k in rx_q${q}_errors tx_q${q}_errors; do
			[ "${R[flows_port1_$k]}" = 0 ] ||
				FAILS+=("flows: port 1 $k is '${R[flows_port1_$k]}'")
		done
	done
fi
[ ${#FAILS[@]} = 0 ] && VERDICT=pass || VERDICT=fail

echo
echo "=== exception path: what crossed ($DRIVER) ==="
printf '  ping     %s/%s replies, %s%% loss\n' "${PING_RX:-0}" "${PING_TX:-0}" "${PING_LOSS:-100}"
printf '  http     %s bytes of %s, status %s, sha256 %s\n' "${HTTP_BYTES:-0}" "$SIZE" \
	"${HTTP_CODE:-none}" "$([ "$SHA_GOT" = "$SHA_SENT" ] && echo match || echo MISMATCH)"
for p in 0 1; do
	printf '  port %s   %-16s %-18s RX %6s pkts %9s bytes   TX %6s pkts %9s bytes\n' \
		$p "${R[port${p}_driver]}" "${R[port${p}_device]}" \
		"${R[port${p}_rx_packets]}" "${R[port${p}_rx_bytes]}" \
		"${R[port${p}_tx_packets]}" "${R[port${p}_tx_bytes]}"
done
printf '  %s   kernel RX %s pkts, TX %s pkts\n' $TAP "$TAP_RX" "$TAP_TX"
if [ "$FLOWS" -gt 0 ]; then
	printf '  flows    %s of %s intact (%s up, %s down, %s bytes each)\n' \
		$FLOWS_OK $((2 * FLOWS)) $FLOWS $FLOWS $FLOW_BYTES
	for ((q = 0; q < QUEUES; q++)); do
		printf '  queue %s  port 1 RX %6s TX %6s pkts   port 0 RX %6s TX %6s pkts\n' $q \
			"${R[flows_port1_rx_q${q}_good_packets]}" "${R[flows_port1_tx_q${q}_good_packets]}" \
			"${R[flows_port0_rx_q${q}_packets]}" "${R[flows_port0_tx_q${q}_packets]}"
	done
fi
if [ $VERDICT = pass ]; then
	echo "  verdict  PASS"
else
	for f in "${FAILS[@]}"; do echo "  FAIL     $f"; done
	echo "  verdict  FAIL"
	say "testpmd log (last 30 lines):"
	tail -n 30 "$TP_LOG" | sed 's/^/  | /'
fi

if [ -n "$RESULTS" ]; then
	{
		echo "driver=$DRIVER"
		echo "expected_driver_name=$EXPECT_DRIVER"
		echo "ping_transmitted=${PING_TX:-0}"
		echo "ping_received=${PING_RX:-0}"
		echo "ping_loss_pct=${PING_LOSS:-100}"
		echo "http_status=${HTTP_CODE:-none}"
		echo "http_size=$SIZE"
		echo "http_bytes=${HTTP_BYTES:-0}"
		echo "http_sha256_sent=$SHA_SENT"
		echo "http_sha256_got=$SHA_GOT"
		echo "http_sha256_match=$([ "$SHA_GOT" = "$SHA_SENT" ] && echo 1 || echo 0)"
		for k in $(printf '%s\n' "${!R[@]}" | sort); do
			echo "$k=${R[$k]}"
		done
		echo "tap_kernel_rx_packets=$TAP_RX"
		echo "tap_kernel_tx_packets=$TAP_TX"
		echo "tap_queues=$TAP_QUEUES"
		echo "tap_promisc_start=$TAP_PROMISC_START"
		echo "tap_promisc_after_off=$TAP_PROMISC_OFF"
		echo "tap_promisc_after_on=$TAP_PROMISC_ON"
		echo "ping_promisc_off_received=$PING_OFF_RX"
		echo "tap_ethtool_stats=$TAP_ETHTOOL_S"
		echo "tap_queue_tx0_sysfs=$TAP_TX0_FILES"
		echo "flows=$FLOWS"
		echo "flow_bytes=$FLOW_BYTES"
		echo "flows_intact=$FLOWS_OK"
		for f in "${FAILS[@]}"; do echo "fail=$f"; done
		echo "verdict=$VERDICT"
	} >"$RESULTS"
	cp "$TP_LOG" "${RESULTS%.*}.testpmd.log" 2>/dev/null
	say "results in $RESULTS"
fi

[ $VERDICT = pass ] && exit 0 || exit 1
