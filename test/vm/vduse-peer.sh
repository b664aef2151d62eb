#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# A vhost-vdpa peer for vxpath's vhost-vdpa back-end (issue 19), inside the
# test VM booted with Debian 13's kernel (run-in-vm.sh --kernel trixie:
# vdpa, vduse and vhost_vdpa loaded, virtio_vdpa not). The device is served
# from user space by DPDK 24.11's vhost library (Debian 13's dpdk-testpmd
# with net_vhost and an iface under /dev/vduse/, which makes it a VDUSE
# device instead of a vhost-user socket); `vdpa dev add ... mgmtdev vduse`
# puts it on the vDPA bus, where vhost_vdpa takes it and makes
# /dev/vhost-vdpa-N, the node a virtio-user front-end opens.
#
# Where DPDK 24.11 comes from: when this script runs chrooted in the trixie
# root already (run-in-vm.sh --root), from there; when it runs in the
# host's root (Debian 12, DPDK 22.11), from the trixie root given with
# --trixie-root, which vduse_root_setup prepares (proc, sys, dev, a fresh
# /tmp and /run) and the back-end is chrooted into. /dev is the same on
# both sides, so a front-end outside the chroot (the host's DPDK 22.11, as
# vxpath is built against) opens the same /dev/vhost-vdpa-N.
#
# Sourced (VDUSE_PEER_LIB=1 before sourcing: nothing runs), it gives
# later guest scripts these functions; the caller defines say() and
# setup_fail() and sets WORK to a private scratch directory, as for
# scene-lib.sh (sourced here):
#   vduse_root_setup DIR       prepare the trixie root DIR for the back-end
#                              (nothing when DIR is empty: this root is
#                              the trixie one); VDUSE_PFX is the command
#                              prefix that runs a program there
#   vduse_root_teardown        undo vduse_root_setup's mounts
#   vduse_backend_start NAME QUEUES LOG [TESTPMD_ARGS...]
#                              dpdk-testpmd -i (24.11) serving the VDUSE
#                              net device /dev/vduse/NAME with QUEUES queue
#                              pairs, output to LOG; waits for the prompt
#                              and the node; pmd id "be"
#   vduse_backend_stop         quit it (the VDUSE device goes with it)
#   vduse_vdpa_add NAME        vdpa dev add name NAME mgmtdev vduse, bound
#                              to vhost_vdpa (driver_override and bind when
#                              another driver took it); VDPA_DEV is the
#                              /dev/vhost-vdpa-N node
#   vduse_vdpa_del NAME        vdpa dev del NAME
#   vduse_negotiated NAME      the features the driver negotiated, as the
#                              vdpa tool names them (VDPA_NEG)
#   pmd_start ID LOG CMD...    an interactive testpmd of its own id (several
#                              at once, unlike scene-lib's tp_start)
#   pmd_cmd ID SEC COMMAND     one command, waiting for the prompt after it
#   pmd_stats ID               show port stats 0: PS_RXP PS_TXP PS_RXB PS_TXB
#   pmd_quit ID SEC            quit; SIGTERM then SIGKILL; PMD_RC
#   traffic C FROM TO          3 s of FROM txonly into TO rxonly, counted
#                              on both sides (needs scene-lib's res)
#
# Run, --check-upstream proves the peer with DPDK's own virtio-user as the
# front-end (--vdev virtio_user0,path=/dev/vhost-vdpa-N): one case per
# word of --cases, each a fresh back-end and vDPA device, traffic one way
# (front-end txonly, back-end rxonly) then the other, 3 s each:
#   up1        DPDK 24.11's front-end, split rings, 1 queue pair
#   uppacked   the same with packed_vq=1: DPDK 24.11's VDUSE net device
#              does not offer VIRTIO_F_RING_PACKED, so split rings are
#              negotiated (C_packed=no is judged; C_fwd, C_rev are only
#              recorded: one run saw the front-end's Tx ring not ready at
#              DRIVER_OK, 256 packets sent, none received)
#   host1      the host's DPDK 22.11 front-end (outside the chroot), split
#              rings, EAL in --iova-mode=va (22.11's virtio-user puts
#              virtual addresses in the rings but maps the IOTLB by IOVA:
#              in PA mode the back-end cannot translate the rings)
#   hostpacked the same with packed_vq=1 (as uppacked)
#   mq2        two queue pairs: refused. DPDK asks VDUSE for
#              VIRTIO_NET_F_CTRL_VQ with more than one pair (MQ needs it)
#              and Linux refuses a VDUSE net device with a control queue
#              ("vduse: Temporarily fail if control queue feature
#              requested", Linux 6.10, still in 6.12 and in Debian 14's
#              7.2: run-in-vm.sh --kernel forky, 2026-12-07): the
#              back-end logs "Failed to create VDUSE device: Invalid
#              argument"
# (default: up1 uppacked mq2, and host1 hostpacked too when the back-end
# runs in a chroot). key=value lines go to vduse-peer.txt, per case C:
# C_vduse_node, C_vdpa_add, C_driver, C_vdpa_node, C_fe_probe,
# C_neg_features, C_packed, C_fe_tx, C_be_rx, C_fe_tx_bytes, C_be_rx_bytes
# (front-end to back-end), C_be_tx, C_fe_rx, ... (back-end to front-end),
# C_fe_quit, C_vdpa_del, C_be_quit; C_fwd and C_rev are yes when the
# counts agree (nonzero, the same on both sides); mq2: mq2_vduse_node (no)
# and mq2_einval (the refusal's line, 1).
#
# Usage: test/vm/vduse-peer.sh --check-upstream [--trixie-root DIR]
#                              [--cases "up1 host1 ..."] [--out DIR]
#   --trixie-root  the Debian 13 root with DPDK 24.11 (needed when this
#                  root is not it; VXPATH_TRIXIE_ROOT sets the same)
#   --out          results directory (default VXPATH_OUT_DIR, else .):
#                  vduse-peer.txt and vduse-peer.<case>.{be,fe}.log
# Exit status: 0 pass, 1 a check failed, 2 the scene could not be set up.

VDUSE_PFX=()
VDUSE_MOUNTS=()
VDPA_DEV=
VDPA_NEG=
PMD_RC=
PS_RXP='' PS_TXP='' PS_RXB='' PS_TXB=''
declare -A PMD_PID=() PMD_FD=() PMD_LOG=()

# vduse_root_setup DIR: the trixie root as run-in-vm.sh --root prepares
# it, for a chroot of the back-end only. Empty DIR: nothing to do.
vduse_root_setup() {
	local r=$1 m
	VDUSE_PFX=()
	[ -n "$r" ] || return 0
	[ -x "$r/usr/bin/dpdk-testpmd" ] || setup_fail "$r: no usr/bin/dpdk-testpmd"
	VDUSE_PFX=(chroot "$r")
	mountpoint -q "$r/proc" && return 0
	for m in "--bind $r $r" "-t proc proc $r/proc" "-t sysfs sysfs $r/sys" \
		 "--rbind /dev $r/dev" "-t tmpfs -o mode=1777 tmpfs $r/tmp" \
		 "-t tmpfs -o mode=0755 tmpfs $r/run"; do
		# shellcheck disable=SC2086
		mount $m || setup_fail "mount $m"
		VDUSE_MOUNTS=("${m##* }" "${VDUSE_MOUNTS[@]}")
	done
}

vduse_root_teardown() {
	local m
	for m in "${VDUSE_MOUNTS[@]}"; do
		umount -R "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	VDUSE_MOUNTS=()
}

# pmd_start ID LOG CMD...: CMD (a testpmd -i) reads commands from a FIFO
# of its own; its output goes to LOG.
pmd_start() {
	local id=$1 log=$2 fd
	shift 2
	rm -f "$WORK/$id.cmd"
	mkfifo "$WORK/$id.cmd" || setup_fail "mkfifo"
	exec {fd}<>"$WORK/$id.cmd"
	: >"$log"
	stdbuf -oL -eL "$@" <"$WORK/$id.cmd" >>"$log" 2>&1 &
	PMD_PID[$id]=$!
	PMD_FD[$id]=$fd
	PMD_LOG[$id]=$log
}

pmd_alive() { [ -n "${PMD_PID[$1]:-}" ] && kill -0 "${PMD_PID[$1]}" 2>/dev/null; }

# pmd_wait ID SEC PATTERN N: wait until LOG has more than N lines matching
# PATTERN (fixed string); 1 on timeout or when testpmd has gone.
pmd_wait() {
	local n=$(($2 * 5))
	while [ "$(grep -cF -- "$3" "${PMD_LOG[$1]}")" -le "$4" ]; do
		n=$((n - 1))
		[ $n -gt 0 ] && pmd_alive "$1" || return 1
		sleep 0.2
	done
}

# pmd_cmd ID SEC COMMAND: send COMMAND, wait for the next prompt.
pmd_cmd() {
	local n
	n=$(grep -cF 'testpmd> ' "${PMD_LOG[$1]}")
	printf '%s\n' "$3" >&"${PMD_FD[$1]}"
	pmd_wait "$1" "$2" 'testpmd> ' "$n"
}

# pmd_stats ID: the last "show port stats 0" block, packets and bytes.
pmd_stats() {
	local n blk
	n=$(grep -cF 'Tx-bps' "${PMD_LOG[$1]}")
	printf 'show port stats 0\n' >&"${PMD_FD[$1]}"
	pmd_wait "$1" 30 'Tx-bps' "$n"
	blk=$(tac "${PMD_LOG[$1]}" | sed '/NIC statistics for port/q')
	PS_RXP=$(sed -n 's/.*RX-packets: *\([0-9]*\).*/\1/p' <<<"$blk" | head -n1)
	PS_TXP=$(sed -n 's/.*TX-packets: *\([0-9]*\).*/\1/p' <<<"$blk" | head -n1)
	PS_RXB=$(sed -n 's/.*RX-bytes: *\([0-9]*\).*/\1/p' <<<"$blk" | head -n1)
	PS_TXB=$(sed -n 's/.*TX-bytes: *\([0-9]*\).*/\1/p' <<<"$blk" | head -n1)
}

# pmd_quit ID SEC: quit, then SIGTERM, SIGKILL. PMD_RC: exit status, or
# empty when it had to be killed.
pmd_quit() {
	local id=$1 n=$(($2 * 5)) pid=${PMD_PID[$1]:-} fd=${PMD_FD[$1]:-}
	PMD_RC=
	[ -n "$pid" ] || return 0
	pmd_alive "$id" && printf 'quit\n' >&"${PMD_FD[$id]}"
	while pmd_alive "$id" && [ $n -gt 0 ]; do
		sleep 0.2
		n=$((n - 1))
	done
	if pmd_alive "$id"; then
		kill -TERM "$pid" 2>/dev/null
		sleep 2
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	else
		wait "$pid"
		PMD_RC=$?
	fi
	exec {fd}>&- 2>/dev/null
	unset "PMD_PID[$id]" "PMD_FD[$id]"
}

# vduse_backend_start NAME QUEUES LOG [TESTPMD_ARGS...]: DPDK 24.11's
# net_vhost on /dev/vduse/NAME (the vhost library creates the VDUSE device
# through /dev/vduse/control when the port starts). EAL on core 1's
# partner: -l 0,1, forwarding on core 1; the front-end takes
# --main-lcore 1.
vduse_backend_start() {
	local name=$1 q=$2 log=$3 n
	shift 3
	[ -c /dev/vduse/control ] || setup_fail "no /dev/vduse/control (the trixie kernel's vduse module)"
	pmd_start be "$log" "${VDUSE_PFX[@]}" dpdk-testpmd -l 0,1 -n 1 \
		--file-prefix vxvduse$$ --no-pci \
		--vdev "net_vhost0,iface=/dev/vduse/$name,queues=$q" -- -i \
		--total-num-mbufs=8192 --rxq="$q" --txq="$q" "$@"
	pmd_wait be 180 'testpmd> ' 0 || return 1
	n=50
	while [ ! -c "/dev/vduse/$name" ] && [ $n -gt 0 ]; do
		sleep 0.2
		n=$((n - 1))
	done
	[ -c "/dev/vduse/$name" ]
}

vduse_backend_stop() { pmd_quit be 30; }

# vduse_vdpa_add NAME: the VDUSE device onto the vDPA bus, driven by
# vhost_vdpa; VDPA_DEV its node.
vduse_vdpa_add() {
	local name=$1 d=/sys/bus/vdpa/devices/$1 drv n v
	VDPA_DEV=
	vdpa dev add name "$name" mgmtdev vduse || return 1
	drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
	if [ "$drv" != vhost_vdpa ]; then
		[ -n "$drv" ] && echo "$name" >"$d/driver/unbind"
		echo vhost_vdpa >"$d/driver_override"
		echo "$name" >/sys/bus/vdpa/drivers/vhost_vdpa/bind || return 1
	fi
	n=50
	while [ $n -gt 0 ]; do
		v=$(ls -d "$d"/vhost-vdpa-* 2>/dev/null | head -n1)
		[ -n "$v" ] && [ -c "/dev/${v##*/}" ] && break
		sleep 0.2
		n=$((n - 1))
	done
	[ -n "$v" ] || return 1
	VDPA_DEV=/dev/${v##*/}
}

vduse_vdpa_del() { vdpa dev del "$1"; }

vduse_negotiated() {
	VDPA_NEG=$(vdpa dev config show "$1" 2>/dev/null |
		sed -n 's/.*negotiated_features *//p' | head -n1)
}

# traffic C FROM TO: FROM txonly, TO rxonly, 3 s; FROM's TX and TO's RX
# (packets and bytes) recorded as C_FROM_tx, C_TO_rx...; true when they
# agree and are not 0.
traffic() {
	local c=$1 from=$2 to=$3 ftx ftxb trx trxb
	pmd_cmd "$to" 20 "clear port stats 0"
	pmd_cmd "$from" 20 "clear port stats 0"
	pmd_cmd "$to" 20 "set fwd rxonly"
	pmd_cmd "$from" 20 "set fwd txonly"
	pmd_cmd "$to" 20 "start"
	pmd_cmd "$from" 20 "start"
	sleep 3
	pmd_cmd "$from" 20 "stop"
	sleep 1
	pmd_cmd "$to" 20 "stop"
	pmd_stats "$from"
	ftx=$PS_TXP ftxb=$PS_TXB
	pmd_stats "$to"
	trx=$PS_RXP trxb=$PS_RXB
	res "${c}_${from}_tx" "${ftx:-none}"
	res "${c}_${to}_rx" "${trx:-none}"
	res "${c}_${from}_tx_bytes" "${ftxb:-none}"
	res "${c}_${to}_rx_bytes" "${trxb:-none}"
	[ -n "$ftx" ] && [ "$ftx" -gt 0 ] 2>/dev/null && [ "$ftx" = "$trx" ] &&
		[ "$ftxb" = "$trxb" ]
}

[ "${VDUSE_PEER_LIB:-0}" = 1 ] && return 0

# ---- --check-upstream ---------------------------------------------------------

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${VXPATH_OUT_DIR:-.}
TROOT=${VXPATH_TRIXIE_ROOT:-}
CASES=
MODE=
NAME=vduse0

while [ $# -gt 0 ]; do
	case $1 in
	--check-upstream) MODE=upstream; shift ;;
	--trixie-root) TROOT=$2; shift 2 ;;
	--trixie-root=*) TROOT=${1#*=}; shift ;;
	--cases) CASES=$2; shift 2 ;;
	--cases=*) CASES=${1#*=}; shift ;;
	--out) OUT=$2; shift 2 ;;
	--out=*) OUT=${1#*=}; shift ;;
	*) echo "vduse-peer: unknown argument $1" >&2; exit 2 ;;
	esac
done

say() { echo "vduse-peer: [${SECONDS}s] $*"; }
setup_fail() { say "set-up failed: $*"; echo "verdict=setup" >>"$RES"; exit 2; }

mkdir -p "$OUT" || exit 2
RES=$OUT/vduse-peer.txt
: >"$RES"
verdict=pass
[ "$MODE" = upstream ] || setup_fail "nothing to do (--check-upstream)"
[ "$(id -u)" = 0 ] || setup_fail "must run as root"
for t in vdpa stdbuf; do
	command -v $t >/dev/null || setup_fail "missing tool: $t"
done
WORK=$(mktemp -d /tmp/vduse-peer.XXXXXX) || setup_fail "mktemp"
. "$HERE/scene-lib.sh"

# This root is the trixie one when it has DPDK 24.11's net_vhost.
if [ -e /usr/lib/x86_64-linux-gnu/librte_net_vhost.so.25 ]; then
	TROOT=
fi
cleanup() {
	local rc=$? id
	trap - EXIT INT TERM
	for id in fe be; do pmd_quit $id 5; done
	vdpa dev del $NAME 2>/dev/null
	vduse_root_teardown
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
vduse_root_setup "$TROOT"
res kernel "$(uname -r)"
res backend_root "${TROOT:-this}"
if [ -z "$CASES" ]; then
	CASES="up1 uppacked mq2"
	[ -n "$TROOT" ] && CASES="$CASES host1 hostpacked"
fi
res cases "${CASES// /,}"

run_case() {
	local c=$1 q=1 fe_pfx=("${VDUSE_PFX[@]}") vdev='' be_log fe_log
	local eal=()
	case $c in
	up1) ;;
	uppacked) vdev=,packed_vq=1 ;;
	mq2) q=2 ;;
	host1) fe_pfx=() eal=(--iova-mode=va) ;;
	hostpacked) fe_pfx=() eal=(--iova-mode=va) vdev=,packed_vq=1 ;;
	*) setup_fail "unknown case $c" ;;
	esac
	case $c in host*) [ -n "$TROOT" ] || setup_fail "case $c: the host's DPDK is not reachable from this root" ;; esac
	be_log=$OUT/vduse-peer.$c.be.log
	fe_log=$OUT/vduse-peer.$c.fe.log
	say "case $c: back-end net_vhost0,iface=/dev/vduse/$NAME,queues=$q"
	if [ $c = mq2 ]; then
		# (the port fails to start: testpmd then waits at its prompt)
		vduse_backend_start $NAME $q "$be_log"
		res mq2_vduse_node "$([ -c /dev/vduse/$NAME ] && echo yes || echo no)" no
		res mq2_einval "$(grep -c 'Failed to create VDUSE device: Invalid argument' "$be_log")" 1
		pmd_quit be 10
		return
	fi
	if vduse_backend_start $NAME $q "$be_log"; then
		res "${c}_vduse_node" yes yes
	else
		res "${c}_vduse_node" no yes
		pmd_quit be 10
		return
	fi
	vduse_vdpa_add $NAME
	res "${c}_vdpa_add" $? 0
	res "${c}_driver" "$(basename "$(readlink /sys/bus/vdpa/devices/$NAME/driver)")" vhost_vdpa
	res "${c}_vdpa_node" "${VDPA_DEV:-none}"
	[ -n "$VDPA_DEV" ] || { pmd_quit be 10; vduse_vdpa_del $NAME; return; }
	vdev=virtio_user0,path=$VDPA_DEV,queues=$q$vdev
	say "case $c: front-end ${fe_pfx[*]:+(${fe_pfx[*]}) }--vdev $vdev"
	pmd_start fe "$fe_log" "${fe_pfx[@]}" dpdk-testpmd -l 0,1 --main-lcore 1 \
		-n 1 --file-prefix vxvdpafe$$ --no-pci --single-file-segments \
		"${eal[@]}" --vdev "$vdev" -- -i --total-num-mbufs=8192
	pmd_wait fe 180 'testpmd> ' 0
	if grep -q '^Port 0: ' "$fe_log"; then
		res "${c}_fe_probe" yes yes
	else
		res "${c}_fe_probe" no yes
	fi
	vduse_negotiated $NAME
	res "${c}_neg_features" "${VDPA_NEG// /,}"
	if [[ $vdev == *packed_vq=1* ]]; then
		# DPDK 24.11's VDUSE net device does not offer RING_PACKED: the
		# front-end falls back to split rings. The traffic is recorded,
		# not judged (split rings are judged in up1 and host1).
		res "${c}_packed" "$([[ " $VDPA_NEG " == *" RING_PACKED "* ]] && echo yes || echo no)" no
		traffic "$c" fe be && res "${c}_fwd" yes || res "${c}_fwd" no
		traffic "$c" be fe && res "${c}_rev" yes || res "${c}_rev" no
	else
		res "${c}_packed" "$([[ " $VDPA_NEG " == *" RING_PACKED "* ]] && echo yes || echo no)" no
		if traffic "$c" fe be; then res "${c}_fwd" yes yes; else res "${c}_fwd" no yes; fi
		if traffic "$c" be fe; then res "${c}_rev" yes yes; else res "${c}_rev" no yes; fi
	fi
	pmd_quit fe 30
	res "${c}_fe_quit" "${PMD_RC:-killed}" 0
	vduse_vdpa_del $NAME
	res "${c}_vdpa_del" $? 0
	vduse_backend_stop
	res "${c}_be_quit" "${PMD_RC:-killed}" 0
}

for c in $CASES; do
	run_case "$c"
done
res verdict $verdict
say "verdict $verdict"
[ $verdict = pass ]
