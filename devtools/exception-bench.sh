#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The exception path measured (issue 18): the same scene for each way a
# DPDK application has into the kernel, one after the other in one run,
# alternating over --rounds rounds:
#
#   netns vxbns                root namespace
#   vxbveth1 10.55.0.2 --- vxbveth0 <-> dpdk-testpmd (io forwarding)
#                                   port 0 net_af_packet on vxbveth0
#                                   port 1 the driver under test
#                                   <-> TAP vxbtap 10.55.0.1 (kernel)
#
# Drivers: vxpath (its defaults, over vhost-net), upstream (DPDK's own
# net_virtio_user over vhost-net) and tap (DPDK's net_tap PMD: read and
# write syscalls on a TAP fd). Phases, each between the namespace and a
# socket of the kernel on the TAP's address:
#   tcp_up    --bytes over TCP from the namespace to the kernel
#             (test/vm/tcp_xfer.py, SHA-256 checked on both ends)
#   tcp_down  the same from the kernel to the namespace
#   udp       --udp-seconds of 18-byte UDP datagrams (64-byte frames)
#             from the namespace (test/vm/udp_flood.py), counted by a
#             kernel socket
# Figures per driver (medians over the rounds):
#   tcp_up_mbps, tcp_down_mbps  throughput; under TCG only the ratios
#             between drivers mean anything (the table gives each as a
#             ratio to the best)
#   frames_per_mb  frames the TAP carried (its rx + tx packet counters)
#             per MB moved in the two TCP phases
#   sysc_per_1000  read and write syscalls of the whole testpmd process
#             (/proc/PID/io syscr + syscw) per 1000 packets through port 1
#             (testpmd's RX + TX of the driver's port), TCP phases; for
#             vhost-net drivers these are the kicks, for net_tap one read
#             or write per packet
#   udp_kpps  datagrams the kernel received per second; udp_drop_pct the
#             share of the sent ones it did not receive
# Runs inside the test VM as root (or on a host with /dev/vhost-net):
#   test/vm/run-in-vm.sh --out DIR devtools/exception-bench.sh --plugin P
# Not a test: it prints a table and writes key=value lines to
# DIR/exception-bench.txt; it fails only when a transfer's SHA-256
# differs or the scene cannot be set up.
#
# Usage: devtools/exception-bench.sh --plugin FILE [--out DIR]
#                                   [--rounds N] [--bytes N]
#                                   [--udp-seconds S] [--drivers LIST]
#   --plugin       librte_net_vxpath.so (staged under /run/vxpath)
#   --out          results directory (default VXPATH_OUT_DIR, else .)
#   --rounds       rounds over the drivers (default 1)
#   --bytes        bytes per TCP phase (default 16777216)
#   --udp-seconds  seconds of UDP flood (default 5)
#   --drivers      comma-separated subset of vxpath,upstream,tap, and
#                  vxpath-kthread, vxpath-task: vxpath with vhost_worker=
#                  kthread or task (a kernel that can choose: the test
#                  VM's --kernel forky), the vhost worker's kinds compared;
#                  vxpath-coalesce: vxpath with tx_coalesce=1
# Exit status: 0 done, 1 a transfer was corrupted, 2 set-up failed.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
VM=$REPO/test/vm

PLUGIN=
OUT=${VXPATH_OUT_DIR:-.}
ROUNDS=1
BYTES=16777216
UDP_SECONDS=5
DRIVERS=vxpath,upstream,tap
NS=vxbns
VETH_HOST=vxbveth0
VETH_NS=vxbveth1
TAP=vxbtap
TAP_IP=10.55.0.1
NS_IP=10.55.0.2
PREFIX=vxbench$$

while [ $# -gt 0 ]; do
	case $1 in
	--plugin) PLUGIN=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--rounds) ROUNDS=$2; shift 2 ;;
	--bytes) BYTES=$2; shift 2 ;;
	--udp-seconds) UDP_SECONDS=$2; shift 2 ;;
	--drivers) DRIVERS=$2; shift 2 ;;
	-h|--help) sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "exception-bench: unknown argument $1" >&2; exit 2 ;;
	esac
done

say() { echo "exception-bench: [${SECONDS}s] $*"; }
setup_fail() { say "set-up failed: $*"; exit 2; }

[ "$(id -u)" = 0 ] || setup_fail "must run as root"
[ -c /dev/vhost-net ] || setup_fail "no /dev/vhost-net (run it in the test VM: test/vm/run-in-vm.sh)"
for t in dpdk-testpmd ip ethtool stdbuf; do
	command -v $t >/dev/null || setup_fail "missing tool: $t"
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || setup_fail "--rounds: a number >= 1, not '$ROUNDS'"
mkdir -p "$OUT" || exit 2
RES=$OUT/exception-bench.txt
: >"$RES"
WORK=$(mktemp -d /tmp/exception-bench.XXXXXX) || setup_fail "mktemp"
. "$VM/scene-lib.sh"
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	scene_cleanup
	rm -rf "$WORK" /var/run/dpdk/$PREFIX
	rm -f /dev/hugepages/${PREFIX}map_* 2>/dev/null
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [[ ,$DRIVERS, == *,vxpath[,-]* ]]; then
	[ -n "$PLUGIN" ] || setup_fail "--plugin needed for the vxpath driver"
	scene_stage_plugin "$PLUGIN"
fi
scene_netns $NS $VETH_HOST $VETH_NS $NS_IP/24
# af_packet takes the veth's frames as they are: at most the MTU, with
# complete checksums, as a NIC's wire would carry them.
ip netns exec $NS ethtool -K $VETH_NS tx off tso off gso off gro off \
	>/dev/null 2>&1 || setup_fail "ethtool -K $VETH_NS"
ethtool -K $VETH_HOST gro off >/dev/null 2>&1

# Every driver's TAP gets the same MAC, so that the namespace's neighbour
# entry for the TAP's address stays right from one driver to the next.
TAP_MAC=02:00:00:55:00:01
vdev_of() {
	case $1 in
	vxpath) echo "net_vxpath0,path=/dev/vhost-net,iface=$TAP,mac=$TAP_MAC" ;;
	vxpath-kthread|vxpath-task)
		echo "net_vxpath0,path=/dev/vhost-net,iface=$TAP,mac=$TAP_MAC,vhost_worker=${1#vxpath-}" ;;
	vxpath-coalesce)
		echo "net_vxpath0,path=/dev/vhost-net,iface=$TAP,mac=$TAP_MAC,tx_coalesce=1" ;;
	upstream) echo "virtio_user0,path=/dev/vhost-net,iface=$TAP,mac=$TAP_MAC" ;;
	tap) echo "net_tap0,iface=$TAP,mac=$TAP_MAC" ;;
	esac
}

# io_sysc PID: syscr + syscw of a process (REPLY).
io_sysc() {
	local key val n=0
	while read -r key val; do
		case $key in syscr:|syscw:) n=$((n + val)) ;; esac
	done </proc/$1/io
	REPLY=$n
}
tap_frames() {
	echo $(( $(cat /sys/class/net/$TAP/statistics/rx_packets) +
		 $(cat /sys/class/net/$TAP/statistics/tx_packets) ))
}
# port1_pkts: testpmd's RX + TX packets of port 1.
port1_pkts() {
	local rx tx
	tp_cmd 20 "show port stats 1"
	rx=$(sed -n 's/.*RX-packets: *\([0-9]*\).*/\1/p' <<<"$TP_OUT" | head -n 1)
	tx=$(sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p' <<<"$TP_OUT" | head -n 1)
	echo $(( ${rx:-0} + ${tx:-0} ))
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

corrupt=0
# tcp DIR: one TCP phase; TCP_MBPS, TCP_OK
tcp() {
	local dir=$1 t0 t1 srv sent recv
	rm -f "$WORK/srv.txt" "$WORK/cli.txt"
	/usr/bin/python3 "$VM/tcp_xfer.py" server --bind $TAP_IP --port 5001 \
		--bytes "$BYTES" --dirs "$dir" --out "$WORK/srv.txt" &
	srv=$!
	nap 1
	t0=$(now_ms)
	ip netns exec $NS /usr/bin/python3 "$VM/tcp_xfer.py" client \
		--connect $TAP_IP --port 5001 --bytes "$BYTES" --dir "$dir" \
		--out "$WORK/cli.txt" --timeout 60
	t1=$(now_ms)
	reap 30 $srv
	if [ "$dir" = up ]; then
		sent=$(sed -n 's/^up_sent_sha256=//p' "$WORK/cli.txt" 2>/dev/null)
		recv=$(sed -n 's/^up_recv_sha256=//p' "$WORK/srv.txt" 2>/dev/null)
	else
		sent=$(sed -n 's/^down_sent_sha256=//p' "$WORK/srv.txt" 2>/dev/null)
		recv=$(sed -n 's/^down_recv_sha256=//p' "$WORK/cli.txt" 2>/dev/null)
	fi
	TCP_OK=no
	[ -n "$sent" ] && [ "$sent" = "$recv" ] && TCP_OK=yes
	[ $TCP_OK = yes ] || corrupt=1
	TCP_MBPS=$(awk -v b="$BYTES" -v ms=$((t1 - t0)) \
		'BEGIN { printf "%.2f", (ms > 0 ? b * 8 / ms / 1000 : 0) }')
}

# run_driver DRIVER ROUND: the three phases with one testpmd.
run_driver() {
	local d=$1 r=$2 eal=() f0 f1 s0 s1 p0 p1 mb out sent recvd secs
	eal=(-l 0,1 -n 1 --file-prefix $PREFIX --no-pci -m 512
	     --vdev "net_af_packet0,iface=$VETH_HOST" --vdev "$(vdev_of "$d")")
	[[ $d == vxpath* ]] && eal+=(-d "$STAGED")
	tp_start "$OUT/exception-bench.$d.$r.log" stdbuf -oL -eL dpdk-testpmd \
		"${eal[@]}" -- -i --forward-mode=io --total-num-mbufs=8192
	tp_prompt 60 || setup_fail "$d: testpmd did not start (log $OUT/exception-bench.$d.$r.log)"
	ip link set $TAP up && ip addr add $TAP_IP/24 dev $TAP ||
		setup_fail "$d: cannot address $TAP"
	tp_cmd 20 "start"
	ip netns exec $NS ip neigh flush dev $VETH_NS
	ip netns exec $NS ping -c 2 -W 5 $TAP_IP >/dev/null 2>&1

	f0=$(tap_frames); io_sysc $TP_PID; s0=$REPLY; p0=$(port1_pkts)
	tcp up;   echo "${d}_r${r}_tcp_up_mbps=$TCP_MBPS" >>"$RES"
	echo "${d}_r${r}_tcp_up_sha256_ok=$TCP_OK" >>"$RES"
	tcp down; echo "${d}_r${r}_tcp_down_mbps=$TCP_MBPS" >>"$RES"
	echo "${d}_r${r}_tcp_down_sha256_ok=$TCP_OK" >>"$RES"
	f1=$(tap_frames); io_sysc $TP_PID; s1=$REPLY; p1=$(port1_pkts)
	mb=$(awk -v b="$BYTES" 'BEGIN { printf "%.3f", 2 * b / 1e6 }')
	echo "${d}_r${r}_frames_per_mb=$(awk -v f=$((f1 - f0)) -v mb=$mb 'BEGIN { printf "%.1f", f / mb }')" >>"$RES"
	echo "${d}_r${r}_sysc_per_1000=$(awk -v s=$((s1 - s0)) -v p=$((p1 - p0)) 'BEGIN { printf "%.1f", (p > 0 ? s * 1000 / p : 0) }')" >>"$RES"

	/usr/bin/python3 "$VM/udp_flood.py" recv --bind $TAP_IP --port 5005 \
		--out "$WORK/udp.txt" &
	local rcv=$!
	nap 1
	out=$(ip netns exec $NS /usr/bin/python3 "$VM/udp_flood.py" send \
		--to $TAP_IP --port 5005 --seconds "$UDP_SECONDS")
	reap 20 $rcv
	sent=$(sed -n 's/^sent=//p' <<<"$out")
	secs=$(sed -n 's/^seconds=//p' <<<"$out")
	recvd=$(sed -n 's/^received=//p' "$WORK/udp.txt" 2>/dev/null)
	echo "${d}_r${r}_udp_kpps=$(awk -v n=${recvd:-0} -v s=${secs:-1} 'BEGIN { printf "%.1f", n / s / 1000 }')" >>"$RES"
	echo "${d}_r${r}_udp_drop_pct=$(awk -v n=${recvd:-0} -v s=${sent:-0} 'BEGIN { printf "%.1f", (s > 0 ? (s - n) * 100 / s : 0) }')" >>"$RES"
	tp_quit 20
	say "$d round $r: $(grep "^${d}_r${r}_" "$RES" | sed "s/^${d}_r${r}_//" | tr '\n' ' ')"
}

IFS=, read -r -a drivers <<<"$DRIVERS"
for ((r = 1; r <= ROUNDS; r++)); do
	for d in "${drivers[@]}"; do
		case $d in vxpath|vxpath-kthread|vxpath-task|vxpath-coalesce|upstream|tap) ;;
		*) setup_fail "--drivers: unknown '$d'" ;; esac
		run_driver "$d" $r
	done
done

# The table: medians over the rounds, throughput also as a ratio to the
# best driver of the run.
/usr/bin/python3 - "$RES" "$DRIVERS" <<'EOF'
import statistics, sys
res = {}
for line in open(sys.argv[1]):
    k, _, v = line.strip().partition("=")
    res[k] = v
drivers = sys.argv[2].split(",")
keys = ["tcp_up_mbps", "tcp_down_mbps", "frames_per_mb", "sysc_per_1000",
        "udp_kpps", "udp_drop_pct"]
med = {}
for d in drivers:
    for k in keys:
        vals = [float(v) for kk, v in res.items()
                if kk.startswith(d + "_r") and kk.endswith("_" + k)]
        med[d, k] = statistics.median(vals) if vals else float("nan")
best = {k: max(med[d, k] for d in drivers) for k in
        ("tcp_up_mbps", "tcp_down_mbps", "udp_kpps")}
print("%-9s %14s %14s %13s %14s %12s %9s" % (
    "driver", "TCP up (ratio)", "TCP down", "frames/MB", "syscalls/1000",
    "UDP kpps", "UDP drop"))
for d in drivers:
    def r(k):
        return "%.2f" % (med[d, k] / best[k]) if best[k] else "-"
    print("%-9s %8.1f (%s) %8.1f (%s) %13.1f %14.1f %6.1f (%s) %8.1f%%" % (
        d, med[d, "tcp_up_mbps"], r("tcp_up_mbps"), med[d, "tcp_down_mbps"],
        r("tcp_down_mbps"), med[d, "frames_per_mb"], med[d, "sysc_per_1000"],
        med[d, "udp_kpps"], r("udp_kpps"), med[d, "udp_drop_pct"]))
EOF
[ $corrupt = 0 ] || { say "a TCP transfer arrived corrupted (see *_sha256_ok)"; exit 1; }
