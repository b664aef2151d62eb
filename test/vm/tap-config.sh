#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The TAP ready to use from devargs alone (issue 18), over the real
# vhost-net: runs inside the test VM as root (test/vm/, /dev/vhost-net
# needed); test/integration/test_tap_config_vm.py runs it there. Each check
# reads the kernel's side with `ip -j` and records key=value lines in
# tap-config.txt; verdict=pass when every one is as wanted.
#
# Scene 1, one dpdk-testpmd (-i, --disable-device-start, --max-pkt-len so
# that the port's MTU from dev_configure is not 1500) with
#   --vdev=virtio_user0,path=/dev/vhost-net,iface=vxcfg0,
#          ipv4=10.77.0.1/24,ipv6=fd00:77::1/64,
#          gateway4=10.77.0.254,gateway6=fd00:77::fe
#   probe       the TAP exists, is not up and has no address yet;
#   start       `port start 0`: the TAP is UP with carrier, has both
#               addresses, both default routes go through it, its MTU is
#               the port's, and the port's link is up;
#   linkdown    `set link-down port 0`: NO-CARRIER, the port's link down;
#   linkup      `set link-up port 0`: carrier and the link back;
#   stop        `port stop 0`: the TAP is not UP, no default route left;
#   restart     `port start 0`: all of start again;
#   ping        `set fwd icmpecho`, `start`: the kernel pings 10.77.0.2, an
#               address behind the port, which testpmd answers (ARP and
#               ICMP echo);
#   quit        testpmd exits 0, the TAP is gone and no route is left.
# Scene 2, a start that fails: a blackhole default route exists, so
# gateway4= cannot be added: `port start 0` fails with one line naming
# gateway4= and the kernel's "File exists", the TAP is left down, and
# after quit it is gone. Then with metric=100 beside the blackhole route:
# the start succeeds, both default routes go through the TAP with metric
# 100, the blackhole stays, and after quit no route of the TAP is left.
# Scene 3, a probe that fails after the TAP was made (packed_vq=1: vhost-net
# has no packed rings): no port, and the TAP is gone while testpmd runs.
# Scene 4, netns=: the TAP is made in a namespace this script adds
# (`ip netns add`), seen there and not in the root namespace
# (`ip -n NS -j ...`); `port start 0` gives it there everything of
# scene 1's start, the port's link follows it, a ping from inside the
# namespace is answered; after quit it is gone from the namespace, which
# stays.
# Scene 5, netns= of a namespace that does not exist: the probe fails with
# one line naming netns= and "No such file or directory", no port, no TAP
# anywhere.
# Scene 6, bridge= with netns=: the script makes a bridge in the namespace,
# with the address (a bridge port's own addresses see no frame: the
# bridge takes them); `port start 0` makes the TAP its port, and a ping
# from the namespace through the bridge is answered behind the port;
# `port stop 0` releases the TAP, the next start enslaves it again; after
# quit the bridge has no port.
# Scene 7, bridge= of an interface that does not exist: `port start 0`
# fails with one line naming bridge= and "No such device", the TAP is left
# down and no bridge's port; after quit it is gone.
#
# Usage: test/vm/tap-config.sh --plugin FILE [--out DIR]
#   --plugin  librte_net_vxpath.so (staged under /run/vxpath first)
#   --out     results directory (default VXPATH_OUT_DIR, else .):
#             tap-config.txt and tap-config.testpmd*.log
# Exit status: 0 pass, 1 a check failed, 2 the scene could not be set up.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

PLUGIN=
OUT=${VXPATH_OUT_DIR:-.}
TAP=vxcfg0
PREFIX=vxcfg$$
V4=10.77.0.1
V6=fd00:77::1
GW4=10.77.0.254
GW6=fd00:77::fe
PEER4=10.77.0.2
NS=vxcfgns$$
NO_NS=vxcfgnone$$
BR=vxcfgbr0
NO_BR=vxcfgnobr
# "-n NS" while a scene's TAP lives in namespace NS: every `ip` of the
# checks below then looks there.
IPNS=
MAX_PKT_LEN=1818

. "$HERE/scene-lib.sh"
scene_args tap-config "plugin out" "$@"
scene_begin tap-config tap-config.txt dpdk-testpmd ip ping stdbuf

BLACKHOLE=0
scene_atexit() {
	[ $BLACKHOLE = 1 ] && ip route del blackhole default 2>/dev/null
}
scene_trap
[ -n "$PLUGIN" ] || setup_fail "no plugin (--plugin FILE)"
scene_stage_plugin "$PLUGIN"

# --- the kernel's side -------------------------------------------------------

# the TAP's master (a bridge), or none
tap_master() {
	local m
	m=$(ip $IPNS -j link show dev $TAP 2>/dev/null |
		sed -n 's/.*"master":"\([^"]*\)".*/\1/p')
	echo "${m:-none}"
}
# yes when the default route of family $1 (-4, -6) goes via $2 on the TAP
default_via() {
	ip $IPNS -j $1 route show default 2>/dev/null |
		grep -q "\"gateway\":\"$2\",\"dev\":\"$TAP\"" && echo yes || echo no
}
# wait_flag FLAG yes|no: up to 10 s for the TAP's flag to be so
wait_flag() {
	local n=50
	while [ "$(tap_flag "$1")" != "$2" ] && [ $n -gt 0 ]; do
		nap 0.2
		n=$((n - 1))
	done
}

# --- testpmd's side ----------------------------------------------------------

# The port's link (up, down) from `show port info 0`, waiting up to 10 s
# for $1 (the link follows the TAP through an event).
port_link() {
	local n=20 link=
	while [ $n -gt 0 ]; do
		tp_cmd 20 "show port info 0"
		link=$(sed -n 's/^Link status: *//p' <<<"$TP_OUT" | head -n 1)
		[ "$link" = "$1" ] && break
		nap 0.5
		n=$((n - 1))
	done
	echo "${link:-unknown}"
}
port_mtu() {
	tp_cmd 20 "show port info 0"
	sed -n 's/^MTU: *//p' <<<"$TP_OUT" | head -n 1
}

# Everything `port start` gives, under the step's name $1.
check_started() {
	local s=$1
	res ${s}_up "$(tap_flag UP)" yes
	wait_flag NO-CARRIER no
	res ${s}_carrier "$([ "$(tap_flag NO-CARRIER)" = no ] && echo yes || echo no)" yes
	res ${s}_ipv4 "$(tap_addr $V4 24)" yes
	res ${s}_ipv6 "$(tap_addr $V6 64)" yes
	res ${s}_gateway4 "$(default_via -4 $GW4)" yes
	res ${s}_gateway6 "$(default_via -6 $GW6)" yes
	res ${s}_link "$(port_link up)" up
}

# --- scene 1 -----------------------------------------------------------------

ip link del $TAP 2>/dev/null
LOG=$OUT/tap-config.testpmd.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$TAP,ipv4=$V4/24,ipv6=$V6/64,gateway4=$GW4,gateway6=$GW6
say "scene 1: --vdev=$VDEV"
tp_start "$LOG" dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci \
	-d "$STAGED" --vdev=$VDEV -- -i --total-num-mbufs=4096 \
	--disable-device-start --max-pkt-len=$MAX_PKT_LEN --port-topology=loop
tp_prompt 180 || setup_fail "testpmd did not reach its prompt"
grep -q "virtio_user0: port 0, vhost-kernel back-end" "$LOG" ||
	setup_fail "port 0 is not vxpath's"

res probe_tap "$(tap_exists)" yes
res probe_up "$(tap_flag UP)" no
res probe_ipv4 "$(tap_addr $V4 24)" no

tp_cmd 60 "port start 0" || setup_fail "port start 0: no prompt"
check_started start
res start_mtu_port "$(port_mtu)"
res start_mtu_tap "$(tap_mtu)"
res start_mtu_follows "$([ "$(port_mtu)" = "$(tap_mtu)" ] && echo yes || echo no)" yes
res start_mtu_not_1500 "$([ "$(tap_mtu)" != 1500 ] && echo yes || echo no)" yes

tp_cmd 20 "set link-down port 0"
wait_flag NO-CARRIER yes
res linkdown_nocarrier "$(tap_flag NO-CARRIER)" yes
res linkdown_up "$(tap_flag UP)" yes
res linkdown_link "$(port_link down)" down

tp_cmd 20 "set link-up port 0"
wait_flag NO-CARRIER no
res linkup_nocarrier "$(tap_flag NO-CARRIER)" no
res linkup_link "$(port_link up)" up

tp_cmd 60 "port stop 0" || say "port stop 0: no prompt"
res stop_up "$(tap_flag UP)" no
res stop_gateway4 "$(default_via -4 $GW4)" no
res stop_gateway6 "$(default_via -6 $GW6)" no
res stop_link "$(port_link down)" down

tp_cmd 60 "port start 0" || say "port start 0: no prompt"
check_started restart

# Optional in the issue, cheap here: testpmd answers ARP and echo requests.
tp_cmd 20 "set fwd icmpecho"
tp_cmd 20 "start"
if ping -c 3 -i 0.5 -W 5 $PEER4 >"$OUT/tap-config.ping.txt" 2>&1; then
	res ping ok ok
else
	res ping fail ok
fi
tp_cmd 20 "stop"

tp_quit 30
res quit_exit "${TP_RC:-killed}" 0
res quit_tap_gone "$([ "$(tap_exists)" = no ] && echo yes || echo no)" yes
res quit_gateway4 "$(ip -j -4 route show default | grep -c "$GW4")" 0
res quit_gateway6 "$(ip -j -6 route show default | grep -c "$GW6")" 0

# --- scene 2: a start that fails ---------------------------------------------

ip route add blackhole default || setup_fail "ip route add blackhole default"
BLACKHOLE=1
LOG2=$OUT/tap-config.testpmd-fail.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$TAP,ipv4=$V4/24,gateway4=$GW4
say "scene 2: a blackhole default route, --vdev=$VDEV"
tp_start "$LOG2" dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci \
	-d "$STAGED" --vdev=$VDEV -- -i --total-num-mbufs=4096 \
	--disable-device-start
tp_prompt 180 || setup_fail "testpmd (scene 2) did not reach its prompt"
tp_cmd 60 "port start 0"
res fail_errline "$(grep -c "devarg gateway4=$GW4: cannot add the default route to $TAP: File exists" "$LOG2")" 1
res fail_up "$(tap_flag UP)" no
res fail_link "$(port_link down)" down
tp_quit 30
res fail_quit_exit "${TP_RC:-killed}" 0
res fail_tap_gone "$([ "$(tap_exists)" = no ] && echo yes || echo no)" yes

LOG2M=$OUT/tap-config.testpmd-metric.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$TAP,ipv4=$V4/24,ipv6=$V6/64,gateway4=$GW4,gateway6=$GW6,metric=100
say "scene 2, metric=: --vdev=$VDEV"
tp_start "$LOG2M" dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci \
	-d "$STAGED" --vdev=$VDEV -- -i --total-num-mbufs=4096 \
	--disable-device-start
tp_prompt 180 || setup_fail "testpmd (scene 2, metric=) did not reach its prompt"
tp_cmd 60 "port start 0"
res metric_gateway4 "$(ip -j -4 route show default | grep -c "\"gateway\":\"$GW4\",\"dev\":\"$TAP\"[^}]*\"metric\":100[,}]")" 1
res metric_gateway6 "$(ip -j -6 route show default | grep -c "\"gateway\":\"$GW6\",\"dev\":\"$TAP\"[^}]*\"metric\":100[,}]")" 1
res metric_blackhole "$(ip -j -4 route show default | grep -c '"type":"blackhole"')" 1
res metric_link "$(port_link up)" up
tp_quit 30
res metric_quit_exit "${TP_RC:-killed}" 0
res metric_quit_routes "$(ip -j route show default | grep -c "\"dev\":\"$TAP\"")" 0
ip route del blackhole default && BLACKHOLE=0

# --- scene 3: a probe that fails after the TAP was made ----------------------

# vhost-net has no packed rings: the probe fails at feature negotiation,
# after the TAP was created; while testpmd still runs it must be gone.
LOG3=$OUT/tap-config.testpmd-probe.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$TAP,packed_vq=1,ipv4=$V4/24
say "scene 3: a failed probe, --vdev=$VDEV"
tp_start "$LOG3" dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci \
	-d "$STAGED" --vdev=$VDEV -- -i --total-num-mbufs=4096
tp_prompt 180 || setup_fail "testpmd (scene 3) did not reach its prompt"
res probefail_noport "$(grep -c "No probed ethernet devices" "$LOG3")" 1
res probefail_tap_gone "$([ "$(tap_exists)" = no ] && echo yes || echo no)" yes
tp_quit 30
res probefail_quit_exit "${TP_RC:-killed}" 0

# --- scene 4: netns= ---------------------------------------------------------

ip netns del $NS 2>/dev/null
SCENE_NS+=("$NS")
ip netns add $NS || setup_fail "ip netns add $NS"
LOG4=$OUT/tap-config.testpmd-netns.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$TAP,netns=$NS,ipv4=$V4/24,ipv6=$V6/64,gateway4=$GW4,gateway6=$GW6
say "scene 4: a namespace, --vdev=$VDEV"
tp_start "$LOG4" dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci \
	-d "$STAGED" --vdev=$VDEV -- -i --total-num-mbufs=4096 \
	--disable-device-start --port-topology=loop
tp_prompt 180 || setup_fail "testpmd (scene 4) did not reach its prompt"
IPNS="-n $NS"
res netns_probe_tap "$(tap_exists)" yes
res netns_probe_root "$(IPNS= tap_exists)" no
res netns_probe_up "$(tap_flag UP)" no
tp_cmd 60 "port start 0" || say "port start 0: no prompt"
check_started netns_start
tp_cmd 20 "set fwd icmpecho"
tp_cmd 20 "start"
if ip netns exec $NS ping -c 3 -i 0.5 -W 5 $PEER4 \
	>"$OUT/tap-config.ping-netns.txt" 2>&1; then
	res netns_ping ok ok
else
	res netns_ping fail ok
fi
tp_cmd 20 "stop"
tp_cmd 60 "port stop 0" || say "port stop 0: no prompt"
res netns_stop_up "$(tap_flag UP)" no
tp_quit 30
res netns_quit_exit "${TP_RC:-killed}" 0
res netns_quit_tap_gone "$([ "$(tap_exists)" = no ] && echo yes || echo no)" yes
res netns_quit_ns_kept "$(ip netns list | grep -c "^$NS\b")" 1
IPNS=

# --- scene 5: netns= of a namespace that does not exist ----------------------

LOG5=$OUT/tap-config.testpmd-nons.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$TAP,netns=$NO_NS,ipv4=$V4/24
say "scene 5: no such namespace, --vdev=$VDEV"
tp_start "$LOG5" dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci \
	-d "$STAGED" --vdev=$VDEV -- -i --total-num-mbufs=4096
tp_prompt 180 || setup_fail "testpmd (scene 5) did not reach its prompt"
res nons_errline "$(grep -c "devarg netns=$NO_NS: cannot open the network namespace /run/netns/$NO_NS: No such file or directory" "$LOG5")" 1
res nons_noport "$(grep -c "No probed ethernet devices" "$LOG5")" 1
res nons_no_tap "$([ "$(tap_exists)" = no ] && echo yes || echo no)" yes
tp_quit 30
res nons_quit_exit "${TP_RC:-killed}" 0

# --- scene 6: bridge= in the namespace ----------------------------------------

ip -n $NS link add $BR type bridge || setup_fail "ip -n $NS link add $BR type bridge"
ip -n $NS addr add $V4/24 dev $BR || setup_fail "address on $BR"
ip -n $NS link set $BR up || setup_fail "$BR up"
LOG6=$OUT/tap-config.testpmd-bridge.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$TAP,netns=$NS,bridge=$BR,tap_up=1
say "scene 6: a bridge in the namespace, --vdev=$VDEV"
tp_start "$LOG6" dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci \
	-d "$STAGED" --vdev=$VDEV -- -i --total-num-mbufs=4096 \
	--disable-device-start --port-topology=loop
tp_prompt 180 || setup_fail "testpmd (scene 6) did not reach its prompt"
IPNS="-n $NS"
res br_probe_master "$(tap_master)" none
tp_cmd 60 "port start 0" || say "port start 0: no prompt"
res br_start_master "$(tap_master)" $BR
res br_start_up "$(tap_flag UP)" yes
res br_start_link "$(port_link up)" up
tp_cmd 20 "set fwd icmpecho"
tp_cmd 20 "start"
if ip netns exec $NS ping -c 3 -i 0.5 -W 5 $PEER4 \
	>"$OUT/tap-config.ping-bridge.txt" 2>&1; then
	res br_ping ok ok
else
	res br_ping fail ok
fi
tp_cmd 20 "stop"
tp_cmd 60 "port stop 0" || say "port stop 0: no prompt"
res br_stop_master "$(tap_master)" none
tp_cmd 60 "port start 0" || say "port start 0: no prompt"
res br_restart_master "$(tap_master)" $BR
tp_quit 30
res br_quit_exit "${TP_RC:-killed}" 0
res br_quit_tap_gone "$([ "$(tap_exists)" = no ] && echo yes || echo no)" yes
res br_quit_ports "$(ip -n $NS -j link show master $BR | grep -c '"ifname"')" 0
IPNS=

# --- scene 7: bridge= of an interface that does not exist --------------------

LOG7=$OUT/tap-config.testpmd-nobr.log
VDEV=virtio_user0,path=/dev/vhost-net,iface=$TAP,bridge=$NO_BR,ipv4=$V4/24
say "scene 7: no such bridge, --vdev=$VDEV"
tp_start "$LOG7" dpdk-testpmd -l 0,1 -n 1 --file-prefix $PREFIX --no-pci \
	-d "$STAGED" --vdev=$VDEV -- -i --total-num-mbufs=4096 \
	--disable-device-start
tp_prompt 180 || setup_fail "testpmd (scene 7) did not reach its prompt"
tp_cmd 60 "port start 0"
res nobr_errline "$(grep -c "devarg bridge=$NO_BR: cannot enslave $TAP to it: No such device" "$LOG7")" 1
res nobr_up "$(tap_flag UP)" no
res nobr_master "$(tap_master)" none
res nobr_link "$(port_link down)" down
tp_quit 30
res nobr_quit_exit "${TP_RC:-killed}" 0
res nobr_tap_gone "$([ "$(tap_exists)" = no ] && echo yes || echo no)" yes

res verdict $verdict
say "verdict $verdict"
[ $verdict = pass ]
