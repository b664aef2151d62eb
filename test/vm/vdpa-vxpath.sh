#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# vxpath's vhost-vdpa back-end (issue 19) against a real vDPA device, in the
# test VM booted with Debian 13's kernel (run-in-vm.sh --kernel trixie):
# the VDUSE net device that test/vm/vduse-peer.sh serves with DPDK 24.11's
# vhost library (chrooted in the trixie root) and puts on the vDPA bus
# under vhost_vdpa, giving /dev/vhost-vdpa-N. The front-end is the host's
# dpdk-testpmd (DPDK 22.11, as vxpath is built against) with the plugin
# loaded by -d: --vdev virtio_user0,path=/dev/vhost-vdpa-N binds vxpath.
#
# Steps, each a key=value line in vdpa-vxpath.txt:
#   probe      the port exists; vxpath's vhost-vdpa lines (device id, ring
#              size, IOVA range) are in the log
#   fwd, rev   3 s of txonly on one side, rxonly on the other, both ways:
#              packets and bytes counted on both sides must agree
#   restart    port stop, port start (a device reset and a new negotiation
#              inside the back-end), then fwd again
#   qsize      a second port with queue_size above the device's ring size
#              fails the probe with one line naming queue_size
#   quit       testpmd quits with 0
#   gone       a third port; the back-end (the VDUSE daemon) quits under
#              it; the next request (port stop) times out in the kernel
#              (msg_timeout set to 2 s where sysfs has it): the link goes
#              down, one line says so; vxpath resets the device, and
#              where the reset is refused (VDUSE without its daemon) the
#              rings' buffers are left to it, one line each; a start is
#              then refused with one line; testpmd quits with 0
#
# Usage: test/vm/vdpa-vxpath.sh [--trixie-root DIR] [--plugin FILE]
#                               [--peer FILE] [--out DIR]
#   --trixie-root  the Debian 13 root with DPDK 24.11 (VXPATH_TRIXIE_ROOT;
#                  default /var/cache/vxpath/roots/trixie)
#   --plugin       librte_net_vxpath.so (default build/drivers/ of this
#                  tree)
#   --peer         vduse-peer.sh to source (default next to this script)
#   --out          results (default VXPATH_OUT_DIR, else .)
# Exit status: 0 pass, 1 a check failed, 2 the scene could not be set up.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
OUT=${VXPATH_OUT_DIR:-.}
TROOT=${VXPATH_TRIXIE_ROOT:-/var/cache/vxpath/roots/trixie}
PLUGIN=$SRC/build/drivers/librte_net_vxpath.so
PEER=$HERE/vduse-peer.sh
NAME=vduse0

while [ $# -gt 0 ]; do
	case $1 in
	--trixie-root) TROOT=$2; shift 2 ;;
	--plugin) PLUGIN=$2; shift 2 ;;
	--peer) PEER=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	*) echo "vdpa-vxpath: unknown argument $1" >&2; exit 2 ;;
	esac
done

say() { echo "vdpa-vxpath: [${SECONDS}s] $*"; }
setup_fail() { say "set-up failed: $*"; echo "verdict=setup" >>"$RES"; exit 2; }

mkdir -p "$OUT" || exit 2
RES=$OUT/vdpa-vxpath.txt
: >"$RES"
verdict=pass
[ "$(id -u)" = 0 ] || setup_fail "must run as root"
[ -f "$PEER" ] || setup_fail "no $PEER (test/vm/vduse-peer.sh)"
[ -f "$PLUGIN" ] || setup_fail "no plugin $PLUGIN"
WORK=$(mktemp -d /tmp/vdpa-vxpath.XXXXXX) || setup_fail "mktemp"
. "$HERE/scene-lib.sh"
VDUSE_PEER_LIB=1
# shellcheck source=/dev/null
. "$PEER"

cleanup() {
	local rc=$? id
	trap - EXIT INT TERM
	for id in fe fe2 fe3 be; do pmd_quit $id 5; done
	vdpa dev del $NAME 2>/dev/null
	vduse_root_teardown
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

scene_stage_plugin "$PLUGIN"
vduse_root_setup "$TROOT"
res kernel "$(uname -r)"

BE_LOG=$OUT/vdpa-vxpath.be.log
FE_LOG=$OUT/vdpa-vxpath.fe.log
vduse_backend_start $NAME 1 "$BE_LOG" || setup_fail "back-end (see $BE_LOG)"
vduse_vdpa_add $NAME || setup_fail "vdpa dev add $NAME"
res vdpa_node "$VDPA_DEV"
res driver "$(basename "$(readlink /sys/bus/vdpa/devices/$NAME/driver)")" vhost_vdpa

VDEV=virtio_user0,path=$VDPA_DEV
say "front-end: host testpmd -d $STAGED --vdev $VDEV"
pmd_start fe "$FE_LOG" dpdk-testpmd -l 0,1 --main-lcore 1 -n 1 \
	--file-prefix vxvdpa$$ --no-pci --single-file-segments \
	-d "$STAGED" --log-level=pmd.net.vxpath:info \
	--vdev "$VDEV" -- -i --total-num-mbufs=8192
pmd_wait fe 180 'testpmd> ' 0
res fe_probe "$(grep -q '^Port 0: ' "$FE_LOG" && echo yes || echo no)" yes
res fe_vxpath "$(grep -c 'vDPA network device' "$FE_LOG")" 1
vduse_negotiated $NAME
res neg_features "${VDPA_NEG// /,}"

if traffic fwd fe be; then res fwd yes yes; else res fwd no yes; fi
if traffic rev be fe; then res rev yes yes; else res rev no yes; fi

# A stop withdraws DRIVER_OK: the back-end resets the device and
# negotiates again; the next start maps the memory and rings anew.
pmd_cmd fe 60 "port stop 0"
pmd_cmd fe 60 "port start 0"
if traffic restart fe be; then res restart yes yes; else res restart no yes; fi

pmd_quit fe 60
res fe_quit "${PMD_RC:-killed}" 0
res fe_errors "$(grep -c 'vxpath.*\(ERR\|cannot\|fail\)' "$FE_LOG")"

# queue_size above the device's ring size: one line naming the devarg.
pmd_start fe2 "$OUT/vdpa-vxpath.fe2.log" dpdk-testpmd -l 0,1 --main-lcore 1 \
	-n 1 --file-prefix vxvdpa2$$ --no-pci --single-file-segments \
	-d "$STAGED" --vdev "$VDEV,queue_size=32768" -- -i \
	--total-num-mbufs=8192
pmd_wait fe2 180 'testpmd> ' 0
res qsize_line "$(grep -c 'devarg queue_size=32768: the vDPA device' "$OUT/vdpa-vxpath.fe2.log")" 1
pmd_quit fe2 30

# The device's daemon goes while a port runs on it: VDUSE keeps the
# device, and its next request (the rings' stop at port stop) times out
# (the vduse module's msg_timeout, 30 s by default). vxpath must then
# take the link down, log it once, and quit without hanging.
FE3_LOG=$OUT/vdpa-vxpath.fe3.log
pmd_start fe3 "$FE3_LOG" dpdk-testpmd -l 0,1 --main-lcore 1 -n 1 \
	--file-prefix vxvdpa3$$ --no-pci --single-file-segments \
	-d "$STAGED" --vdev "$VDEV" -- -i --total-num-mbufs=8192
pmd_wait fe3 180 'testpmd> ' 0
pmd_cmd fe3 20 "show port info 0"
res gone_link_before "$(tac "$FE3_LOG" | sed '/Infos for port 0/q' | sed -n 's/.*Link status: *//p' | head -n1)" up
# The request's wait, shortened (seconds) where the kernel lets it be.
MSGT=/sys/class/vduse/$NAME/msg_timeout
if [ -w "$MSGT" ]; then
	echo 2 >"$MSGT"
	res gone_msg_timeout "$(cat "$MSGT")" 2
fi
vduse_backend_stop
res be_quit "${PMD_RC:-killed}" 0
t0=$SECONDS
pmd_cmd fe3 150 "port stop 0"
res gone_stop_seconds $((SECONDS - t0))
pmd_cmd fe3 20 "show port info 0"
res gone_link_after "$(tac "$FE3_LOG" | sed '/Infos for port 0/q' | sed -n 's/.*Link status: *//p' | head -n1)" down
res gone_line "$(grep -c 'stopped answering' "$FE3_LOG")" 1
# Then the rings' stop resets the device: taken, the buffers go back to
# the pool; refused, they are left to the device, one line each way.
taken=$(grep -c 'took a reset: it holds no rings' "$FE3_LOG")
refused=$(sed -n '/port stop 0/,$p' "$FE3_LOG" | grep -c 'refused a reset after it broke')
res gone_reset_taken "$taken"
res gone_reset_refused "$refused"
res gone_reset_lines $((taken + refused)) 1
res gone_abandoned "$(grep -c 'buffers are left to it' "$FE3_LOG")" "$refused"
# A start on the broken device is refused with one line.
pmd_cmd fe3 20 "port start 0"
res gone_restart_refused "$(grep -c 'Fail to start port 0' "$FE3_LOG")" 1
res gone_restart_line "$(grep -c 'the port cannot start on it\|was lost with the port.s rings' "$FE3_LOG")" 1
pmd_quit fe3 60
res gone_fe_quit "${PMD_RC:-killed}" 0

vduse_vdpa_del $NAME
res vdpa_del $? 0
res verdict $verdict
say "verdict $verdict"
[ $verdict = pass ]
