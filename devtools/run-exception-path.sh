#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# One command for the exception path: prepares the machine and builds
# vxpath (devtools/setup.sh), then runs a scene here if this host has
# /dev/vhost-net, or else inside the test VM (test/vm/run-in-vm.sh: QEMU
# with Debian's kernel, which has vhost-net). Two scenes:
#   gateway  (default) test/vm/gateway.sh: app/vxpath-gateway between two
#            hosts in namespaces, its fast path on net_af_packet ports and
#            the kernel behind vxpath twins; prints what went where and
#            "gateway: N transit packets on the fast path, M packets to
#            the kernel, K from the kernel"
#   testpmd  devtools/exception-path.sh: a namespace reaches the kernel
#            through dpdk-testpmd forwarding everything to vxpath
#
# Usage: devtools/run-exception-path.sh [--no-setup] [--scene NAME]
#                                       [scene options...]
#   --no-setup  skip devtools/setup.sh (machine already prepared and built).
#   --scene     gateway (default) or testpmd.
#   --driver vxpath|upstream: the twins' or the port's driver (both
#   scenes); --build-dir DIR: the meson build (default build/). testpmd
#   scene options (--results FILE, --plugin FILE, --size BYTES) are passed
#   on; see devtools/exception-path.sh --help. In the VM, a --results FILE
#   is written to the VM's results directory under FILE's name and copied
#   to FILE afterwards.
# Exit status: the scene's (0 pass, 1 a check failed, 2 set-up failed).

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
SETUP=1
SCENE=gateway
DRIVER=vxpath
BUILD_DIR=
RESULTS=
ARGS=()

while [ $# -gt 0 ]; do
	case $1 in
	--no-setup) SETUP=0; shift ;;
	--scene) SCENE=$2; shift 2 ;;
	--scene=*) SCENE=${1#*=}; shift ;;
	--driver) DRIVER=$2; ARGS+=("$1" "$2"); shift 2 ;;
	--driver=*) DRIVER=${1#*=}; ARGS+=("$1"); shift ;;
	--build-dir) BUILD_DIR=$2; ARGS+=("$1" "$(realpath -m "$2")"); shift 2 ;;
	--build-dir=*) BUILD_DIR=${1#*=}; ARGS+=("--build-dir=$(realpath -m "$BUILD_DIR")"); shift ;;
	--results) RESULTS=$2; shift 2 ;;
	--results=*) RESULTS=${1#*=}; shift ;;
	--plugin) ARGS+=("$1" "$(realpath -m "$2")"); shift 2 ;;
	--plugin=*) ARGS+=("--plugin=$(realpath -m "${1#*=}")"); shift ;;
	-h|--help) sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

if [ "$SCENE" = gateway ]; then
	build=$(realpath -m "${BUILD_DIR:-${VXPATH_BUILD_DIR:-$REPO/build}}")
	gw=$build/app/vxpath-gateway/vxpath-gateway
	plugin=$build/drivers/librte_net_vxpath.so
	for f in "$gw" "$plugin"; do
		[ -f "$f" ] || { echo "run-exception-path: $f not built (meson setup build && ninja -C build)" >&2; exit 2; }
	done
	OUT=$(mktemp -d /tmp/vxpath-gateway.XXXXXX)
	cp "$gw" "$plugin" "$OUT/"
	if [ -c /dev/vhost-net ]; then
		echo "run-exception-path: the gateway scene on this host"
		"$REPO/test/vm/gateway.sh" --out "$OUT" --gateway "$OUT/vxpath-gateway" \
			--plugin "$OUT/librte_net_vxpath.so" --twin "$DRIVER"
	else
		echo "run-exception-path: no /dev/vhost-net on this host; running the gateway scene in the test VM (QEMU, TCG)"
		"$REPO/test/vm/run-in-vm.sh" --out "$OUT" "$REPO/test/vm/gateway.sh" \
			--gateway /run/vxpath/out/vxpath-gateway \
			--plugin /run/vxpath/out/librte_net_vxpath.so --twin "$DRIVER"
	fi
	RC=$?
	echo "run-exception-path: results, the gateway's log and the console in $OUT"
	exit $RC
elif [ "$SCENE" != testpmd ]; then
	echo "run-exception-path: --scene: gateway or testpmd, not '$SCENE'" >&2
	exit 2
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
