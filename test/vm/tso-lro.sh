#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# TCP segmentation (TSO) and receive coalescing (LRO) of vxpath against the
# real Linux vhost-net and TAP, checked by the kernel itself. Runs inside
# the test VM as root (test/vm/; test/integration/test_offload_vm.py runs it
# there with test/vm/run-in-vm.sh).
#
#   netns vxtns                      root namespace
#   vxtveth1 192.0.2.2/24 --- vxtveth0 <-> dpdk-testpmd, csum forwarding
#                                        port 0 net_af_packet on vxtveth0
#                                        port 1 vxpath over /dev/vhost-net
#                                        <-> TAP vxttap0 192.0.2.1/24
#                                        kernel, IPv4 forwarding on
#   netns vxtsrv                         |
#   vxtfwd1 198.51.100.2/24 ------------ vxtfwd0 198.51.100.1/24
#
# Port 1 runs with Tx offloads TCP_TSO, TCP/UDP/IPv4 checksum and Rx
# offloads TCP_LRO, TCP checksum (testpmd: `port config 1 rx_offload ...`,
# `csum set ... hw 1`, `tso set 1448 1`). python3 servers
# (test/vm/tcp_xfer.py) and a client in vxtns move --bytes three times,
# each end hashing the payload with SHA-256:
#   up      vxtns -> a kernel socket on the TAP's address 192.0.2.1;
#   down    that socket -> vxtns;
#   routed  vxtns -> 198.51.100.2 in vxtsrv, routed by the kernel: it
#           receives vxpath's TSO frames on the TAP and must cut them into
#           segments for vxtfwd0 (no TSO, no checksum offload there), so
#           it completes each segment's TCP checksum from the
#           pseudo-header sum vxpath wrote, and vxtsrv's kernel checks it.
#           (A frame for a local socket is taken whole and its partial
#           checksum is trusted: up alone would not notice a wrong one.)
#
# Where the frames larger than the MTU come from (--mode):
#   netns-tso (default)
#     up, routed: the namespace's own TSO (vxtveth1: tx, sg, tso on,
#           gso_max_size 32000) hands af_packet whole TCP segments of up
#           to 32000 bytes; testpmd's csum engine marks them
#           RTE_MBUF_F_TX_TCP_SEG with tso_segsz 1448 and vxpath sends them
#           as virtio-net GSO frames (gso_type TCPV4) the TAP accepts.
#     down: the kernel sends GSO frames (TAP gso_max_size 32000) through
#           the TAP; vhost-net writes them whole into vxpath's Rx queue
#           (RTE_MBUF_F_RX_LRO); testpmd computes their TCP checksum in
#           software and af_packet writes them whole into the veth (MTU
#           32000 on both ends), where the namespace's kernel checks that
#           checksum (nothing marks these frames as already checked).
#     af_packet runs with 32 KB ring frames (framesz 32768, two to a
#     64 KB block: the PMD finds frame i at i * framesz, so framesz must
#     divide blocksz) and testpmd with mbufs that hold one (--mbuf-size
#     32896): a 32000-byte segment fits (a 64 KB one could not: the
#     mbuf data room is 16 bits).
#   testpmd-gso
#     the namespace's offloads off, MTU 1500 everywhere on the veth;
#     testpmd's GRO on port 0's Rx (`set port 0 gro on`) is to merge
#     frames for vxpath's TSO, its GSO on port 0's Tx (`set port 0 gso on`,
#     `set gso segsz 1514`) to cut vxpath's LRO frames down to the MTU.
#     With DPDK 22.11 and net_af_packet this cannot work, for two reasons
#     of testpmd and af_packet, not of vxpath (kept to show them):
#     GRO (lib/gro) merges only mbufs whose packet_type says IPv4/TCP, and
#     net_af_packet leaves packet_type 0, so nothing is merged; GSO
#     (lib/gso) does not compute the segments' checksums and leaves that to
#     the Tx port's checksum offload (testpmd guide, "set port - gso"),
#     which net_af_packet does not have, so the segments carry the big
#     frame's TCP checksum and the namespace drops them (TcpInCsumErrors;
#     the kernel's retransmissions, one segment each, get through).
#
# Written to --out: tso-lro.txt (key=value results), tso-lro.testpmd.log,
# tso-lro.testpmd-config.txt (the set-up commands and their answers),
# tso-lro.dmesg (the guest kernel's log), tso-lro.tap-features (ethtool -k).
# Per phase (up_, down_, routed_) the deltas of port 1's and port 0's
# xstats, of the TAP's and vxtfwd0's kernel counters and of the three
# namespaces' TCP counters (root_, ns_, srv_).
#
# Checks (exit 1 if one fails): every transfer complete, --bytes, SHA-256
# equal at both ends; port 1 driven by net_vxpath; port 1
# tx_q0_size_1519_max_packets > 0 in up and routed (TSO) and
# rx_q0_size_1519_max_packets > 0 in down (LRO); no Rx or Tx error on port
# 1; the TAP's counters agree with port 1's in each direction (the TAP's tx
# is port 1's Rx and the other way round: packets and bytes), and the
# payload crossed the TAP in the phase's direction; in routed the kernel
# sent at least --bytes / 1448 segments on vxtfwd0; no TCP checksum error
# or bad IP header counted by any of the kernels.
#
# Usage: test/vm/tso-lro.sh [--plugin FILE | --build-dir DIR] [--out DIR]
#                           [--bytes N] [--mode netns-tso|testpmd-gso]
#                           [--timeout SEC]
#   --plugin     librte_net_vxpath.so (staged under /run/vxpath first)
#   --build-dir  meson build directory holding drivers/librte_net_vxpath.so
#                (default: build/ in the repository, or VXPATH_BUILD_DIR)
#   --out        results directory (default: VXPATH_OUT_DIR, else the
#                current directory)
#   --bytes      payload of each transfer (default 8388608)
#   --mode       where frames larger than the MTU come from (see above)
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
MODE=netns-tso
TIMEOUT=60
PY=/usr/bin/python3

NS=vxtns
VETH_HOST=vxtveth0
VETH_NS=vxtveth1
TAP=vxttap0
TAP_IP=192.0.2.1
NS_IP=192.0.2.2
NS2=vxtsrv
FWD_HOST=vxtfwd0
FWD_NS=vxtfwd1
FWD_IP=198.51.100.1
SRV_IP=198.51.100.2
PORT=5001
SRV_PORT=5002
PREFIX=vxtso
TSO_SEGSZ=1448
GSO_MAX=32000
BIG_MTU=32000

usage() { sed -n '2,97p' "$0" | sed 's/^# \{0,1\}//'; }

. "$HERE/scene-lib.sh"
scene_args tso-lro "plugin build-dir out bytes mode timeout" "$@"

say() { echo "tso-lro: [${SECONDS}s] $*"; }
setup_fail() { say "SETUP FAILED: $*" >&2; exit 2; }


# ---- prerequisites ------------------------------------------------------
[ "$(id -u)" = 0 ] || setup_fail "must run as root"
[ -c /dev/vhost-net ] || setup_fail "no /dev/vhost-net (run it in the test VM: test/vm/run-in-vm.sh test/vm/tso-lro.sh ...)"
for t in dpdk-testpmd ip ethtool nstat ss stdbuf dmesg; do
	command -v $t >/dev/null || setup_fail "missing tool: $t"
done
[ -x $PY ] || setup_fail "missing $PY"
case $MODE in
netns-tso|testpmd-gso) ;;
*) setup_fail "--mode must be netns-tso or testpmd-gso, not '$MODE'" ;;
esac
for v in BYTES TIMEOUT; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || setup_fail "${v,,} must be a positive integer, not '${!v}'"
done
[ "$(cat /proc/sys/vm/nr_hugepages)" -gt 0 ] 2>/dev/null ||
	setup_fail "no hugepages reserved"
mkdir -p "$OUT" || setup_fail "cannot create $OUT"
RESULTS=$OUT/tso-lro.txt
rm -f "$RESULTS"

WORK=$(mktemp -d /tmp/vxpath-tso.XXXXXX) || setup_fail "mktemp"
SERVER_PID=
SERVER2_PID=
TP_LOG=$WORK/testpmd.log
SCENE_PIDS=(SERVER_PID SERVER2_PID)
SCENE_KEEP=("$TP_LOG:$OUT/tso-lro.testpmd.log")
scene_trap
trap '' PIPE

[ -n "$PLUGIN" ] || PLUGIN=$BUILD_DIR/drivers/librte_net_vxpath.so
scene_stage_plugin "$PLUGIN"

# ---- topology -----------------------------------------------------------
scene_netns $NS $VETH_HOST $VETH_NS $NS_IP/24
nsx() { ip netns exec $NS "$@"; }
srvx() { ip netns exec $NS2 "$@"; }
# The routed leg: the kernel forwards between the TAP and vxtfwd0, which
# can neither segment nor checksum (software GSO and checksums, then).
scene_netns $NS2 $FWD_HOST $FWD_NS $SRV_IP/24 $FWD_IP/24
sysctl -qw net.ipv4.ip_forward=1 || setup_fail "ip_forward"
ethtool -K $FWD_HOST tx off tso off gso on gro off >/dev/null 2>&1 ||
	setup_fail "ethtool -K $FWD_HOST tx off"
srvx ethtool -K $FWD_NS gro off >/dev/null 2>&1
srvx ip route add 192.0.2.0/24 via $FWD_IP || setup_fail "route in $NS2"
nsx ip route add 198.51.100.0/24 via $TAP_IP || setup_fail "route in $NS"
if [ $MODE = netns-tso ]; then
	ip link set $VETH_HOST mtu $BIG_MTU || setup_fail "mtu $BIG_MTU on $VETH_HOST"
	nsx ip link set $VETH_NS mtu $BIG_MTU gso_max_size $GSO_MAX ||
		setup_fail "mtu/gso_max_size on $VETH_NS"
	nsx ethtool -K $VETH_NS tx on sg on tso on gso on gro off >/dev/null 2>&1 ||
		setup_fail "ethtool -K $VETH_NS tso on"
	ethtool -K $VETH_HOST gro off >/dev/null 2>&1
	AFP_ARGS=",framesz=32768,blocksz=65536,framecnt=128"
	TP_MBUF=(--mbuf-size=32896 --total-num-mbufs=2048)
else
	nsx ethtool -K $VETH_NS tx off tso off gso off gro off >/dev/null 2>&1 ||
		setup_fail "ethtool -K $VETH_NS offloads off"
	ethtool -K $VETH_HOST tx off tso off gso off gro off >/dev/null 2>&1
	AFP_ARGS=
	TP_MBUF=(--total-num-mbufs=8192)
fi

# The kernel's messages from here on are the scene's (see tso-lro.dmesg).
DMESG_MARK="tso-lro: scene start $$"
echo "$DMESG_MARK" >/dev/kmsg 2>/dev/null

# ---- testpmd ------------------------------------------------------------
TP_CMD=(dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci
	-d "$STAGED"
	--vdev=net_af_packet0,iface=$VETH_HOST$AFP_ARGS
	--vdev=virtio_user0,path=/dev/vhost-net,iface=$TAP,queue_size=256
	-- -i "${TP_MBUF[@]}")
say "mode $MODE; starting: ${TP_CMD[*]}"
tp_start "$TP_LOG" "${TP_CMD[@]}"
tp_prompt 180 || { tail -n 30 "$TP_LOG" >&2; setup_fail "testpmd did not reach its prompt"; }

# cfg COMMAND [EXPECT-REGEX]: a set-up command whose output must not hold
# an error (and must match EXPECT-REGEX when given).
CFG_LOG=
cfg() {
	tp_cmd 60 "$1" || setup_fail "no prompt after '$1'"
	CFG_LOG+="> $1"$'\n'"$TP_OUT"$'\n'
	if grep -qiE 'error|not supported|invalid|bad arguments|fail|please stop' <<<"$TP_OUT"; then
		echo "$TP_OUT" | sed 's/^/  | /' >&2
		setup_fail "testpmd refused '$1'"
	fi
	if [ -n "${2:-}" ] && ! grep -qE "$2" <<<"$TP_OUT"; then
		echo "$TP_OUT" | sed 's/^/  | /' >&2
		setup_fail "'$1' did not say /$2/"
	fi
}

tp_cmd 30 "show port info 1"
DRIVER1=$(sed -n 's/^Driver name: *//p' <<<"$TP_OUT" | head -n 1)
cfg "port stop all"
cfg "port config 1 rx_offload tcp_lro on"
cfg "port config 1 rx_offload tcp_cksum on"
cfg "port config 1 tx_offload multi_segs on"
cfg "csum set ip hw 1" "IP checksum offload is hw"
cfg "csum set tcp hw 1" "TCP checksum offload is hw"
cfg "csum set udp hw 1" "UDP checksum offload is hw"
cfg "tso set $TSO_SEGSZ 1" "TSO segment size for non-tunneled packets is $TSO_SEGSZ"
if [ $MODE = testpmd-gso ]; then
	cfg "set port 0 gro on"
	cfg "set port 0 gso on"
	cfg "set gso segsz 1514"
	cfg "show port 0 gro"
	cfg "show port 0 gso"
fi
cfg "csum show 1"
# The csum engine rewrites both MAC addresses by default (peer and port
# addresses): the kernel and the namespace would drop every frame.
cfg "csum mac-swap off 0"
cfg "csum mac-swap off 1"
cfg "set fwd csum" "Set csum packet forwarding mode"
cfg "port start all"
cfg "show port 1 rx_offload configuration" "TCP_LRO"
cfg "show port 1 tx_offload configuration" "TCP_TSO"
cfg "start" "csum packet forwarding"
printf '%s' "$CFG_LOG" >"$OUT/tso-lro.testpmd-config.txt"

for _ in $(seq 100); do
	[ -e /sys/class/net/$TAP ] && break
	nap 0.1
done
[ -e /sys/class/net/$TAP ] || setup_fail "TAP $TAP did not appear"
sysctl -qw net.ipv6.conf.$TAP.disable_ipv6=1
ip link set $TAP mtu 1500 || setup_fail "mtu 1500 on $TAP"
[ $MODE = netns-tso ] && { ip link set $TAP gso_max_size $GSO_MAX ||
	setup_fail "gso_max_size on $TAP"; }
ip addr add $TAP_IP/24 dev $TAP || setup_fail "address on $TAP"
ip link set $TAP up || setup_fail "$TAP up"
ethtool -k $TAP >"$OUT/tso-lro.tap-features" 2>&1
TAP_TSO=$(awk '$1 == "tcp-segmentation-offload:" { print $2 }' "$OUT/tso-lro.tap-features")
say "testpmd forwarding (pid $TP_PID), port 1 driver $DRIVER1; $TAP $TAP_IP/24, TSO (TUNSETOFFLOAD) ${TAP_TSO:-?}"

# ---- counters -----------------------------------------------------------
declare -A R=()
declare -A C0=() C1=()
PHASES="up down routed"

# snap ARRAY: port 1 and port 0 xstats, the TAP's and vxtfwd0's counters,
# the three namespaces' TCP and IP counters, into the associative ARRAY.
IF_STATS="rx_packets rx_bytes rx_errors rx_dropped tx_packets tx_bytes tx_errors tx_dropped"
NSTAT_KEYS="TcpInCsumErrors TcpInErrs TcpRetransSegs IpInHdrErrors IpInDiscards"
snap() {
	local -n a=$1
	local k v s p val
	a=()
	for p in 1 0; do
		tp_cmd 30 "show port xstats $p"
		for k in "${!XS[@]}"; do
			a["p${p}_$k"]=${XS[$k]}
		done
	done
	route_counters a
}

PORT_KEYS="rx_good_packets rx_good_bytes tx_good_packets tx_good_bytes rx_errors tx_errors rx_missed_errors rx_mbuf_allocation_errors"
P1_KEYS="rx_q0_size_1519_max_packets tx_q0_size_1519_max_packets rx_q0_errors tx_q0_errors"

# ---- the servers --------------------------------------------------------
# wait_listen RUN ADDR PORT: wait for a listener on ADDR:PORT in the
# namespace RUN (env: the root namespace, srvx: vxtsrv) runs commands in.
wait_listen() {
	local run=$1 addr=$2 port=$3 n=100
	while [ $n -gt 0 ]; do
		$run ss -ltnH "sport = :$port" 2>/dev/null | grep -q "$addr:" &&
			return 0
		nap 0.2
		n=$((n - 1))
	done
	return 1
}
$PY "$HERE/tcp_xfer.py" server --bind $TAP_IP --port $PORT --bytes "$BYTES" \
	--out "$WORK/server.txt" --timeout "$TIMEOUT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
srvx $PY "$HERE/tcp_xfer.py" server --bind $SRV_IP --port $SRV_PORT \
	--bytes "$BYTES" --dirs up --out "$WORK/server2.txt" \
	--timeout "$TIMEOUT" >"$WORK/server2.log" 2>&1 &
SERVER2_PID=$!
wait_listen env $TAP_IP $PORT || setup_fail "server did not listen on $TAP_IP:$PORT"
wait_listen srvx $SRV_IP $SRV_PORT || setup_fail "server did not listen on $SRV_IP:$SRV_PORT"

# ---- transfers ----------------------------------------------------------
# Where each phase's figures are: the client's results file, its
# direction, and the server's file.
declare -A DIR=([up]=up [down]=down [routed]=up)
declare -A DST=([up]=$TAP_IP:$PORT [down]=$TAP_IP:$PORT [routed]=$SRV_IP:$SRV_PORT)
declare -A SRVF=([up]=server.txt [down]=server.txt [routed]=server2.txt)
declare -A WHAT=([up]="$NS -> kernel ($TAP_IP)" [down]="kernel ($TAP_IP) -> $NS"
	[routed]="$NS -> kernel router -> $NS2 ($SRV_IP)")
for ph in $PHASES; do
	snap C0
	say "$ph: $BYTES bytes ${WHAT[$ph]}"
	nsx $PY "$HERE/tcp_xfer.py" client --connect "${DST[$ph]%:*}" \
		--port "${DST[$ph]#*:}" --bytes "$BYTES" --dir "${DIR[$ph]}" \
		--out "$WORK/client-$ph.txt" --timeout "$TIMEOUT" \
		>"$WORK/client-$ph.log" 2>&1
	R[${ph}_client_rc]=$?
	snap C1
	for k in $PORT_KEYS; do delta $ph p1_$k p0_$k; done
	for k in $P1_KEYS; do delta $ph p1_$k; done
	for k in $IF_STATS; do delta $ph tap_$k fwd_$k; done
	for k in $NSTAT_KEYS; do delta $ph root_$k ns_$k srv_$k; done
	say "$ph: client exit ${R[${ph}_client_rc]}; port 1 frames > 1518 bytes: rx ${R[${ph}_p1_rx_q0_size_1519_max_packets]} tx ${R[${ph}_p1_tx_q0_size_1519_max_packets]}"
done
tp_cmd 30 "stop"
STOP_OUT=$TP_OUT
tp_cmd 30 "show port stats all"
tp_quit 30
[ "${TP_RC:-x}" = 0 ] || say "warning: testpmd exit status ${TP_RC:-killed}"
# Each server's client has ended; a server still waiting is ended (its
# phase's failure is in the client's and server's results).
reap 10 $SERVER_PID $SERVER2_PID
SERVER_PID=
SERVER2_PID=
dmesg >"$OUT/tso-lro.dmesg" 2>&1

# Bad-l4csum/Bad-ipcsum of testpmd's forward statistics, per port.
fwd_stat() {
	awk -v p="$1" -v k="$2" '
		/Forward statistics for port/ { cur = $(NF - 1) }
		cur == p { for (i = 1; i < NF; i++) if ($i == k ":") { print $(i + 1); exit } }' <<<"$STOP_OUT"
}
for p in 0 1; do
	R[p${p}_bad_l4csum]=$(fwd_stat $p Bad-l4csum)
	R[p${p}_bad_ipcsum]=$(fwd_stat $p Bad-ipcsum)
done

# ---- results ------------------------------------------------------------
kv() { sed -n "s/^$2=//p" "$1" 2>/dev/null | head -n 1; }
for ph in $PHASES; do
	d=${DIR[$ph]}
	cf=$WORK/client-$ph.txt
	sf=$WORK/${SRVF[$ph]}
	if [ "$d" = up ]; then
		src=$cf dst=$sf
	else
		src=$sf dst=$cf
	fi
	R[${ph}_sent_bytes]=$(kv "$src" ${d}_sent_bytes)
	R[${ph}_sent_sha256]=$(kv "$src" ${d}_sent_sha256)
	R[${ph}_recv_bytes]=$(kv "$dst" ${d}_recv_bytes)
	R[${ph}_recv_sha256]=$(kv "$dst" ${d}_recv_sha256)
	R[${ph}_client_error]=$(kv "$cf" error)
	R[${ph}_server_error]=$(kv "$sf" ${d}_error)
done
R[tap_tso]=${TAP_TSO:-}
R[driver1]=$DRIVER1
# What the kernel logged during the scene (a refused virtio-net header,
# a bad GSO frame, a vhost error...).
awk -v m="$DMESG_MARK" 'seen; index($0, m) { seen = 1 }' "$OUT/tso-lro.dmesg" \
	>"$WORK/dmesg-hits"
R[dmesg_lines]=$(wc -l <"$WORK/dmesg-hits")

num() { [[ ${1:-} =~ ^[0-9]+$ ]] && echo "$1" || echo -1; }
# close A B: A and B within 1% + 4 of each other (the counters are read a
# few milliseconds apart; the kernel may send an ARP in between).
close() {
	local a b d
	a=$(num "$1"); b=$(num "$2")
	[ "$a" -ge 0 ] && [ "$b" -ge 0 ] || return 1
	d=$((a > b ? a - b : b - a))
	[ $((d * 100)) -le $(((a > b ? a : b) + 400)) ]
}
FAILS=()
for ph in $PHASES; do
	if [ "${R[${ph}_client_rc]}" != 0 ]; then
		FAILS+=("$ph: client failed: ${R[${ph}_client_error]:-see $OUT} (server: ${R[${ph}_server_error]:-none})")
	fi
	[ "$(num "${R[${ph}_sent_bytes]}")" = "$BYTES" ] && [ "$(num "${R[${ph}_recv_bytes]}")" = "$BYTES" ] ||
		FAILS+=("$ph: ${R[${ph}_sent_bytes]:-0} bytes sent, ${R[${ph}_recv_bytes]:-0} received, $BYTES wanted")
	if [ -n "${R[${ph}_sent_sha256]}" ] && [ "${R[${ph}_sent_sha256]}" = "${R[${ph}_recv_sha256]}" ]; then
		R[${ph}_sha256_match]=1
	else
		R[${ph}_sha256_match]=0
		FAILS+=("$ph: sha256 sent ${R[${ph}_sent_sha256]:-none}, received ${R[${ph}_recv_sha256]:-none}")
	fi
	for k in rx_q0_errors tx_q0_errors rx_errors tx_errors; do
		[ "$(num "${R[${ph}_p1_$k]}")" = 0 ] || FAILS+=("$ph: port 1 $k ${R[${ph}_p1_$k]}")
	done
	# The TAP's tx is what vhost-net put in port 1's Rx queue; the TAP's
	# rx is what port 1 sent.
	close "${R[${ph}_tap_tx_packets]}" "${R[${ph}_p1_rx_good_packets]}" ||
		FAILS+=("$ph: TAP sent ${R[${ph}_tap_tx_packets]} packets, port 1 received ${R[${ph}_p1_rx_good_packets]}")
	close "${R[${ph}_tap_tx_bytes]}" "${R[${ph}_p1_rx_good_bytes]}" ||
		FAILS+=("$ph: TAP sent ${R[${ph}_tap_tx_bytes]} bytes, port 1 received ${R[${ph}_p1_rx_good_bytes]}")
	close "${R[${ph}_tap_rx_packets]}" "${R[${ph}_p1_tx_good_packets]}" ||
		FAILS+=("$ph: TAP received ${R[${ph}_tap_rx_packets]} packets, port 1 sent ${R[${ph}_p1_tx_good_packets]}")
	close "${R[${ph}_tap_rx_bytes]}" "${R[${ph}_p1_tx_good_bytes]}" ||
		FAILS+=("$ph: TAP received ${R[${ph}_tap_rx_bytes]} bytes, port 1 sent ${R[${ph}_p1_tx_good_bytes]}")
	if [ "${DIR[$ph]}" = up ]; then
		[ "$(num "${R[${ph}_tap_rx_bytes]}")" -ge "$BYTES" ] ||
			FAILS+=("$ph: the TAP received ${R[${ph}_tap_rx_bytes]} bytes, less than the payload")
	else
		[ "$(num "${R[${ph}_tap_tx_bytes]}")" -ge "$BYTES" ] ||
			FAILS+=("$ph: the TAP sent ${R[${ph}_tap_tx_bytes]} bytes, less than the payload")
	fi
	for k in tap_rx_errors tap_rx_dropped tap_tx_errors; do
		[ "$(num "${R[${ph}_$k]}")" = 0 ] || FAILS+=("$ph: $k ${R[${ph}_$k]}")
	done
	for k in root_TcpInCsumErrors ns_TcpInCsumErrors srv_TcpInCsumErrors \
		 root_IpInHdrErrors ns_IpInHdrErrors srv_IpInHdrErrors; do
		[ "$(num "${R[${ph}_$k]}")" = 0 ] || FAILS+=("$ph: $k ${R[${ph}_$k]}")
	done
done
for ph in up routed; do
	[ "$(num "${R[${ph}_p1_tx_q0_size_1519_max_packets]}")" -gt 0 ] ||
		FAILS+=("$ph: port 1 sent no frame larger than 1518 bytes (no TSO frame)")
done
[ "$(num "${R[down_p1_rx_q0_size_1519_max_packets]}")" -gt 0 ] ||
	FAILS+=("down: port 1 received no frame larger than 1518 bytes (no LRO frame)")
# The kernel cut vxpath's TSO frames into segments of at most 1448 bytes.
[ "$(num "${R[routed_fwd_tx_packets]}")" -ge $((BYTES / TSO_SEGSZ)) ] ||
	FAILS+=("routed: the kernel sent ${R[routed_fwd_tx_packets]} packets on $FWD_HOST, fewer than $((BYTES / TSO_SEGSZ)) segments")
[ "$DRIVER1" = net_vxpath ] || FAILS+=("port 1 driver is '$DRIVER1', expected net_vxpath")
[ ${#FAILS[@]} = 0 ] && VERDICT=pass || VERDICT=fail

# avg BYTES PACKETS
avg() {
	local b p
	b=$(num "$1"); p=$(num "$2")
	[ "$p" -gt 0 ] && [ "$b" -ge 0 ] && echo $((b / p)) || echo na
}
echo
echo "=== vxpath TSO/LRO against vhost-net ($MODE, $BYTES bytes each transfer) ==="
for ph in $PHASES; do
	printf '  %-6s %s: %s of %s bytes, sha256 %s\n' $ph "${WHAT[$ph]}" \
		"${R[${ph}_recv_bytes]:-0}" "$BYTES" \
		"$([ "${R[${ph}_sha256_match]}" = 1 ] && echo match || echo MISMATCH)"
	printf '         port 1 rx %5s pkts (%s > 1518 B, avg %s B)  tx %5s pkts (%s > 1518 B, avg %s B)  errors rx %s tx %s\n' \
		"${R[${ph}_p1_rx_good_packets]}" "${R[${ph}_p1_rx_q0_size_1519_max_packets]}" \
		"$(avg "${R[${ph}_p1_rx_good_bytes]}" "${R[${ph}_p1_rx_good_packets]}")" \
		"${R[${ph}_p1_tx_good_packets]}" "${R[${ph}_p1_tx_q0_size_1519_max_packets]}" \
		"$(avg "${R[${ph}_p1_tx_good_bytes]}" "${R[${ph}_p1_tx_good_packets]}")" \
		"${R[${ph}_p1_rx_q0_errors]}" "${R[${ph}_p1_tx_q0_errors]}"
	printf '         %s (kernel) tx %5s pkts %8s B  rx %5s pkts %8s B' $TAP \
		"${R[${ph}_tap_tx_packets]}" "${R[${ph}_tap_tx_bytes]}" \
		"${R[${ph}_tap_rx_packets]}" "${R[${ph}_tap_rx_bytes]}"
	[ $ph = routed ] && printf ';  %s tx %s pkts' $FWD_HOST "${R[routed_fwd_tx_packets]}"
	printf '\n'
	printf '         port 0 rx %5s pkts  tx %5s pkts; TCP csum errors: kernel %s, %s %s, %s %s; retransmits: kernel %s, %s %s\n' \
		"${R[${ph}_p0_rx_good_packets]}" "${R[${ph}_p0_tx_good_packets]}" \
		"${R[${ph}_root_TcpInCsumErrors]}" $NS "${R[${ph}_ns_TcpInCsumErrors]}" \
		$NS2 "${R[${ph}_srv_TcpInCsumErrors]}" \
		"${R[${ph}_root_TcpRetransSegs]}" $NS "${R[${ph}_ns_TcpRetransSegs]}"
done
printf '  testpmd Bad-l4csum: port 0 %s, port 1 %s; kernel log lines during the scene: %s\n' \
	"${R[p0_bad_l4csum]:-na}" "${R[p1_bad_l4csum]:-na}" "${R[dmesg_lines]}"
scene_report "mode=$MODE" "bytes=$BYTES"
