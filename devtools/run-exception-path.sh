#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# One command for the exception-path scene (devtools/exception-path.sh):
# prepares the machine and builds vxpath (devtools/setup.sh), then runs the
# scene here if this host has /dev/vhost-net, or else inside the test VM
# (test/vm/run-in-vm.sh: QEMU with Debian's kernel, which has vhost-net).
#
# Usage: devtools/run-exception-path.sh [--no-setup] [scene options...]
#   --no-setup  skip devtools/setup.sh (machine already prepared and built).
#   Scene options (--driver vxpath|upstream, --results FILE, --build-dir
#   DIR, --plugin FILE, --size BYTES) are passed on; see
#   devtools/exception-path.sh --help. In the VM, a --results FILE is
#   written to the VM's results directory under FILE's name and copied to
#   FILE afterwards.
# Exit status: the scene's (0 pass, 1 a check failed, 2 set-up failed).

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SETUP=1
DRIVER=vxpath
BUILD_DIR=
RESULTS=
ARGS=()

while [ $# -gt 0 ]; do
	case $1 in
	--no-setup) SETUP=0; shift ;;
	--driver) DRIVER=$2; ARGS+=("$1" "$2"); shift 2 ;;
	--driver=*) DRIVER=${1#*=}; ARGS+=("$1"); shift ;;
	--build-dir) BUILD_DIR=$2; ARGS+=("$1" "$(realpath -m "$2")"); shift 2 ;;
	--build-dir=*) BUILD_DIR=${1#*=}; ARGS+=("--build-dir=$(realpath -m "$BUILD_DIR")"); shift ;;
	--results) RESULTS=$2; shift 2 ;;
	--results=*) RESULTS=${1#*=}; shift ;;
	--plugin) ARGS+=("$1" "$(realpath -m "$2")"); shift 2 ;;
	--plugin=*) ARGS+=("--plugin=$(realpath -m "${1#*=}")"); shift ;;
	-h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) ARGS+=("$1"); shift ;;
	esac
done

if [ "$SETUP" = 1 ] && [ -x "$REPO/devtools/setup.sh" ]; then
	echo "run-exception-path: devtools/setup.sh"
	SETUP_ARGS=()
	[ -n "$BUILD_DIR" ] && SETUP_ARGS=(--build-dir "$BUILD_DIR")
	if ! "$REPO/devtools/setup.sh" "${SETUP_ARGS[@]}"; then
		if [ "$DRIVER" = vxpath ]; then
			echo "run-exception-path: setup.sh failed; cannot run the scene with vxpath" >&2
			exit 2
		fi
		echo "run-exception-path: setup.sh failed; going on with --driver $DRIVER" >&2
	fi
fi

if [ -c /dev/vhost-net ]; then
	[ -n "$RESULTS" ] && ARGS+=(--results "$(realpath -m "$RESULTS")")
	exec "$REPO/devtools/exception-path.sh" "${ARGS[@]}"
fi

echo "run-exception-path: no /dev/vhost-net on this host; running the scene in the test VM (QEMU, TCG)"
OUT=$(mktemp -d /tmp/vxpath-scene-vm.XXXXXX)
[ -n "$RESULTS" ] && ARGS+=(--results "/run/vxpath/out/$(basename "$RESULTS")")
"$REPO/test/vm/run-in-vm.sh" --out "$OUT" "$REPO/devtools/exception-path.sh" "${ARGS[@]}"
RC=$?
if [ -n "$RESULTS" ]; then
	if [ -f "$OUT/$(basename "$RESULTS")" ]; then
		cp "$OUT/$(basename "$RESULTS")" "$RESULTS"
		echo "run-exception-path: results in $RESULTS"
	fi
fi
echo "run-exception-path: VM console log and results in $OUT"
exit $RC
