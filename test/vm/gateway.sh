#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The exception-path gateway (app/vxpath-gateway) between two hosts, over
# the real vhost-net: runs inside the test VM as root (/dev/vhost-net
# needed); test/integration/test_gateway_vm.py runs it there, and the
# README's main job (devtools/run-exception-path.sh) too.
#
# Hosts A and B are network namespaces behind veth pairs; the gateway's
# NIC ports are net_af_packet on the root ends (gwa, gwb), which the root
# namespace's kernel otherwise ignores (no ARP, no IPv6, strict reverse
# path filter: every frame there is DPDK's). The gateway makes its twins
# dp0 and dp1; the root namespace's kernel, a router (ip_forward), gives
# them 10.1.0.1/24, fd01::1/64 and 10.2.0.1/24, fd02::1/64.
#   A: 10.1.0.2/24, fd01::2/64, default routes via the gateway
#   B: 10.2.0.2/24, fd02::2/64, and 10.9.9.9/32 behind it (on lo);
#      10.8.8.8/32 on lo too for the daemon check
# Each check counts on both sides and writes key=value lines to
# gateway-<twin>.txt (verdict=pass when every one is as wanted):
#   ping4        A pings B 20 times: 20 replies, no duplicate
#   tcp          8 MiB from A to B (tcp_xfer.py): the same SHA-256 on both
#                ends; the gateway forwarded at least 99 % of the frames
#                A and B sent, the twins' kernel received fewer than 1 %
#   local        A pings the gateway's 10.1.0.1: 5 replies, from the
#                kernel through the twin (punt_local, from_kernel grow)
#   ktcp, ktcp6  8 MiB from a socket of the gateway's kernel (10.1.0.1,
#                then fd01::1) to A: the same SHA-256 on both ends; the
#                kernel's TCP frames over the MTU (TSO through the twin)
#                were cut by the gateway (kernel_gso_frames grows, none
#                dropped oversize), and A's kernel found no bad IPv4
#                header or TCP checksum (Ip InHdrErrors, Tcp InCsumErrors;
#                TCP would otherwise complete
#                the transfer with retransmissions the size of the MTU)
#   ttl          A's TTL-1 ping to B: "Time to live exceeded" from
#                10.1.0.1 (punt_ttl grows)
#   ping6        A pings B's fd02::2 20 times over IPv6: 20 replies; the
#                kernel resolved fd02::2 on dp1 (neighbour discovery)
#   route        `ip route add 10.9.9.0/24 via 10.2.0.2` in the kernel: in
#                the fast path within 100 ms (telemetry /vxpath_gw/fib),
#                A reaches 10.9.9.9 through it; `ip route del`: gone from
#                the fast path within 100 ms, A's ping gets "Unreachable"
#   metric       10.9.9.0/24 via B metric 100 and unreachable metric 200:
#                A's 5 pings forwarded by the fast path (none punted to
#                the kernel's route); the metric-100 route deleted: the
#                unreachable one in use, A's pings punted (kernel_route,
#                one at least) and answered "Unreachable"
#   daemon       bird (Debian's bird2) in B's namespace and on the
#                gateway's kernel, each with its own configuration, control
#                socket, pid file and log (gateway-<twin>-bird-{b,gw}.log):
#                OSPFv2 on the 10.2.0.0/24 link (type ptp, hello 1 s) is
#                Full within 60 s, its packets punted on port 1 (multicast)
#                and sent by the kernel through dp1; B announces
#                10.8.8.0/24 (10.8.8.8 on its lo), the gateway's bird puts
#                it in the main table (proto bird via 10.2.0.2 dev dp1),
#                telemetry's routes4 grows, A pings 10.8.8.8 5 times on the
#                fast path (port 0 forwarded >= 5); both birds stop
#                ("birdc down"), the route leaves the kernel and the fast
#                path. No bird installed: daemon=skipped, a failure
#   quit         SIGINT: exit status 0, the summary line, the TAPs gone
#
# Usage: test/vm/gateway.sh --gateway FILE [--plugin FILE]
#                           [--twin vxpath|upstream] [--workers 1|2]
#                           [--out DIR]
#   --gateway  the vxpath-gateway executable
#   --plugin   librte_net_vxpath.so (--twin vxpath, the default)
#   --twin     vxpath: twins are net_vxpath ports (the plugin loaded);
#              upstream: DPDK's own net_virtio_user (no plugin)
#   --workers  forwarding lcores (default 1); with 2, two queue pairs
#              per port (twins with cq=1), the TCP check moves four flows
#              of 2 MiB, and each lcore must have forwarded part of them
#              (telemetry /vxpath_gw/workers)
#   --out      results directory (default VXPATH_OUT_DIR, else .):
#              gateway-<twin>[-mq].txt and gateway-<twin>[-mq].log, the
#              birds' gateway-<twin>[-mq]-bird-b.log and -bird-gw.log
# Exit status: 0 pass, 1 a check failed, 2 the scene could not be set up.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

PLUGIN=
GATEWAY=
TWIN=vxpath
WORKERS=1
OUT=${VXPATH_OUT_DIR:-.}
PREFIX=gw$$
BYTES=8388608

. "$HERE/scene-lib.sh"
scene_args gateway "plugin gateway twin workers out" "$@"
TAG=$TWIN
[ "$WORKERS" = 1 ] || TAG=$TWIN-mq
LOG=$OUT/gateway-$TAG.log
scene_begin gateway-scene gateway-$TAG.txt ip ping ethtool python3 stdbuf

case $TWIN in
vxpath) [ -n "$PLUGIN" ] || setup_fail "--twin vxpath needs --plugin" ;;
upstream) ;;
*) setup_fail "--twin: vxpath or upstream, not $TWIN" ;;
esac
[ -x "$GATEWAY" ] || setup_fail "no gateway executable at '$GATEWAY' (ninja -C build)"

GW_PID=
BIRD_B_PID=
BIRD_GW_PID=
scene_atexit() {
	local p
	for p in $BIRD_GW_PID $BIRD_B_PID; do
		kill -KILL "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	if [ -n "$GW_PID" ] && kill -0 "$GW_PID" 2>/dev/null; then
		kill -KILL "$GW_PID" 2>/dev/null
		wait "$GW_PID" 2>/dev/null
	fi
	ip route flush 10.9.9.0/24 2>/dev/null
	ip route del 10.8.8.0/24 2>/dev/null
}
scene_trap
[ -e "$WORK/nap" ] || { mkfifo "$WORK/nap" && exec 5<>"$WORK/nap"; } ||
	setup_fail "mkfifo"

# --- the hosts ----------------------------------------------------------------

# host NS WIRE NSIF V4/LEN V6/LEN GW4 GW6: a namespace behind a veth whose
# root end WIRE belongs to DPDK alone.
host() {
	local ns=$1 wire=$2 nsif=$3
	ip netns del "$ns" 2>/dev/null
	ip link del "$wire" 2>/dev/null
	SCENE_NS+=("$ns")
	SCENE_VETH+=("$wire")
	ip netns add "$ns" || setup_fail "ip netns add $ns"
	ip link add "$wire" type veth peer name "$nsif" || setup_fail "veth pair"
	ip link set "$nsif" netns "$ns" || setup_fail "move $nsif into $ns"
	sysctl -qw net.ipv6.conf."$wire".disable_ipv6=1
	sysctl -qw net.ipv4.conf."$wire".arp_ignore=8
	sysctl -qw net.ipv4.conf."$wire".rp_filter=1
	ip link set "$wire" arp off
	ethtool -K "$wire" gro off >/dev/null 2>&1
	ip link set "$wire" up || setup_fail "$wire up"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=0
	ip netns exec "$ns" ip link set lo up
	# Frames of at most the MTU, checksums complete: what a NIC's wire
	# carries (net_af_packet gets the veth's skbs as they are).
	ip netns exec "$ns" ethtool -K "$nsif" tx off tso off gso off gro off \
		>/dev/null 2>&1 || setup_fail "ethtool -K $nsif"
	ip netns exec "$ns" ip addr add "$4" dev "$nsif" ||
		setup_fail "address on $nsif"
	ip netns exec "$ns" ip -6 addr add "$5" dev "$nsif" nodad ||
		setup_fail "IPv6 address on $nsif"
	ip netns exec "$ns" ip link set "$nsif" up || setup_fail "$nsif up"
	ip netns exec "$ns" ip route add default via "$6" ||
		setup_fail "default route in $ns"
	ip netns exec "$ns" ip -6 route add default via "$7" ||
		setup_fail "IPv6 default route in $ns"
}

host gwA gwa a0 10.1.0.2/24 fd01::2/64 10.1.0.1 fd01::1
host gwB gwb b0 10.2.0.2/24 fd02::2/64 10.2.0.1 fd02::1
ip netns exec gwB ip addr add 10.9.9.9/32 dev lo || setup_fail "10.9.9.9 on B"
sysctl -qw net.ipv4.ip_forward=1
sysctl -qw net.ipv6.conf.all.forwarding=1
sysctl -qw net.ipv6.conf.default.disable_ipv6=0
A() { ip netns exec gwA "$@"; }
B() { ip netns exec gwB "$@"; }

# --- the gateway --------------------------------------------------------------

# One forwarding lcore on CPU 1, or two (CPUs 1 and 0, beside the main
# lcore, which sleeps): queue pairs on every port, RSS (af_packet's
# fanout) on the NIC ports.
case $WORKERS in
1) eal=(-l 0,1) ;;
2) eal=(--lcores '0@0,1@1,2@0') ;;
*) setup_fail "--workers: 1 or 2, not $WORKERS" ;;
esac
eal+=(-n 1 --file-prefix "$PREFIX" --no-pci -m 512
      --vdev "net_af_packet0,iface=gwa,qpairs=$WORKERS"
      --vdev "net_af_packet1,iface=gwb,qpairs=$WORKERS")
if [ "$TWIN" = vxpath ]; then
	scene_stage_plugin "$PLUGIN"
	eal+=(-d "$STAGED")
	app=(--twin-driver net_vxpath)
else
	app=(--twin-driver virtio_user)
fi
say "starting the gateway ($TWIN twins)"
stdbuf -oL -eL "$GATEWAY" "${eal[@]}" -- --tap-name 0=dp0 --tap-name 1=dp1 \
	--twin-queue-size 256 "${app[@]}" >"$LOG" 2>&1 &
GW_PID=$!
n=600
while ! grep -q '^gateway: ready' "$LOG"; do
	kill -0 $GW_PID 2>/dev/null || { tail -n 20 "$LOG"; setup_fail "the gateway exited"; }
	n=$((n - 1))
	[ $n -gt 0 ] || { tail -n 20 "$LOG"; setup_fail "the gateway is not ready after 60 s"; }
	nap 0.1
done
say "$(grep '^gateway: ready' "$LOG")"
SOCK=/var/run/dpdk/$PREFIX/dpdk_telemetry.v2
tel() { python3 "$HERE/gw_tel.py" "$SOCK" "$@"; }

ip addr add 10.1.0.1/24 dev dp0 || setup_fail "10.1.0.1 on dp0"
ip -6 addr add fd01::1/64 dev dp0 nodad || setup_fail "fd01::1 on dp0"
ip addr add 10.2.0.1/24 dev dp1 || setup_fail "10.2.0.1 on dp1"
ip -6 addr add fd02::1/64 dev dp1 nodad || setup_fail "fd02::1 on dp1"
# The connected routes reach the fast path.
n=100
until [ "$(tel get /vxpath_gw/fib | grep -cx 'routes[46]=[2-9]')" = 2 ]; do
	n=$((n - 1))
	[ $n -gt 0 ] || { tel get /vxpath_gw/fib; setup_fail "connected routes not mirrored"; }
	nap 0.1
done
tel get /vxpath_gw/fib | sed 's/^/fib_start_/' >>"$RES"

# --- counters -----------------------------------------------------------------

declare -A C=()
# snap TAG: the gateway's counters of both ports (TAG_P_key) and the
# kernel's counters of the twins and of A's and B's interfaces.
snap() {
	local line
	while IFS= read -r line; do
		C[$1_${line%%=*}]=${line#*=}
	done <<<"$(tel stats 2)"
	C[$1_dp0_rx]=$(cat /sys/class/net/dp0/statistics/rx_packets)
	C[$1_dp1_rx]=$(cat /sys/class/net/dp1/statistics/rx_packets)
	C[$1_a_tx]=$(A cat /sys/class/net/a0/statistics/tx_packets)
	C[$1_b_tx]=$(B cat /sys/class/net/b0/statistics/tx_packets)
}
# d KEY FROM TO: the growth of counter KEY between two snaps
d() { echo $((${C[$3_$1]:-0} - ${C[$2_$1]:-0})); }
ping_recv() { sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$1"; }
ping_dups() { grep -c 'DUP!' <<<"$1"; }

# --- checks -------------------------------------------------------------------

# Warm-up: the kernel resolves the hosts (ARP, ND) for the fast path.
A ping -c 3 -W 5 10.2.0.2 >/dev/null 2>&1
A ping -6 -c 3 -W 5 fd02::2 >/dev/null 2>&1

snap p0
out=$(A ping -c 20 -i 0.2 -W 3 10.2.0.2 2>&1)
snap p1
res ping4_received "$(ping_recv "$out")" 20
res ping4_dups "$(ping_dups "$out")" 0
res ping4_fwd_port0 "$(d 0_forwarded p0 p1)"
res ping4_fwd_port1 "$(d 1_forwarded p0 p1)"
check ping4_fast_path eval "[ $(d 0_forwarded p0 p1) -ge 20 ] &&
	[ $(d 1_forwarded p0 p1) -ge 20 ]"

say "tcp: $BYTES bytes from A to B"
snap t0
# With two forwarding lcores, four connections (their own source ports,
# so that the NIC ports' RSS spreads them) of a quarter each.
FLOWS=1
[ "$WORKERS" = 1 ] || FLOWS=4
B python3 "$HERE/tcp_xfer.py" server --bind 10.2.0.2 --port 5001 \
	--bytes $((BYTES / FLOWS)) --flows $FLOWS --dirs up --out "$WORK/srv.txt" &
srv=$!
nap 1
A python3 "$HERE/tcp_xfer.py" client --connect 10.2.0.2 --port 5001 \
	--bytes $((BYTES / FLOWS)) --flows $FLOWS --dir up --out "$WORK/cli.txt" \
	--timeout 60
reap 30 $srv
snap t1
# Each flow's SHA-256 on both ends (keys up_sent_sha256, or
# up.PORT_sent_sha256 per flow with --flows).
sent=$(sed -n 's/^up[.0-9]*_sent_sha256=//p' "$WORK/cli.txt" 2>/dev/null | sort | tr '\n' ' ')
recv=$(sed -n 's/^up[.0-9]*_recv_sha256=//p' "$WORK/srv.txt" 2>/dev/null | sort | tr '\n' ' ')
res tcp_flows $FLOWS
res tcp_sha256_sent "${sent:-none}"
res tcp_sha256_recv "${recv:-none}"
check tcp_sha256_equal eval '[ -n "$sent" ] && [ "$sent" = "$recv" ] &&
	[ "$(wc -w <<<"$sent")" = $FLOWS ]'
if [ "$WORKERS" = 2 ]; then
	# Both lcores carried part of the transfer.
	while IFS= read -r line; do
		res worker_${line%%=*} "${line#*=}"
	done <<<"$(tel get /vxpath_gw/workers)"
	for w in 0 1; do
		f=$(sed -n "s/^worker_$w=.* forwarded=\([0-9]*\).*/\1/p" "$RES")
		check tcp_worker${w}_forwarded [ "${f:-0}" -gt 100 ]
	done
fi
transit=$(( $(d a_tx t0 t1) + $(d b_tx t0 t1) ))
fwd=$(( $(d 0_forwarded t0 t1) + $(d 1_forwarded t0 t1) ))
kern=$(( $(d dp0_rx t0 t1) + $(d dp1_rx t0 t1) ))
res tcp_transit_packets $transit
res tcp_forwarded $fwd
res tcp_twins_kernel_rx $kern
check tcp_transit_many [ $transit -gt 5000 ]
check tcp_fwd_99pct [ $((fwd * 100)) -ge $((transit * 99)) ]
check tcp_kernel_below_1pct [ $((kern * 100)) -lt $transit ]

snap l0
out=$(A ping -c 5 -i 0.2 -W 3 10.1.0.1 2>&1)
snap l1
res local_received "$(ping_recv "$out")" 5
res local_punt_local "$(d 0_punt_local l0 l1)"
res local_from_kernel "$(d 0_from_kernel l0 l1)"
check local_through_twin eval "[ $(d 0_punt_local l0 l1) -ge 5 ] &&
	[ $(d 0_from_kernel l0 l1) -ge 5 ]"

# a_csum_errors: what A's kernel dropped for a bad checksum: IPv4 headers
# (Ip InHdrErrors) and TCP segments (Tcp InCsumErrors, both IP versions).
a_csum_errors() {
	A awk 'function col(name) { for (i = 1; i <= NF; i++)
			if ($i == name) return i }
		/^Ip:/ { if (!ip) ip = col("InHdrErrors"); else n += $ip }
		/^Tcp:/ { if (!tcp) tcp = col("InCsumErrors"); else n += $tcp }
		END { print n + 0 }' /proc/net/snmp
}

# ktcp KEY ADDR PORT: --bytes from the gateway's kernel at ADDR to A.
ktcp() {
	local k=$1 addr=$2 port=$3 sent recv e0 e1
	say "$k: $BYTES bytes from the gateway's kernel ($addr) to A"
	e0=$(a_csum_errors)
	snap k0
	python3 "$HERE/tcp_xfer.py" server --bind "$addr" --port "$port" \
		--bytes $BYTES --dirs down --out "$WORK/$k-srv.txt" &
	local srv=$!
	nap 1
	A python3 "$HERE/tcp_xfer.py" client --connect "$addr" --port "$port" \
		--bytes $BYTES --dir down --out "$WORK/$k-cli.txt" --timeout 60
	reap 30 $srv
	snap k1
	e1=$(a_csum_errors)
	res ${k}_a_csum_errors $((${e1:-0} - ${e0:-0})) 0
	sent=$(sed -n 's/^down_sent_sha256=//p' "$WORK/$k-srv.txt" 2>/dev/null)
	recv=$(sed -n 's/^down_recv_sha256=//p' "$WORK/$k-cli.txt" 2>/dev/null)
	res ${k}_sha256_sent "${sent:-none}"
	res ${k}_sha256_recv "${recv:-none}"
	check ${k}_sha256_equal eval "[ -n '$sent' ] && [ '$sent' = '$recv' ]"
	res ${k}_from_kernel "$(d 0_from_kernel k0 k1)"
	res ${k}_gso_frames "$(d 0_kernel_gso_frames k0 k1)"
	res ${k}_gso_segments "$(d 0_kernel_gso_segments k0 k1)"
	res ${k}_drop_oversize "$(d 0_drop_oversize k0 k1)" 0
	check ${k}_cut [ "$(d 0_kernel_gso_frames k0 k1)" -gt 0 ]
}
ktcp ktcp 10.1.0.1 5002
ktcp ktcp6 fd01::1 5003

snap x0
out=$(A ping -c 1 -t 1 -W 3 10.2.0.2 2>&1)
snap x1
check ttl_exceeded grep -q 'From 10.1.0.1.*Time to live exceeded' <<<"$out"
res ttl_punt "$(d 0_punt_ttl x0 x1)"
check ttl_punted [ "$(d 0_punt_ttl x0 x1)" -ge 1 ]

snap s0
out=$(A ping -6 -c 20 -i 0.2 -W 3 fd02::2 2>&1)
snap s1
res ping6_received "$(ping_recv "$out")" 20
res ping6_dups "$(ping_dups "$out")" 0
check ping6_fast_path eval "[ $(d 0_forwarded s0 s1) -ge 20 ] &&
	[ $(d 1_forwarded s0 s1) -ge 20 ]"
check ping6_nd_by_kernel ip -6 neigh show dev dp1 to fd02::2 | grep -q lladdr

while IFS= read -r line; do
	res route_add_${line%%=*} "${line#*=}"
done <<<"$(tel route-delay routes4 -- ip route add 10.9.9.0/24 via 10.2.0.2)"
snap r0
out=$(A ping -c 5 -i 0.2 -W 3 10.9.9.9 2>&1)
snap r1
res route_ping_received "$(ping_recv "$out")" 5
check route_fast_path [ "$(d 0_forwarded r0 r1)" -ge 5 ]
while IFS= read -r line; do
	res route_del_${line%%=*} "${line#*=}"
done <<<"$(tel route-delay routes4 -- ip route del 10.9.9.0/24)"
snap r2
out=$(A ping -c 2 -i 0.5 -W 2 10.9.9.9 2>&1)
snap r3
res route_gone_received "$(ping_recv "$out")" 0
check route_gone_unreachable grep -q 'Unreachable' <<<"$out"
res route_gone_punt_no_route "$(d 0_punt_no_route r2 r3)"
for k in route_add_delay_ms route_del_delay_ms; do
	v=$(sed -n "s/^$k=//p" "$RES")
	check ${k}_under_100 awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9.]+$/ && v < 100) }'
done

# Two routes of one prefix: the kernel uses the lower metric, and so must
# the fast path; the fallback takes over when the first goes. Each change
# is waited for in telemetry's kernel_routes (every route the gateway
# keeps, whatever its metric).
mroute() {
	local line
	while IFS= read -r line; do
		res metric_$1_${line%%=*} "${line#*=}"
	done <<<"$(tel route-delay kernel_routes -- ip route "${@:2}")"
}
mroute add_via add 10.9.9.0/24 via 10.2.0.2 metric 100
mroute add_unreach add unreachable 10.9.9.0/24 metric 200
snap m0
out=$(A ping -c 5 -i 0.2 -W 3 10.9.9.9 2>&1)
snap m1
res metric_ping_received "$(ping_recv "$out")" 5
check metric_fast_path [ "$(d 0_forwarded m0 m1)" -ge 5 ]
res metric_punt_kernel_route "$(d 0_punt_kernel_route m0 m1)" 0
mroute del_via del 10.9.9.0/24 via 10.2.0.2 metric 100
snap m2
out=$(A ping -c 2 -i 0.5 -W 2 10.9.9.9 2>&1)
snap m3
res metric_fallback_received "$(ping_recv "$out")" 0
check metric_fallback_unreachable grep -q 'Unreachable' <<<"$out"
# (ping may stop after the first "Unreachable": one punt at least)
res metric_fallback_punt_kernel_route "$(d 0_punt_kernel_route m2 m3)"
check metric_fallback_punted [ "$(d 0_punt_kernel_route m2 m3)" -ge 1 ]
mroute del_unreach del unreachable 10.9.9.0/24 metric 200
# Each `ip route` succeeded and the gateway saw it.
applied() {
	[ "$(sed -n "s/^metric_$1_cmd_exit=//p" "$RES")" = 0 ] &&
		[ "$(sed -n "s/^metric_$1_delay_ms=//p" "$RES")" != timeout ]
}
for k in add_via add_unreach del_via del_unreach; do
	check metric_${k}_applied applied $k
done

# --- a routing daemon on each side ------------------------------------------

# bird (Debian's bird2) in B's namespace and on the gateway's kernel (the
# root namespace), OSPFv2 over the point-to-point link 10.2.0.0/24: every
# OSPF packet between them crosses the exception path (multicast hellos
# to 224.0.0.5 with TTL 1, the gateway's own through dp1). B announces
# 10.8.8.0/24 (10.8.8.8 on its lo) as an external route; the gateway's
# bird installs what it learns in the kernel's main table, which the
# fast path mirrors. Each bird has its own configuration, control socket,
# pid file and log: nothing under /etc/bird or /run/bird is used.
# The gateway's kernel protocol exports only OSPF's external routes: the
# link's own prefix, which OSPF also knows, stays the kernel's connected
# route (the mirror keeps one route per prefix, whatever its metric).
bird_conf() { # NAME ROUTER_ID IFACE: the common part
	cat <<-CONF
	log "$OUT/gateway-$TAG-bird-$1.log" all;
	router id $2;
	protocol device { }
	CONF
}
bird_ospf() { # IFACE IMPORT EXPORT
	cat <<-CONF
	protocol ospf v2 ospf_link {
		ipv4 { import $2; export $3; };
		area 0 {
			interface "$1" {
				type ptp; hello 1; dead 5; retransmit 2;
			};
		};
	}
	CONF
}
# birdc_q SOCK CMD...: one command to one bird (birdc exits at once)
birdc_q() { local s=$1; shift; birdc -s "$s" "$@" 2>&1; }
# bird_stop SOCK PID: "down", then wait up to 10 s, then SIGKILL
bird_stop() {
	local n=100
	kill -0 "$2" 2>/dev/null || return 0
	birdc_q "$1" down >/dev/null
	while kill -0 "$2" 2>/dev/null && [ $n -gt 0 ]; do
		nap 0.1
		n=$((n - 1))
	done
	if kill -0 "$2" 2>/dev/null; then
		kill -KILL "$2" 2>/dev/null
		wait "$2" 2>/dev/null
		return 1
	fi
	wait "$2" 2>/dev/null
	return 0
}

if ! command -v bird >/dev/null || ! command -v birdc >/dev/null; then
	say "daemon: no bird (devtools/setup.sh installs bird2)"
	res daemon skipped ran
else
	res daemon ran
	BIRD_B_SOCK=$WORK/bird-b.ctl
	BIRD_GW_SOCK=$WORK/bird-gw.ctl
	B ip addr add 10.8.8.8/32 dev lo || setup_fail "10.8.8.8 on B"
	{
		bird_conf b 10.2.0.2
		echo 'protocol static announced { ipv4; route 10.8.8.0/24 blackhole; }'
		bird_ospf b0 none 'where source = RTS_STATIC'
	} >"$WORK/bird-b.conf"
	{
		bird_conf gw 10.2.0.1
		echo 'protocol kernel { ipv4 { import none; export where source = RTS_OSPF_EXT2; }; }'
		bird_ospf dp1 all none
	} >"$WORK/bird-gw.conf"
	base4=$(tel get /vxpath_gw/fib | sed -n 's/^routes4=//p')
	res daemon_routes4_before "${base4:-none}"
	snap o0
	say "daemon: bird in gwB and on the gateway's kernel, OSPF on 10.2.0.0/24"
	B bird -f -c "$WORK/bird-b.conf" -s "$BIRD_B_SOCK" \
		-P "$WORK/bird-b.pid" >>"$OUT/gateway-$TAG-bird-b.log" 2>&1 &
	BIRD_B_PID=$!
	bird -f -c "$WORK/bird-gw.conf" -s "$BIRD_GW_SOCK" \
		-P "$WORK/bird-gw.pid" >>"$OUT/gateway-$TAG-bird-gw.log" 2>&1 &
	BIRD_GW_PID=$!
	# The adjacency: Full on both sides, within 60 s.
	t0=$SECONDS
	full=no
	while [ $((SECONDS - t0)) -lt 60 ]; do
		if grep -q Full <<<"$(birdc_q "$BIRD_GW_SOCK" show ospf neighbors)" &&
		   grep -q Full <<<"$(birdc_q "$BIRD_B_SOCK" show ospf neighbors)"; then
			full=yes
			break
		fi
		if ! kill -0 $BIRD_B_PID 2>/dev/null ||
		   ! kill -0 $BIRD_GW_PID 2>/dev/null; then
			say "daemon: a bird exited"
			break
		fi
		nap 1
	done
	res daemon_adjacency_full $full yes
	res daemon_adjacency_s $((SECONDS - t0))
	say "daemon: adjacency full=$full after $((SECONDS - t0)) s"
	birdc_q "$BIRD_GW_SOCK" show ospf neighbors | sed 's/^/bird-gw: /'
	snap o1
	# The daemons' packets went through the exception path: B's to the
	# gateway's kernel (punted on port 1), the kernel's out of dp1.
	for k in punt_multicast punt_local punt_ttl from_kernel; do
		res daemon_port1_$k "$(d 1_$k o0 o1)"
	done
	check daemon_punted eval "[ $(( $(d 1_punt_multicast o0 o1) +
		$(d 1_punt_local o0 o1) + $(d 1_punt_ttl o0 o1) )) -ge 2 ] &&
		[ $(d 1_from_kernel o0 o1) -ge 2 ]"
	# The learnt route in the kernel (up to 30 s more), then in the fast
	# path (up to 10 s).
	n=30
	until route=$(ip route show 10.8.8.0/24) &&
		grep -q 'via 10.2.0.2 dev dp1 proto bird' <<<"$route"; do
		n=$((n - 1))
		[ $n -gt 0 ] || break
		nap 1
	done
	echo "daemon_kernel_route=$route" >>"$RES"
	check daemon_kernel_route_bird grep -q 'via 10.2.0.2 dev dp1 proto bird' <<<"$route"
	n=10
	while now4=$(tel get /vxpath_gw/fib | sed -n 's/^routes4=//p'); do
		[ "${now4:-0}" -gt "${base4:-0}" ] 2>/dev/null && break
		n=$((n - 1))
		[ $n -gt 0 ] || break
		nap 1
	done
	res daemon_routes4_after "${now4:-none}"
	check daemon_fib_grew eval '[ "${now4:-0}" -gt "${base4:-0}" ] 2>/dev/null'
	# A's traffic to the address behind B: on the fast path.
	snap o2
	out=$(A ping -c 5 -i 0.2 -W 3 10.8.8.8 2>&1)
	snap o3
	res daemon_ping_received "$(ping_recv "$out")" 5
	res daemon_ping_fwd_port0 "$(d 0_forwarded o2 o3)"
	check daemon_fast_path [ "$(d 0_forwarded o2 o3)" -ge 5 ]
	# Both daemons stop; the gateway's withdraws its route on the way.
	bird_stop "$BIRD_GW_SOCK" $BIRD_GW_PID
	res daemon_gw_stopped $? 0
	bird_stop "$BIRD_B_SOCK" $BIRD_B_PID
	res daemon_b_stopped $? 0
	BIRD_GW_PID=
	BIRD_B_PID=
	check daemon_route_withdrawn eval '[ -z "$(ip route show 10.8.8.0/24)" ]'
	n=10
	while now4=$(tel get /vxpath_gw/fib | sed -n 's/^routes4=//p'); do
		[ "${now4:-x}" = "${base4:-y}" ] && break
		n=$((n - 1))
		[ $n -gt 0 ] || break
		nap 1
	done
	res daemon_routes4_end "${now4:-none}"
	check daemon_fib_withdrawn [ "${now4:-x}" = "${base4:-y}" ]
fi

say "quit"
kill -INT $GW_PID
n=300
while kill -0 $GW_PID 2>/dev/null && [ $n -gt 0 ]; do nap 0.1; n=$((n - 1)); done
if kill -0 $GW_PID 2>/dev/null; then
	res quit_exit killed 0
else
	wait $GW_PID
	res quit_exit $? 0
fi
GW_PID=
line=$(grep -E '^gateway: [0-9]+ transit packets on the fast path, [0-9]+ packets to the kernel, [0-9]+ from the kernel$' "$LOG")
check quit_summary [ -n "$line" ]
echo "summary=$line" >>"$RES"
say "$line"
check quit_taps_gone eval '[ ! -e /sys/class/net/dp0 ] && [ ! -e /sys/class/net/dp1 ]'

# What went where, from the gateway's own summary at exit.
say "what went where (the gateway's counters, per port and reason):"
grep '^gateway: ' "$LOG" | grep -v '^gateway: ready' | sed 's/^/    /'
res verdict $verdict
say "verdict: $verdict"
[ $verdict = pass ]
