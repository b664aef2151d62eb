#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Runs one script as root inside the vxpath test VM (QEMU, TCG, Debian's
# kernel with vhost-net; see test/vm/build-vm.sh and test/vm/init) and exits
# with that script's exit status.
#
# Inside the guest the host's root file system is the (read-only) root, so
# the host's DPDK, python3, iproute2 and so on are the guest's. The guest's
# /tmp and /run are fresh tmpfs, so the repository is also exported on its
# own (read-only) and mounted at /run/vxpath/src, and a writable results
# directory is mounted at /run/vxpath/out. A script path inside the
# repository is run from /run/vxpath/src; the working directory is
# /run/vxpath/src; VXPATH_IN_VM=1, VXPATH_SRC_DIR and VXPATH_OUT_DIR are set.
# Arguments that are absolute paths inside the repository (ARG or
# --option=ARG) are rewritten to their /run/vxpath/src equivalent.
#
# With --root DIR the script runs chrooted in DIR, a root file system of
# another Debian release on the host (devtools/release-matrix.sh's roots
# under /var/cache/vxpath/roots/): the guest's init mounts the host's root
# as usual, and the command it runs first mounts proc, sys, dev (with
# hugetlbfs), a fresh /tmp and /run, the repository and the results
# directory inside DIR, then chroots there. The guest then runs that
# release's DPDK, Python and tools on the same kernel.
#
# With --kernel trixie the guest boots Debian 13's kernel (Linux 6.12, with
# vDPA: vduse and vhost_vdpa loaded) instead of bookworm's 6.1, with
# --kernel forky Debian 14's (Linux 7.2: VHOST_SET_FORK_FROM_OWNER, the
# vhost worker's kind); see test/vm/build-vm.sh. It combines with --root
# (the trixie root on the trixie kernel, say).
#
# Usage: test/vm/run-in-vm.sh [--out DIR] [--timeout SEC] [--root DIR]
#                             [--kernel bookworm|trixie|forky]
#                             <guest-script> [args...]
#   --out DIR      host directory for results (default: a new
#                  /tmp/vxpath-vm.XXXXXX); the serial console log goes to
#                  DIR/console.log. VXPATH_VM_OUT sets the same.
#   --timeout SEC  hard limit on the whole VM run (default 600,
#                  VXPATH_VM_TIMEOUT).
#   --root DIR     run the script chrooted in DIR (an absolute path on the
#                  host, without spaces; VXPATH_VM_ROOT sets the same).
#   --kernel NAME  the guest's kernel: bookworm (default), trixie or
#                  forky (VXPATH_VM_KERNEL sets the same).
# Exit status: the guest script's; 124 if QEMU hit the time limit; 125 if
# the guest reported no status (crash, boot failure); 2 if the VM cannot be
# built on this machine (no QEMU, no kernel package).

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd -P)
OUT=${VXPATH_VM_OUT:-}
TIMEOUT=${VXPATH_VM_TIMEOUT:-600}
ROOT=${VXPATH_VM_ROOT:-}
GUEST_SRC=/run/vxpath/src

VM_KERNEL=${VXPATH_VM_KERNEL:-bookworm}

usage() { sed -n '2,46p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
	case $1 in
	--out) OUT=$2; shift 2 ;;
	--out=*) OUT=${1#--out=}; shift ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--timeout=*) TIMEOUT=${1#--timeout=}; shift ;;
	--root) ROOT=${2-}; shift 2 ;;
	--root=*) ROOT=${1#--root=}; shift ;;
	--kernel) VM_KERNEL=${2-}; shift 2 ;;
	--kernel=*) VM_KERNEL=${1#--kernel=}; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) echo "run-in-vm: unknown option $1" >&2; usage >&2; exit 1 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { usage >&2; exit 1; }
SCRIPT=$1
shift

[ -e "$SCRIPT" ] || { echo "run-in-vm: no such script: $SCRIPT" >&2; exit 1; }
if [ -n "$ROOT" ]; then
	case $ROOT in
	/*) ;;
	*) echo "run-in-vm: --root $ROOT: an absolute path is needed" >&2; exit 1 ;;
	esac
	case $ROOT in
	*[[:space:]]*) echo "run-in-vm: --root $ROOT: no spaces, please" >&2; exit 1 ;;
	esac
	[ -x "$ROOT/bin/bash" ] || [ -x "$ROOT/usr/bin/bash" ] || {
		echo "run-in-vm: --root $ROOT: not a root file system (no bin/bash)" >&2
		exit 1
	}
	ROOT=$(realpath "$ROOT")
fi
ABS=$(realpath "$SCRIPT")
case $ABS in
"$REPO"/*) GUEST_SCRIPT=$GUEST_SRC/${ABS#"$REPO"/} ;;
/tmp/*|/run/*|/var/tmp/*)
	echo "run-in-vm: $ABS is not visible in the guest (its /tmp and /run are its own); put it in the repository" >&2
	exit 1 ;;
*) GUEST_SCRIPT=$ABS ;;
esac

REPO_Q=${REPO//,/,,}
VMINFO=$("$HERE/build-vm.sh" --quiet --kernel "$VM_KERNEL") || exit $?
KERNEL=$(sed -n 's/^kernel=//p' <<<"$VMINFO")
INITRD=$(sed -n 's/^initrd=//p' <<<"$VMINFO")

if [ -z "$OUT" ]; then
	OUT=$(mktemp -d /tmp/vxpath-vm.XXXXXX)
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd -P)
rm -rf "$OUT/.vm"
mkdir -p "$OUT/.vm"
LOG=$OUT/console.log

{
	echo "# written by test/vm/run-in-vm.sh"
	if [ -n "$ROOT" ]; then
		# The release's root: what init mounted in the host's root,
		# mounted again inside it, then a chroot. Nothing to unmount:
		# the guest powers off afterwards.
		cat <<EOF
R=$ROOT
echo "run-in-vm: chroot \$R (\$(cat \$R/etc/debian_version 2>/dev/null))"
# A mount point of its own, as / is: ip netns makes / a slave mount.
mount --bind \$R \$R || exit 125
mount -t proc proc \$R/proc || exit 125
mount -t sysfs sysfs \$R/sys || exit 125
mount --rbind /dev \$R/dev || exit 125
mount -t tmpfs -o mode=1777 tmpfs \$R/tmp || exit 125
mount -t tmpfs -o mode=0755 tmpfs \$R/run || exit 125
mkdir -p \$R/run/vxpath/src \$R/run/vxpath/out \$R/run/lock
mount --bind $GUEST_SRC \$R/run/vxpath/src || exit 125
mount --bind /run/vxpath/out \$R/run/vxpath/out || exit 125
exec chroot \$R /usr/bin/env -i PATH="\$PATH" HOME=/root TERM=dumb \\
	LANG=C.UTF-8 VXPATH_IN_VM=1 VXPATH_SRC_DIR=$GUEST_SRC \\
	VXPATH_OUT_DIR=/run/vxpath/out /bin/bash /run/vxpath/out/.vm/cmd-root.sh
EOF
	fi
} >"$OUT/.vm/cmd.sh"
# The command itself (chrooted in the release's root with --root).
CMD=$OUT/.vm/cmd.sh
[ -z "$ROOT" ] || CMD=$OUT/.vm/cmd-root.sh
{
	echo "# written by test/vm/run-in-vm.sh"
	echo "cd $GUEST_SRC || exit 125"
	printf 'exec %q' "$GUEST_SCRIPT"
	for a in "$@"; do
		case $a in
		"$REPO"/*) a=$GUEST_SRC/${a#"$REPO"/} ;;
		"$REPO") a=$GUEST_SRC ;;
		--*="$REPO"/*) a=${a%%=*}=$GUEST_SRC/${a#*="$REPO"/} ;;
		esac
		printf ' %q' "$a"
	done
	printf '\n'
} >>"$CMD"

echo "run-in-vm: booting $(basename "$KERNEL") under TCG; guest runs ${GUEST_SCRIPT#"$GUEST_SRC"/} $*${ROOT:+ in $ROOT}"
echo "run-in-vm: results in $OUT, console log $LOG"

# Serial console on stdio; \r and terminal escapes stripped so the log
# reads as text. QEMU runs in the background so that a SIGTERM or SIGINT
# to this script stops it.
FIFO_DIR=$(mktemp -d)
mkfifo "$FIFO_DIR/console"
tr -d '\r' <"$FIFO_DIR/console" |
	sed -u 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' | tee "$LOG" &
TEE_PID=$!
timeout --kill-after=10 "$TIMEOUT" qemu-system-x86_64 \
	-accel tcg -cpu max -m 2048 -smp 2 \
	-nographic -no-reboot -net none \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 panic=-1 quiet" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$REPO_Q,mount_tag=vxsrc,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=${OUT//,/,,},mount_tag=vxout,security_model=none,multidevs=remap" \
	</dev/null >"$FIFO_DIR/console" 2>&1 &
QPID=$!
on_signal() {
	echo "run-in-vm: interrupted; stopping QEMU" >&2
	kill -TERM "$QPID" 2>/dev/null
	wait "$QPID" 2>/dev/null
	wait "$TEE_PID" 2>/dev/null
	rm -rf "$FIFO_DIR"
	exit 130
}
trap on_signal INT TERM
wait "$QPID"
QRC=$?
wait "$TEE_PID"
trap - INT TERM
rm -rf "$FIFO_DIR"

if [ -s "$OUT/.vm/rc" ]; then
	RC=$(cat "$OUT/.vm/rc")
	echo "run-in-vm: guest script exited with $RC"
	exit "$RC"
fi
if [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; then
	echo "run-in-vm: QEMU killed after ${TIMEOUT}s time limit" >&2
	exit 124
fi
echo "run-in-vm: guest reported no exit status (QEMU exited with $QRC); see $LOG" >&2
exit 125
