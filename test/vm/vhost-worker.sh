#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The vhost worker's kind (devarg vhost_worker=, drivers/net/vxpath/
# vhost_worker.h) over the real vhost-net, inside the test VM; run by
# test/integration/test_vhost_worker_vm.py on two kernels:
#
# --kernel forky (Linux 7.2, VHOST_SET_FORK_FROM_OWNER): for each of
#   vhost_worker=kthread, task and auto, testpmd (icmpecho, with the port
#   up through ipv4=) answers 3 kernel pings through the TAP, and
#   <mode>_log    the probe's INFO line names the kind it got
#                 (kthread, vhost_task);
#   <mode>_thread where the kernel put the worker, named vhost-<testpmd's
#                 pid>: "task" when it is a thread of testpmd
#                 (/proc/PID/task/*/comm), "kthread" when it is a process
#                 of its own whose parent is kthreadd (pid 2);
#   <mode>_ping   ok when the 3 pings were answered.
# --kernel bookworm (Linux 6.1, the default VM: no such ioctl):
#   auto_log      "the kernel's own kind", and the pings answered through
#                 a kthread (the only kind before Linux 6.4);
#   kthread_refused  vhost_worker=kthread fails the probe with one line
#                 naming the devarg, and no port is made.
#
# Usage: test/vm/vhost-worker.sh --plugin FILE [--out DIR]
# Results: DIR/vhost-worker.txt (key=value, verdict=pass when all is as
# wanted), DIR/vhost-worker.<mode>.log (testpmd). Exit status: 0 pass,
# 1 a check failed, 2 the scene could not be set up.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

PLUGIN=
OUT=${VXPATH_OUT_DIR:-.}
TAP=vxwork0
TAP_V4=10.77.0.1
PEER_V4=10.77.0.2
PREFIX=vxwork$$

. "$HERE/scene-lib.sh"
scene_args vhost-worker "plugin out" "$@"
scene_begin vhost-worker vhost-worker.txt dpdk-testpmd ip ping stdbuf

SCENE_LINKS=($TAP)
scene_trap
[ -n "$PLUGIN" ] || setup_fail "no plugin (--plugin FILE)"
scene_stage_plugin "$PLUGIN"

TP_ARGS=(-l 0,1 -n 1 --file-prefix $PREFIX --no-pci -d "$STAGED"
	--log-level=pmd.net.vxpath:info)
VDEV=virtio_user0,path=/dev/vhost-net,iface=$TAP,ipv4=$TAP_V4/24

# worker_kind PID: where the thread named vhost-PID lives.
worker_kind() {
	local pid=$1 t p
	for t in /proc/$pid/task/*/comm; do
		[ "$(cat "$t" 2>/dev/null)" = "vhost-$pid" ] && { echo task; return; }
	done
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = "vhost-$pid" ] || continue
		if [ "$(awk '{ print $4 }' "$p/stat")" = 2 ]; then
			echo kthread
		else
			echo "process"
		fi
		return
	done
	echo none
}

# one MODE: testpmd with vhost_worker=MODE answers the kernel's pings.
one() {
	local mode=$1 log=$OUT/vhost-worker.$1.log kind
	say "vhost_worker=$mode"
	tp_start "$log" dpdk-testpmd "${TP_ARGS[@]}" \
		--vdev=$VDEV,vhost_worker=$mode -- -i --total-num-mbufs=4096
	tp_prompt 180 || setup_fail "$mode: testpmd did not reach its prompt"
	if grep -q "virtio_user0: vhost worker: the kernel's own kind" "$log"; then
		kind=kernel
	else
		kind=$(sed -n 's/.*virtio_user0: vhost worker: \([a-z_]*\) .*/\1/p' "$log" |
			head -n1)
		[ -n "$kind" ] || kind=none
	fi
	echo "${mode}_log=$kind" >>"$RES"
	tp_cmd 20 "set fwd icmpecho"
	tp_cmd 20 "start"
	echo "${mode}_thread=$(worker_kind "$TP_PID")" >>"$RES"
	if ping -c 3 -i 0.5 -W 5 $PEER_V4 >"$OUT/vhost-worker.$mode.ping.txt" 2>&1; then
		echo "${mode}_ping=ok" >>"$RES"
	else
		echo "${mode}_ping=fail" >>"$RES"
	fi
	tp_cmd 20 "stop"
	tp_quit 30
	echo "${mode}_quit_exit=${TP_RC:-killed}" >>"$RES"
}

# want KEY VALUE: the recorded KEY must be VALUE.
want() { res "want_$1" "$(sed -n "s/^$1=//p" "$RES" | tail -n1)" "$2"; }

# The kernel can choose where vhost exposes the module parameter of the
# same build option (CONFIG_VHOST_ENABLE_FORK_OWNER_CONTROL).
if [ -e /sys/module/vhost/parameters/fork_from_owner_default ]; then
	echo "kernel_can_choose=yes" >>"$RES"
	one kthread
	one task
	one auto
	want kthread_log kthread
	want kthread_thread kthread
	want task_log vhost_task
	want task_thread task
	want auto_log kthread
	want auto_thread kthread
	for m in kthread task auto; do
		want ${m}_ping ok
		want ${m}_quit_exit 0
	done
else
	echo "kernel_can_choose=no" >>"$RES"
	one auto
	want auto_log kernel
	want auto_ping ok
	want auto_quit_exit 0
	log=$OUT/vhost-worker.refused.log
	tp_start "$log" dpdk-testpmd "${TP_ARGS[@]}" \
		--vdev=$VDEV,vhost_worker=kthread -- -i --total-num-mbufs=4096
	tp_prompt 180 || setup_fail "refused: testpmd did not reach its prompt"
	res kthread_refused "$(grep -c 'virtio_user0: devarg vhost_worker=kthread: this kernel cannot choose the vhost worker' "$log")" 1
	res kthread_noport "$(grep -c 'No probed ethernet devices' "$log")" 1
	tp_quit 30
fi
echo "verdict=$verdict" >>"$RES"
say "verdict: $verdict"
[ "$verdict" = pass ]
