#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# UDP segmentation offload (USO) of vxpath against the real Linux
# vhost-net and TAP, end to end, checked by the kernel itself (issue 18).
# Needs Linux 6.2 or later in the guest (tun's TUN_F_USO4/6): the test VM
# with Debian 13's kernel (run-in-vm.sh --kernel trixie);
# test/integration/test_offload_vm.py::test_uso_vhost_net_trixie runs it.
#
#   netns vxuns                      root namespace
#   vxuveth1 192.0.2.2/24     --- vxuveth0 <-> app/vxpath-usofwd
#            2001:db8:1::2/64                port 0 net_af_packet on vxuveth0
#                                            port 1 vxpath over /dev/vhost-net
#                                            <-> TAP vxutap0 192.0.2.1/24,
#                                                2001:db8:1::1/64
#                                            kernel, IPv4/IPv6 forwarding
#   netns vxusrv                             |
#   vxufwd1 198.51.100.2/24 ----------- vxufwd0 198.51.100.1/24
#           2001:db8:2::2/64                    2001:db8:2::1/64
#
# dpdk-testpmd 22.11 cannot be the forwarder here: its csum engine marks
# a UDP frame RTE_MBUF_F_TX_UDP_SEG only when its own software GSO is on
# for the port, and that GSO then cuts the frame before the driver sees it
# (IPv4 into IP fragments), while `tso set` is for TCP alone. So
# app/vxpath-usofwd forwards between the two ports: each UDP frame from
# the wire asks for the UDP checksum, and one whose payload is longer than
# --segsz asks for USO (tso_segsz --segsz); port 1 runs with Tx UDP_TSO
# and UDP/TCP/IPv4 checksum, and with every Rx offload vxpath offers
# (TCP_LRO, TCP and UDP checksum). test/vm/udp_gso.py sends and receives:
# the sender sets UDP_SEGMENT (SOL_UDP, 103) to --segsz and writes --frames
# buffers of --segs datagrams each, one GSO super-frame per send; the
# receiver checks every datagram (length, sequence number, body), counts
# them and hashes them with SHA-256. Four phases:
#   tx4, tx6  vxuns -> vxusrv (198.51.100.2, 2001:db8:2::2), routed by the
#           kernel. vxuveth1 has tx-udp-segmentation on (gso_max_size
#           32000), so af_packet gets each super-frame whole; vxpath sends
#           it as one virtio-net frame with gso_type GSO_UDP_L4; the kernel
#           forwards it to vxufwd0, which can neither segment nor checksum,
#           so it cuts the frame into datagrams and completes each one's
#           UDP checksum from the pseudo-header sum vxpath wrote (with the
#           whole L4 length, and the UDP length field), and vxusrv's kernel
#           checks those checksums (Udp/Udp6 InCsumErrors).
#   rx4, rx6  the root namespace -> vxuns (192.0.2.2, 2001:db8:1::2)
#           through the TAP, the sender with UDP_SEGMENT too. vxpath never
#           negotiates GUEST_USO4/6 (DPDK 22.11 has no receive offload
#           for a coalesced UDP frame, and an application that asked for
#           TCP LRO would take one for a single datagram: offload.h), so
#           the TAP must not have UDP segmentation (ethtool -k vxutap0:
#           tx-udp-segmentation off, while TCP segmentation is on) and the
#           kernel must cut the super-frames before the TAP. What is
#           checked is that this holds: no UDP frame reaches port 1 with
#           RTE_MBUF_F_RX_LRO or larger than 1518 bytes, none is refused
#           (Rx errors), and the datagrams (partial checksums, NEEDS_CSUM,
#           completed by the forwarder in software for af_packet) arrive
#           intact in vxuns.
#
# Checks (exit 1 if one fails), per phase: the sender sent --frames
# buffers; the receiver got --frames * --segs good datagrams, none bad or
# twice, SHA-256 equal at both ends; no checksum or other UDP input error
# in any of the three namespaces; no Tx or Rx error on port 1, nothing
# dropped by the forwarder. tx4/tx6: the forwarder marked --frames
# super-frames for USO, port 1 sent at least --frames frames larger than
# 1518 bytes, the TAP received fewer frames than datagrams (super-frames
# crossed it) and vxufwd0 sent at least one packet per datagram.
# rx4/rx6: port 1 received at least one UDP frame per datagram, none with
# RTE_MBUF_F_RX_LRO and none larger than 1518 bytes; the TAP sent at least
# one frame per datagram. Once: port 1 is net_vxpath with xstats
# tap_offload_uso4/6 1 (the kernel takes USO) and the TAP shows
# tx-udp-segmentation off, tcp-segmentation-offload on.
#
# Written to --out: uso.txt (key=value results, per phase PHASE_KEY: the
# deltas of the forwarder's counters and port 1's xstats (app_*), of the
# TAP's and vxufwd0's kernel counters (tap_*, fwd_*) and of the three
# namespaces' UDP counters (root_, ns_, srv_)), uso.app.log, uso.dmesg,
# uso.tap-features (ethtool -k vxutap0).
#
# Usage: test/vm/uso.sh [--plugin FILE | --build-dir DIR] [--app FILE]
#                       [--out DIR] [--frames N] [--segs K] [--segsz B]
#                       [--timeout SEC]
#   --plugin     librte_net_vxpath.so (staged under /run/vxpath first)
#   --build-dir  meson build directory (default: build/ in the repository,
#                or VXPATH_BUILD_DIR)
#   --app        vxpath-usofwd (default: app/vxpath-usofwd/ of the build
#                directory)
#   --out        results directory (default: VXPATH_OUT_DIR, else .)
#   --frames     super-frames per phase (default 48)
#   --segs       datagrams per super-frame (default 16, at most 20)
#   --segsz      UDP payload per datagram, bytes (default 1400)
#   --timeout    a phase's receiver gives up after SEC seconds without a
#                datagram, and is stopped SEC seconds after its sender
#                ended at the latest (default 30)
# Exit status: 0 every check passed, 1 a check failed, 2 the scene could
# not be set up (no vhost-net, a kernel without USO in tun...).

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
BUILD_DIR=${VXPATH_BUILD_DIR:-$REPO/build}
PLUGIN=
APP=
OUT=${VXPATH_OUT_DIR:-$PWD}
FRAMES=48
SEGS=16
SEGSZ=1400
TIMEOUT=30
PY=/usr/bin/python3

NS=vxuns
VETH_HOST=vxuveth0
VETH_NS=vxuveth1
TAP=vxutap0
NS2=vxusrv
FWD_HOST=vxufwd0
FWD_NS=vxufwd1
declare -A TAP_IP=([4]=192.0.2.1 [6]=2001:db8:1::1)
declare -A NS_IP=([4]=192.0.2.2 [6]=2001:db8:1::2)
declare -A FWD_IP=([4]=198.51.100.1 [6]=2001:db8:2::1)
declare -A SRV_IP=([4]=198.51.100.2 [6]=2001:db8:2::2)
declare -A PLEN=([4]=24 [6]=64)
declare -A NET1=([4]=192.0.2.0/24 [6]=2001:db8:1::/64)
declare -A NET2=([4]=198.51.100.0/24 [6]=2001:db8:2::/64)
PREFIX=vxuso
GSO_MAX=32000

usage() { sed -n '2,93p' "$0" | sed 's/^# \{0,1\}//'; }

. "$HERE/scene-lib.sh"
scene_args uso "plugin build-dir app out frames segs segsz timeout" "$@"

say() { echo "uso: [${SECONDS}s] $*"; }
setup_fail() { say "SETUP FAILED: $*" >&2; exit 2; }


# ---- prerequisites ------------------------------------------------------
[ "$(id -u)" = 0 ] || setup_fail "must run as root"
[ -c /dev/vhost-net ] || setup_fail "no /dev/vhost-net (run it in the test VM: test/vm/run-in-vm.sh --kernel trixie test/vm/uso.sh ...)"
for t in ip ethtool nstat ss dmesg; do
	command -v $t >/dev/null || setup_fail "missing tool: $t"
done
[ -x $PY ] || setup_fail "missing $PY"
for v in FRAMES SEGS SEGSZ TIMEOUT; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || setup_fail "${v,,} must be a positive integer, not '${!v}'"
done
[ "$SEGS" -ge 2 ] && [ "$SEGS" -le 20 ] || setup_fail "--segs must be 2 to 20"
[ "$SEGSZ" -ge 64 ] && [ "$SEGSZ" -le 1400 ] ||
	setup_fail "--segsz must be 64 to 1400 (an IPv6 datagram within MTU 1500)"
KREL=$(uname -r)
kmaj=${KREL%%.*}
kmin=${KREL#*.}
kmin=${kmin%%[!0-9]*}
[ "$kmaj" -gt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -ge 2 ]; } ||
	setup_fail "kernel $KREL: tun has USO from Linux 6.2 on (run-in-vm.sh --kernel trixie)"
[ "$(cat /proc/sys/vm/nr_hugepages)" -gt 0 ] 2>/dev/null ||
	setup_fail "no hugepages reserved"
mkdir -p "$OUT" || setup_fail "cannot create $OUT"
RESULTS=$OUT/uso.txt
rm -f "$RESULTS"
[ -n "$APP" ] || APP=$BUILD_DIR/app/vxpath-usofwd/vxpath-usofwd
[ -x "$APP" ] || setup_fail "no forwarder at $APP (ninja -C build)"

WORK=$(mktemp -d /tmp/vxpath-uso.XXXXXX) || setup_fail "mktemp"
# nap's FIFO (scene-lib.sh; tp_start makes it, and there is no testpmd).
{ mkfifo "$WORK/nap" && exec 5<>"$WORK/nap"; } || setup_fail "nap FIFO"
APP_PID=
RECV_PID=
APP_LOG=$WORK/app.log
SCENE_PIDS=(RECV_PID APP_PID)
SCENE_KEEP=("$APP_LOG:$OUT/uso.app.log")
scene_trap
trap '' PIPE

[ -n "$PLUGIN" ] || PLUGIN=$BUILD_DIR/drivers/librte_net_vxpath.so
scene_stage_plugin "$PLUGIN"

# ---- topology -----------------------------------------------------------
nsx() { ip netns exec $NS "$@"; }
srvx() { ip netns exec $NS2 "$@"; }
# v6on RUN IF ADDR/LEN: scene_netns turns IPv6 off; on again for IF (in
# the namespace RUN runs commands in), with ADDR/LEN at once (nodad).
v6on() {
	$1 sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.$2.disable_ipv6=0 || setup_fail "IPv6 on $2"
	$1 ip addr add $3 dev $2 nodad || setup_fail "address $3 on $2"
}
scene_netns $NS $VETH_HOST $VETH_NS ${NS_IP[4]}/24
scene_netns $NS2 $FWD_HOST $FWD_NS ${SRV_IP[4]}/24 ${FWD_IP[4]}/24
v6on nsx $VETH_NS ${NS_IP[6]}/64
v6on srvx $FWD_NS ${SRV_IP[6]}/64
sysctl -qw net.ipv6.conf.$FWD_HOST.disable_ipv6=0 || setup_fail "IPv6 on $FWD_HOST"
ip addr add ${FWD_IP[6]}/64 dev $FWD_HOST nodad || setup_fail "address on $FWD_HOST"
sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 ||
	setup_fail "forwarding"
# The routed leg cannot segment nor checksum: software GSO and checksums.
ethtool -K $FWD_HOST tx off tso off gso on gro off >/dev/null 2>&1 ||
	setup_fail "ethtool -K $FWD_HOST tx off"
srvx ethtool -K $FWD_NS gro off >/dev/null 2>&1
for v in 4 6; do
	srvx ip -$v route add ${NET1[$v]} via ${FWD_IP[$v]} ||
		setup_fail "IPv$v route in $NS2"
	nsx ip -$v route add ${NET2[$v]} via ${TAP_IP[$v]} ||
		setup_fail "IPv$v route in $NS"
done
# UDP segmentation on the namespace's veth: af_packet gets super-frames.
nsx ip link set $VETH_NS gso_max_size $GSO_MAX || setup_fail "gso_max_size on $VETH_NS"
nsx ethtool -K $VETH_NS tx on sg on gso on tx-udp-segmentation on gro off \
	>/dev/null 2>&1 || setup_fail "ethtool -K $VETH_NS tx-udp-segmentation on"
ethtool -K $VETH_HOST gro off >/dev/null 2>&1
nsx ethtool -k $VETH_NS >"$WORK/veth-features" 2>&1
grep -q '^tx-udp-segmentation: on' "$WORK/veth-features" ||
	setup_fail "$VETH_NS: tx-udp-segmentation is not on"

DMESG_MARK="uso: scene start $$"
echo "$DMESG_MARK" >/dev/kmsg 2>/dev/null

# ---- the forwarder ------------------------------------------------------
APP_CMD=("$APP" -l 1 -n 1 --file-prefix $PREFIX --no-pci -d "$STAGED"
	--vdev=net_af_packet0,iface=$VETH_HOST,framesz=32768,blocksz=65536,framecnt=128
	--vdev=virtio_user0,path=/dev/vhost-net,iface=$TAP,queue_size=256
	-- --wire 0 --vx 1 --segsz "$SEGSZ")
say "starting: ${APP_CMD[*]}"
"${APP_CMD[@]}" >"$APP_LOG" 2>&1 </dev/null &
APP_PID=$!
for _ in $(seq 900); do
	grep -q '^usofwd: ready' "$APP_LOG" && break
	kill -0 $APP_PID 2>/dev/null || break
	nap 0.2
done
grep -q '^usofwd: ready' "$APP_LOG" || {
	tail -n 30 "$APP_LOG" >&2
	setup_fail "vxpath-usofwd did not start"
}
DRIVER1=$(sed -n 's/^usofwd: ready .*vx_driver=\([^ ]*\).*/\1/p' "$APP_LOG")

[ -e /sys/class/net/$TAP ] || setup_fail "TAP $TAP did not appear"
sysctl -qw net.ipv6.conf.$TAP.disable_ipv6=0
ip link set $TAP mtu 1500 || setup_fail "mtu 1500 on $TAP"
ip addr add ${TAP_IP[4]}/24 dev $TAP || setup_fail "address on $TAP"
ip addr add ${TAP_IP[6]}/64 dev $TAP nodad || setup_fail "IPv6 address on $TAP"
ip link set $TAP up || setup_fail "$TAP up"
# Neighbours written in: no ARP or ND through the forwarder under TCG.
read -r TAP_MAC </sys/class/net/$TAP/address
NS_MAC=$(nsx cat /sys/class/net/$VETH_NS/address)
for v in 4 6; do
	nsx ip neigh replace ${TAP_IP[$v]} lladdr "$TAP_MAC" dev $VETH_NS nud permanent ||
		setup_fail "neighbour ${TAP_IP[$v]} in $NS"
	ip neigh replace ${NS_IP[$v]} lladdr "$NS_MAC" dev $TAP nud permanent ||
		setup_fail "neighbour ${NS_IP[$v]} on $TAP"
done
ethtool -k $TAP >"$OUT/uso.tap-features" 2>&1
feat() { awk -v k="$1:" '$1 == k { print $2 }' "$OUT/uso.tap-features"; }
TAP_TSO=$(feat tcp-segmentation-offload)
TAP_USO=$(feat tx-udp-segmentation)
say "forwarding (pid $APP_PID), port 1 driver $DRIVER1; $TAP TSO ${TAP_TSO:-?}, USO ${TAP_USO:-?}"

# ---- counters -----------------------------------------------------------
declare -A R=() C0=() C1=()
STATS_SEQ=0
IF_STATS="rx_packets rx_bytes rx_errors rx_dropped tx_packets tx_bytes tx_errors tx_dropped"
NSTAT_KEYS="UdpInDatagrams UdpInErrors UdpInCsumErrors UdpRcvbufErrors UdpNoPorts Udp6InDatagrams Udp6InErrors Udp6InCsumErrors Udp6RcvbufErrors Udp6NoPorts IpInHdrErrors Ip6InHdrErrors Ip6InTooBigErrors IpFragCreates Ip6FragCreates"
# snap ARRAY: the forwarder's counters (SIGUSR1: one stats line), the
# TAP's and vxufwd0's counters, the namespaces' UDP and IP counters.
snap() {
	local -n a=$1
	local k v s val line n=100 tok
	a=()
	kill -USR1 $APP_PID 2>/dev/null
	while [ $n -gt 0 ]; do
		line=$(grep "^usofwd: stats seq=$STATS_SEQ " "$APP_LOG")
		[ -n "$line" ] && break
		nap 0.1
		n=$((n - 1))
	done
	STATS_SEQ=$((STATS_SEQ + 1))
	for tok in $line; do
		[[ $tok == *=* ]] && a["app_${tok%%=*}"]=${tok#*=}
	done
	route_counters a
}
APP_KEYS="wire_rx vx_tx vx_tx_drop udp_csum udp_seg vx_rx wire_tx wire_tx_drop vx_rx_lro vx_rx_udp vx_rx_udp_lro csum_done csum_fail vx_rx_good_packets vx_tx_good_packets vx_rx_errors vx_tx_errors vx_rx_q0_errors vx_tx_q0_errors vx_rx_q0_size_1519_max_packets vx_tx_q0_size_1519_max_packets"

# ---- phases -------------------------------------------------------------
DGRAMS=$((FRAMES * SEGS))
PHASES="tx4 rx4 tx6 rx6"
declare -A PORT=([tx4]=5201 [rx4]=5202 [tx6]=5203 [rx6]=5204)
# The phase's destination, and where its sender and receiver run.
declare -A DST=([tx4]=${SRV_IP[4]} [tx6]=${SRV_IP[6]} [rx4]=${NS_IP[4]} [rx6]=${NS_IP[6]})
declare -A RUN_SEND=([tx4]=nsx [tx6]=nsx [rx4]=env [rx6]=env)
declare -A RUN_RECV=([tx4]=srvx [tx6]=srvx [rx4]=nsx [rx6]=nsx)
# stop_after SEC PID: wait for PID at most SEC seconds (no fork), then
# SIGTERM it (a receiver then writes what it got) and wait.
stop_after() {
	local n=$(($1 * 5))
	while [ $n -gt 0 ] && kill -0 "$2" 2>/dev/null; do
		nap 0.2
		n=$((n - 1))
	done
	kill -TERM "$2" 2>/dev/null
	wait "$2"
}
# phase PH: its receiver, its sender, the receiver's end; the counters
# around them (one snapshot ends a phase and starts the next).
phase() {
	local ph=$1 k
	say "$ph: $FRAMES super-frames of $SEGS x $SEGSZ bytes to ${DST[$ph]}:${PORT[$ph]}"
	${RUN_RECV[$ph]} $PY "$HERE/udp_gso.py" recv --bind "${DST[$ph]}" \
		--port ${PORT[$ph]} --segsz "$SEGSZ" --expect $DGRAMS --idle 5 \
		--timeout "$TIMEOUT" --out "$WORK/recv-$ph.txt" \
		>"$WORK/recv-$ph.log" 2>&1 &
	RECV_PID=$!
	for _ in $(seq 150); do
		${RUN_RECV[$ph]} ss -lunH "sport = :${PORT[$ph]}" 2>/dev/null |
			grep -q . && break
		nap 0.2
	done
	${RUN_SEND[$ph]} $PY "$HERE/udp_gso.py" send --to "${DST[$ph]}" \
		--port ${PORT[$ph]} --segsz "$SEGSZ" --segs "$SEGS" \
		--frames "$FRAMES" --gap-ms 20 --out "$WORK/send-$ph.txt" \
		>"$WORK/send-$ph.log" 2>&1
	R[${ph}_send_rc]=$?
	# The receiver ends with all its datagrams, or 5 s after the last
	# one; at the latest --timeout seconds after the sender.
	stop_after "$TIMEOUT" $RECV_PID
	R[${ph}_recv_rc]=$?
	RECV_PID=
	snap C1
	for k in $APP_KEYS; do delta $ph app_$k; done
	for k in $IF_STATS; do delta $ph tap_$k fwd_$k; done
	for k in $NSTAT_KEYS; do delta $ph root_$k ns_$k srv_$k; done
	for k in "${!C1[@]}"; do C0[$k]=${C1[$k]}; done
	for k in sent_frames sent_datagrams sent_sha256 send_error; do
		R[${ph}_$k]=$(sed -n "s/^$k=//p" "$WORK/send-$ph.txt" 2>/dev/null)
	done
	for k in recv_datagrams recv_good recv_bad recv_dup recv_missing \
		 recv_max_len recv_sha256 recv_error; do
		R[${ph}_$k]=$(sed -n "s/^$k=//p" "$WORK/recv-$ph.txt" 2>/dev/null)
	done
	say "$ph: ${R[${ph}_recv_good]:-0} of $DGRAMS datagrams; TAP rx ${R[${ph}_tap_rx_packets]} tx ${R[${ph}_tap_tx_packets]} frames; USO marked ${R[${ph}_app_udp_seg]}"
}
snap C0
for ph in $PHASES; do phase $ph; done
RECV_PID=
TAP_XS=$(grep "^usofwd: stats seq=$((STATS_SEQ - 1)) " "$APP_LOG")
kill -INT $APP_PID 2>/dev/null
reap 30 $APP_PID || say "warning: vxpath-usofwd did not end by itself"
APP_PID=
dmesg >"$OUT/uso.dmesg" 2>&1

# ---- results ------------------------------------------------------------
R[driver1]=$DRIVER1
R[kernel]=$KREL
R[tap_tso]=${TAP_TSO:-}
R[tap_uso]=${TAP_USO:-}
for o in uso4 uso6; do
	R[tap_offload_$o]=$(tr ' ' '\n' <<<"$TAP_XS" | sed -n "s/^vx_tap_offload_$o=//p")
done
awk -v m="$DMESG_MARK" 'seen; index($0, m) { seen = 1 }' "$OUT/uso.dmesg" \
	>"$WORK/dmesg-hits"
R[dmesg_lines]=$(wc -l <"$WORK/dmesg-hits")

num() { [[ ${1:-} =~ ^[0-9]+$ ]] && echo "$1" || echo -1; }
FAILS=()
# want PHASE KEY OP VALUE WHY: a failure unless R[PHASE_KEY] OP VALUE.
want() {
	local v
	v=$(num "${R[${1}_$2]:-}")
	[ "$v" "$3" "$4" ] 2>/dev/null ||
		FAILS+=("$1: $2 = ${R[${1}_$2]:-none}, wanted $3 $4: $5")
}
for ph in $PHASES; do
	v=${ph#??}
	want $ph sent_frames -eq $FRAMES "the sender (${R[${ph}_send_error]:-no error})"
	want $ph recv_good -eq $DGRAMS "good datagrams (receiver: ${R[${ph}_recv_error]:-no error})"
	want $ph recv_bad -eq 0 "datagrams with a wrong length, header or body"
	want $ph recv_dup -eq 0 "datagrams received twice"
	[ -n "${R[${ph}_sent_sha256]}" ] && [ "${R[${ph}_sent_sha256]}" = "${R[${ph}_recv_sha256]}" ] ||
		FAILS+=("$ph: sha256 sent ${R[${ph}_sent_sha256]:-none}, received ${R[${ph}_recv_sha256]:-none}")
	u=Udp
	[ $v = 6 ] && u=Udp6
	for s in root ns srv; do
		for k in ${u}InCsumErrors ${u}InErrors; do
			want $ph ${s}_$k -eq 0 "UDP input errors"
		done
	done
	for k in vx_tx_drop wire_tx_drop csum_fail vx_rx_errors vx_tx_errors \
		 vx_rx_q0_errors vx_tx_q0_errors; do
		want $ph app_$k -eq 0 "port 1 errors or forwarder drops"
	done
	if [ "${ph%?}" = tx ]; then
		want $ph app_udp_seg -eq $FRAMES "super-frames marked for USO (af_packet got them whole)"
		want $ph app_vx_tx_q0_size_1519_max_packets -ge $FRAMES "frames larger than 1518 bytes port 1 sent"
		want $ph tap_rx_packets -lt $DGRAMS "frames the TAP received: super-frames cross it"
		want $ph tap_rx_packets -ge $FRAMES "frames the TAP received"
		want $ph fwd_tx_packets -ge $DGRAMS "packets the kernel sent on $FWD_HOST: one per datagram"
	else
		want $ph app_vx_rx_udp -ge $DGRAMS "UDP frames port 1 received: the kernel cut before the TAP"
		want $ph app_vx_rx_udp_lro -eq 0 "UDP frames received with RTE_MBUF_F_RX_LRO"
		want $ph app_vx_rx_q0_size_1519_max_packets -eq 0 "frames larger than 1518 bytes port 1 received"
		want $ph tap_tx_packets -ge $DGRAMS "frames the TAP sent"
	fi
done
[ "$DRIVER1" = net_vxpath ] || FAILS+=("port 1 driver is '$DRIVER1', expected net_vxpath")
for o in uso4 uso6; do
	[ "${R[tap_offload_$o]}" = 1 ] || FAILS+=("xstat tap_offload_$o = ${R[tap_offload_$o]:-none}: the kernel does not take USO")
done
[ "$TAP_USO" = off ] || FAILS+=("$TAP: tx-udp-segmentation ${TAP_USO:-?}: vxpath does not negotiate GUEST_USO4/6")
[ "$TAP_TSO" = on ] || FAILS+=("$TAP: tcp-segmentation-offload ${TAP_TSO:-?}: the Rx offloads did not reach the TAP")
[ ${#FAILS[@]} = 0 ] && VERDICT=pass || VERDICT=fail

echo
echo "=== vxpath USO against vhost-net (kernel $KREL; $FRAMES super-frames x $SEGS datagrams x $SEGSZ bytes per phase) ==="
for ph in $PHASES; do
	v=${ph#??}
	u=Udp
	[ $v = 6 ] && u=Udp6
	printf '  %s  datagrams %s of %s good (bad %s, dup %s), sha256 %s; UDP csum errors: kernel %s, %s %s, %s %s\n' \
		$ph "${R[${ph}_recv_good]:-0}" $DGRAMS "${R[${ph}_recv_bad]:-?}" \
		"${R[${ph}_recv_dup]:-?}" \
		"$([ -n "${R[${ph}_sent_sha256]}" ] && [ "${R[${ph}_sent_sha256]}" = "${R[${ph}_recv_sha256]}" ] && echo match || echo MISMATCH)" \
		"${R[${ph}_root_${u}InCsumErrors]}" $NS "${R[${ph}_ns_${u}InCsumErrors]}" \
		$NS2 "${R[${ph}_srv_${u}InCsumErrors]}"
	printf '       USO marked %s; port 1 tx %s (%s > 1518 B) rx %s (UDP %s, LRO %s, %s > 1518 B); %s rx %s tx %s frames; %s tx %s\n' \
		"${R[${ph}_app_udp_seg]}" "${R[${ph}_app_vx_tx_good_packets]}" \
		"${R[${ph}_app_vx_tx_q0_size_1519_max_packets]}" \
		"${R[${ph}_app_vx_rx_good_packets]}" "${R[${ph}_app_vx_rx_udp]}" \
		"${R[${ph}_app_vx_rx_udp_lro]}" \
		"${R[${ph}_app_vx_rx_q0_size_1519_max_packets]}" \
		$TAP "${R[${ph}_tap_rx_packets]}" "${R[${ph}_tap_tx_packets]}" \
		$FWD_HOST "${R[${ph}_fwd_tx_packets]}"
done
printf '  %s: tcp-segmentation-offload %s, tx-udp-segmentation %s; tap_offload_uso4/6 %s/%s; kernel log lines during the scene: %s\n' \
	$TAP "${TAP_TSO:-?}" "${TAP_USO:-?}" "${R[tap_offload_uso4]:-?}" \
	"${R[tap_offload_uso6]:-?}" "${R[dmesg_lines]}"
scene_report "frames=$FRAMES" "segs=$SEGS" "segsz=$SEGSZ" \
	"datagrams=$DGRAMS"
