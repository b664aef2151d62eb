#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Stage the built plugin where EAL accepts it for -d. EAL refuses a plugin
# whose directory, or any parent of it, is world-writable (/tmp, and a clone
# under /tmp), so the plugin is copied into /run/vxpath/plugins/, every
# directory of which is made 0755.
#
# Usage: devtools/stage-plugin.sh [BUILD_DIR]
#   BUILD_DIR defaults to the repository's build/.
#   VXPATH_PLUGIN_DIR (environment) replaces /run/vxpath/plugins, e.g. for a
#   private copy while others use the shared one.
# Prints the staged plugin's path on stdout; fails if the plugin is missing.

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$repo/build}
plugin=$build/drivers/librte_net_vxpath.so
dest_dir=${VXPATH_PLUGIN_DIR:-/run/vxpath/plugins}

if [ ! -f "$plugin" ]; then
	echo "stage-plugin: $plugin not found; build it first" \
	     "(meson setup $build && ninja -C $build)" >&2
	exit 1
fi

case "$dest_dir" in
/*) ;;
*) echo "stage-plugin: $dest_dir: an absolute path is needed" >&2; exit 1 ;;
esac
# Every directory on the path must not be world-writable: check the part
# that exists before creating anything.
d=$dest_dir
while [ ! -e "$d" ]; do
	d=$(dirname "$d")
done
while :; do
	if [ -n "$(find "$d" -maxdepth 0 -perm -o+w)" ]; then
		echo "stage-plugin: $d is world-writable; EAL would refuse" \
		     "a plugin under it" >&2
		exit 1
	fi
	[ "$d" = / ] && break
	d=$(dirname "$d")
done
mkdir -p "$dest_dir"
# 0755 along the path: all of it below /run for the default, what this
# script created otherwise (already-present directories passed the check).
if [ "$dest_dir" = /run/vxpath/plugins ]; then
	chmod 755 /run/vxpath /run/vxpath/plugins
else
	chmod 755 "$dest_dir"
fi

# Copy then rename: a DPDK process that has the old plugin mapped keeps it,
# and no process ever sees a half-written file.
tmp=$(mktemp "$dest_dir/.librte_net_vxpath.so.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp "$plugin" "$tmp"
chmod 755 "$tmp"
mv -f "$tmp" "$dest_dir/librte_net_vxpath.so"
trap - EXIT
echo "$dest_dir/librte_net_vxpath.so"
