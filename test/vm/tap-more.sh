#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# More of the TAP ready to use (issue 18), over the real vhost-net: runs
# inside the test VM as root (test/vm/, /dev/vhost-net needed);
# test/integration/test_tap_more_vm.py runs it there. Each check reads the
# kernel's side with `ip -j` or testpmd's, and records key=value lines in
# tap-more.txt; verdict=pass when every one is as wanted.
#
# Scene 1, the MTU changed from the kernel's side: one dpdk-testpmd (-i,
# vxpath's log at INFO) with --vdev=virtio_user0,path=/dev/vhost-net,
# iface=vxmore0; after `port start 0`
#   mtu_small   `ip link set dev vxmore0 mtu 1400`: the port's MTU in `show
#               port info 0` follows, the INFO line gives 1500 and 1400,
#               testpmd prints the LSC event;
#   mtu_big     `ip link set dev vxmore0 mtu 9000`: the port's MTU follows,
#               and with testpmd's 2048-byte mbufs (no Rx scatter) the
#               WARNING names MTU 9000 and the buffer size;
#   offload     `show port xstats 0` lists tap_offload_csum, _tso4, _tso6,
#               _tso_ecn (each 1), _uso4 and _uso6 (1 on Linux 6.2 and
#               later, 0 before: the VM's bookworm kernel is 6.1), and the
#               INFO line of probe names those that are 1;
#   mtu_quit    testpmd exits 0.
# Scene 2, tap_attach=1: a persistent multi-queue TAP made here (`ip tuntap
# add dev vxpers0 mode tap multi_queue`, an address, up), and testpmd with
# iface=vxpers0,tap_attach=1,queues=2,cq=1,ipv4=10.79.0.1/24,tap_up=0
#   attach      the probe says the TAP is attached; its MAC is its own
#               still; it has both addresses; testpmd's icmpecho answers
#               a kernel ping of 10.78.0.2;
#   attach_quit testpmd exits 0; the TAP is there, persistent, multi-queue,
#               up, with its own address and MAC, without ipv4='s.
# Scene 3, tap_attach=1 refused: no such TAP (one line naming the devarg
# and "No such device", no port, no TAP made), and a TAP made without
# multi_queue for queues=2 ("Invalid argument", no port, the TAP kept).
#
# Usage: test/vm/tap-more.sh --plugin FILE [--out DIR]
#   --plugin  librte_net_vxpath.so (staged under /run/vxpath first)
#   --out     results directory (default VXPATH_OUT_DIR, else .):
#             tap-more.txt and tap-more.testpmd*.log
# Exit status: 0 pass, 1 a check failed, 2 the scene could not be set up.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

PLUGIN=
OUT=${VXPATH_OUT_DIR:-.}
TAP=vxmore0
PREFIX=vxmore$$
IPNS=
PERS=vxpers0
PERS_V4=10.78.0.1
PERS_PEER=10.78.0.2
ATT_V4=10.79.0.1
NO_TAP=vxnone0
SQ_TAP=vxsq0

. "$HERE/scene-lib.sh"
scene_args tap-more "plugin out" "$@"
scene_begin tap-more tap-more.txt dpdk-testpmd ip ping stdbuf

SCENE_LINKS=(vxmore0 $PERS $NO_TAP $SQ_TAP)
scene_trap
[ -n "$PLUGIN" ] || setup_fail "no plugin (--plugin FILE)"
scene_stage_plugin "$PLUGIN"

# The port's MTU from `show port info 0`, waiting up to 10 s for $1 (it
# follows the TAP's through an event).
port_mtu() {
	local n=20 mtu=
	while [ $n -gt 0 ]; do
		tp_cmd 20 "show port info 0"
		mtu=$(sed -n 's/^MTU: *//p' <<<"$TP_OUT" | head -n 1)
		[ "$mtu" = "$1" ] && break
		nap 0.5
		n=$((n - 1))
	done
	echo "${mtu:-unknown}"
}
# count_log FILE PATTERN: lines of FILE matching the extended regex
count_log() { grep -cE "$2" "$1"; }

TP_ARGS=(-l 0,1 -n 1 --file-prefix $PREFIX --no-pci -d "$STAGED"
	--log-level=pmd.net.vxpath:info)

# --- scene 1: the MTU from the kernel's side ---------------------------------

ip link del $TAP 2>/dev/null
LOG=$OUT/tap-more.testpmd-mtu.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$TAP
say "scene 1: --vdev=$VDEV"
tp_start "$LOG" dpdk-testpmd "${TP_ARGS[@]}" --vdev=$VDEV -- -i \
	--total-num-mbufs=4096 --disable-device-start
tp_prompt 180 || setup_fail "testpmd did not reach its prompt"
grep -q "virtio_user0: port 0, vhost-kernel back-end" "$LOG" ||
	setup_fail "port 0 is not vxpath's"
tp_cmd 60 "port start 0" || setup_fail "port start 0: no prompt"
res mtu_start_port "$(port_mtu 1500)" 1500
LSC_RE="Port 0: link state change event"
lsc0=$(count_log "$LOG" "$LSC_RE")
ip link set dev $TAP mtu 1400 || setup_fail "ip link set mtu 1400"
res mtu_small_tap "$(tap_mtu)" 1400
res mtu_small_port "$(port_mtu 1400)" 1400
res mtu_small_info "$(count_log "$LOG" "TAP $TAP: MTU changed on the kernel's side from 1500 to 1400")" 1
nap 1
res mtu_small_lsc "$(( $(count_log "$LOG" "$LSC_RE") - lsc0 ))" 1
ip link set dev $TAP mtu 9000 || setup_fail "ip link set mtu 9000"
res mtu_big_port "$(port_mtu 9000)" 9000
res mtu_big_info "$(count_log "$LOG" "MTU changed on the kernel's side from 1400 to 9000")" 1
res mtu_big_warning "$(count_log "$LOG" "MTU 9000: a 9022-byte frame does not fit Rx queue 0's [0-9]+-byte buffers")" 1
nap 1
res mtu_big_lsc "$(( $(count_log "$LOG" "$LSC_RE") - lsc0 ))" 2
# The port's own MTU change is not taken for the kernel's.
tp_cmd 20 "port config mtu 0 1500"
res mtu_own_tap "$(tap_mtu)" 1500
nap 1
res mtu_own_info "$(count_log "$LOG" "MTU changed on the kernel's side from 9000")" 0
# What the kernel takes on the TAP (TUNSETOFFLOAD), in xstats and the log:
# checksum, TSO and ECN always; USO from Linux 6.2 on.
KREL=$(uname -r)
res kernel "$KREL"
kmaj=${KREL%%.*}
kmin=${KREL#*.}
kmin=${kmin%%[!0-9]*}
want_uso=0
[ "$kmaj" -gt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -ge 2 ]; } && want_uso=1
res want_uso $want_uso
tp_cmd 20 "show port xstats 0"
for o in csum tso4 tso6 tso_ecn uso4 uso6; do
	want=1
	case $o in uso*) want=$want_uso ;; esac
	res offload_xstat_$o "$(sed -n "s/^ *tap_offload_$o: *//p" <<<"$TP_OUT" | head -n 1)" $want
done
names="csum tso4 tso6 tso_ecn"
[ $want_uso = 1 ] && names="$names uso4 uso6"
res offload_info "$(count_log "$LOG" "TAP $TAP takes offloads \(TUNSETOFFLOAD\): $names\$")" 1
tp_quit 30
res mtu_quit_exit "${TP_RC:-killed}" 0

# --- scene 2: tap_attach=1 to a persistent multi-queue TAP --------------------

TAP=$PERS
ip link del $PERS 2>/dev/null
ip tuntap add dev $PERS mode tap multi_queue || setup_fail "ip tuntap add $PERS"
ip addr add $PERS_V4/24 dev $PERS || setup_fail "address on $PERS"
ip link set $PERS up || setup_fail "$PERS up"
mac_before=$(tap_mac)
LOG2=$OUT/tap-more.testpmd-attach.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$PERS,tap_attach=1,queues=2,cq=1,ipv4=$ATT_V4/24,tap_up=0
say "scene 2: ip tuntap add dev $PERS mode tap multi_queue, --vdev=$VDEV"
tp_start "$LOG2" dpdk-testpmd "${TP_ARGS[@]}" --vdev=$VDEV -- -i \
	--total-num-mbufs=4096 --rxq=2 --txq=2
tp_prompt 180 || setup_fail "testpmd (scene 2) did not reach its prompt"
res attach_probe "$(count_log "$LOG2" "virtio_user0: vhost-kernel on /dev/vhost-net, TAP $PERS \(attached, left in place at close\) \(multi-queue\)")" 1
res attach_mac_kept "$([ "$(tap_mac)" = "$mac_before" ] && echo yes || echo no)" yes
res attach_ipv4 "$(tap_addr $ATT_V4 24)" yes
res attach_own_ipv4 "$(tap_addr $PERS_V4 24)" yes
tp_cmd 20 "set fwd icmpecho"
tp_cmd 20 "start"
if ping -c 3 -i 0.5 -W 5 $PERS_PEER >"$OUT/tap-more.ping-attach.txt" 2>&1; then
	res attach_ping ok ok
else
	res attach_ping fail ok
fi
tp_cmd 20 "stop"
tp_quit 30
res attach_quit_exit "${TP_RC:-killed}" 0
res attach_quit_exists "$(tap_exists)" yes
res attach_quit_persist "$(ip -j -d link show dev $PERS | grep -c '"persist":true')" 1
res attach_quit_multi_queue "$(ip -j -d link show dev $PERS | grep -c '"multi_queue":true')" 1
res attach_quit_up "$(tap_flag UP)" yes
res attach_quit_own_ipv4 "$(tap_addr $PERS_V4 24)" yes
res attach_quit_ipv4_gone "$(tap_addr $ATT_V4 24)" no
res attach_quit_mac "$([ "$(tap_mac)" = "$mac_before" ] && echo yes || echo no)" yes
ip link del $PERS

# --- scene 3: tap_attach=1 refused --------------------------------------------

TAP=$NO_TAP
ip link del $NO_TAP 2>/dev/null
LOG3=$OUT/tap-more.testpmd-noattach.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$NO_TAP,tap_attach=1
say "scene 3: no such TAP, --vdev=$VDEV"
tp_start "$LOG3" dpdk-testpmd "${TP_ARGS[@]}" --vdev=$VDEV -- -i \
	--total-num-mbufs=4096
tp_prompt 180 || setup_fail "testpmd (scene 3) did not reach its prompt"
res noattach_errline "$(count_log "$LOG3" "virtio_user0: devarg tap_attach=1: cannot attach to TAP $NO_TAP: No such device")" 1
res noattach_noport "$(count_log "$LOG3" "No probed ethernet devices")" 1
res noattach_no_tap "$(tap_exists)" no
tp_quit 30
res noattach_quit_exit "${TP_RC:-killed}" 0

# A TAP made without multi_queue cannot take two queues.
TAP=$SQ_TAP
ip link del $SQ_TAP 2>/dev/null
ip tuntap add dev $SQ_TAP mode tap || setup_fail "ip tuntap add $SQ_TAP"
LOG3M=$OUT/tap-more.testpmd-noattach-mq.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$SQ_TAP,tap_attach=1,queues=2,cq=1
say "scene 3: a single-queue TAP, --vdev=$VDEV"
# (no --rxq=2: testpmd exits when there is no port to give them to)
tp_start "$LOG3M" dpdk-testpmd "${TP_ARGS[@]}" --vdev=$VDEV -- -i \
	--total-num-mbufs=4096
tp_prompt 180 || setup_fail "testpmd (scene 3, single queue) did not reach its prompt"
res noattach_mq_errline "$(count_log "$LOG3M" "virtio_user0: devarg tap_attach=1: cannot attach to TAP $SQ_TAP: Invalid argument \(not a TAP, or a TAP made without multi_queue")" 1
res noattach_mq_noport "$(count_log "$LOG3M" "No probed ethernet devices")" 1
tp_quit 30
res noattach_mq_quit_exit "${TP_RC:-killed}" 0
res noattach_mq_tap_kept "$(tap_exists)" yes
ip link del $SQ_TAP

res verdict $verdict
say "verdict $verdict"
[ $verdict = pass ]
