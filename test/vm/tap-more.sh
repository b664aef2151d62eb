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

while [ $# -gt 0 ]; do
	case $1 in
	--plugin) PLUGIN=$2; shift 2 ;;
	--plugin=*) PLUGIN=${1#*=}; shift ;;
	--out) OUT=$2; shift 2 ;;
	--out=*) OUT=${1#*=}; shift ;;
	*) echo "tap-more: unknown argument $1" >&2; exit 2 ;;
	esac
done

say() { echo "tap-more: [${SECONDS}s] $*"; }
setup_fail() { say "set-up failed: $*"; echo "verdict=setup" >>"$RES"; exit 2; }

mkdir -p "$OUT" || exit 2
RES=$OUT/tap-more.txt
: >"$RES"
verdict=pass
# res KEY VALUE [WANT]: record; with WANT, a mismatch fails the verdict.
res() {
	echo "$1=$2" >>"$RES"
	if [ $# -ge 3 ] && [ "$2" != "$3" ]; then
		say "FAIL $1=$2, want $3"
		verdict=fail
	fi
}

[ "$(id -u)" = 0 ] || setup_fail "must run as root"
[ -c /dev/vhost-net ] || setup_fail "no /dev/vhost-net"
for t in dpdk-testpmd ip ping stdbuf; do
	command -v $t >/dev/null || setup_fail "missing tool: $t"
done
WORK=$(mktemp -d /tmp/tap-more.XXXXXX) || setup_fail "mktemp"
. "$HERE/scene-lib.sh"

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	scene_cleanup
	ip link del $TAP 2>/dev/null
	rm -rf "$WORK" /var/run/dpdk/$PREFIX
	rm -f /dev/hugepages/${PREFIX}map_* 2>/dev/null
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ -n "$PLUGIN" ] || setup_fail "no plugin (--plugin FILE)"
scene_stage_plugin "$PLUGIN"

tap_exists() { ip $IPNS link show dev $TAP >/dev/null 2>&1 && echo yes || echo no; }
tap_flag() {
	ip $IPNS -j link show dev $TAP 2>/dev/null | grep -q "\"$1\"" && echo yes || echo no
}
tap_mtu() {
	ip $IPNS -j link show dev $TAP 2>/dev/null |
		sed -n 's/.*"mtu":\([0-9]*\).*/\1/p'
}
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

res verdict $verdict
say "verdict $verdict"
[ $verdict = pass ]
