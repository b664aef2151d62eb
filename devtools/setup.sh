#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Prepare a Debian machine to build and test vxpath, then build it:
# Debian 12 (bookworm, DPDK 22.11), Debian 13 (trixie, DPDK 24.11) or
# forky/sid (DPDK 25.11). Idempotent: each step checks first and only
# changes what is missing.
#
#   1. add deb-src entries for the Debian suites apt's binary entries name
#      (the running release's: the build takes DPDK's driver SDK headers
#      from Debian's dpdk source package of the installed version);
#   2. install the Debian packages the build and the tests need, the clang
#      runtime (sanitizers) of the release's default clang among them
#      (apt-get update once, only if something is missing);
#   3. reserve 2 MB hugepages and mount hugetlbfs on /dev/hugepages;
#   4. meson setup (or reconfigure) and ninja.
#
# Usage: devtools/setup.sh [--no-build] [--no-vm] [--build-dir DIR]  (as root)
#   --no-build      stop after step 3
#   --no-vm         leave out what only the test VM's host needs (QEMU,
#                   busybox-static, cpio): for a release root that the VM
#                   is started around (devtools/release-matrix.sh)
#   --build-dir DIR build directory (default: <repo>/build)
# Environment: VXPATH_DPDK_SRC, a DPDK source tree or tarball for the driver
# SDK headers where the archive no longer has the installed version's source
# (see config/get-sdk-headers.sh).

set -euo pipefail

# The same names on Debian 12, 13 and forky/sid. The clang runtime
# (libclang-rt-<N>-dev) follows the release's clang and is added in step 2.
# git: devtools/check-maintainers.sh lists the tree's files with it (a
# release root has none of its own). bird2: the routing daemons of the
# gateway scene (test/vm/gateway.sh, OSPF over the exception path); its
# own service is disabled below, the scene starts private instances.
# dpdk-doc: DPDK's examples, of which devtools/gateway-bench.py builds
# l3fwd.
PACKAGES=(
	dpdk libdpdk-dev dpdk-dev dpdk-doc libbsd-dev python3-pyelftools
	meson ninja-build pkg-config gcc libcmocka-dev libmnl-dev
	clang
	python3-pytest python3-scapy python3-pexpect python3-sphinx
	iproute2 iputils-ping curl ethtool
	dpkg-dev xz-utils libc6-dev
	git
	bird2
)
VM_PACKAGES=(cpio busybox-static qemu-system-x86)
HUGEPAGES=1024
HUGEPAGES_SYSFS=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=$repo/build
do_build=1
with_vm=1

usage() {
	echo "usage: $0 [--no-build] [--no-vm] [--build-dir DIR]" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--no-build) do_build=0; shift ;;
	--no-vm) with_vm=0; shift ;;
	--build-dir) [ -n "${2-}" ] || usage; build_dir=$2; shift 2 ;;
	-h|--help) usage ;;
	*) echo "setup: unknown argument: $1" >&2; usage ;;
	esac
done
case "$build_dir" in
/*) ;;
*) build_dir=$PWD/$build_dir ;;
esac

step() { echo "==> $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (apt-get, hugepages, mount)"
command -v apt-get >/dev/null && command -v dpkg-query >/dev/null ||
	die "this script is for Debian (apt-get and dpkg-query needed)"
[ "$with_vm" -eq 0 ] || PACKAGES+=("${VM_PACKAGES[@]}")
release=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-?}")
step "Debian ${release} ($(cat /etc/debian_version 2>/dev/null || echo '?'))"

export DEBIAN_FRONTEND=noninteractive

# 1. deb-src entries for Debian's archive, in deb822 format: one for each
# Debian suite that apt's binary entries name (bookworm and
# bookworm-updates, trixie, forky, sid...), so that the source index is the
# running release's. apt's own configuration names the files
# (/etc/apt/sources.list and /etc/apt/sources.list.d/, unless APT_CONFIG
# says otherwise). A deb-src entry of the user's own is left alone; the file
# this script wrote is written again when the binary entries changed (a
# machine upgraded from Debian 12 to 13).
. "$repo/config/apt-sources.sh"
apt_source_dirs
DEB_SRC_FILE=$APT_SRCPARTS/vxpath-deb-src.sources
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$KEYRING" ] || KEYRING=

# Print "URI SUITE" for every binary entry on a Debian archive (a path
# ending in /debian or /debian-security), both formats.
debian_binary_suites() {
	local f
	for f in "$APT_SRCLIST" "$APT_SRCPARTS"/*.list; do
		[ -f "$f" ] || continue
		# deb [options] URI SUITE COMPONENT...
		awk '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
			if (i + 1 <= NF) print $i, $(i + 1)
		}' "$f"
	done
	for f in "$APT_SRCPARTS"/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush() {
			if (types ~ /(^| )deb( |$)/ && enabled != "no")
				for (u in uris) for (s in suites) print u, s
			types = ""; enabled = ""; delete uris; delete suites
		}
		/^[ \t]*$/ { flush(); next }
		/^[ \t]*#/ { next }
		tolower($1) == "types:" { types = ""; for (i = 2; i <= NF; i++) types = types " " $i; types = types " " }
		tolower($1) == "enabled:" { enabled = tolower($2) }
		tolower($1) == "uris:" { for (i = 2; i <= NF; i++) uris[$i] = 1 }
		tolower($1) == "suites:" { for (i = 2; i <= NF; i++) suites[$i] = 1 }
		END { flush() }' "$f"
	done | awk '$1 ~ /\/debian(-security)?\/?$/' | sort -u
}

# The deb-src file for those suites, on stdout: one stanza per URI.
deb_src_file() {
	debian_binary_suites | awk -v keyring="$KEYRING" '
		!($1 in suites) { order[++n] = $1; suites[$1] = $2; next }
		{ suites[$1] = suites[$1] " " $2 }
		END {
			for (i = 1; i <= n; i++) {
				if (i > 1) print ""
				print "Types: deb-src"
				print "URIs: " order[i]
				print "Suites: " suites[order[i]]
				print "Components: main"
				if (keyring != "") print "Signed-By: " keyring
			}
		}'
}

need_update=0
want_src=$(deb_src_file)
if [ -f "$DEB_SRC_FILE" ] && [ -n "$want_src" ] &&
   [ "$(cat "$DEB_SRC_FILE")" != "$(printf '%s' "$want_src")" ]; then
	step "rewriting $DEB_SRC_FILE for the suites apt now uses"
	printf '%s\n' "$want_src" > "$DEB_SRC_FILE"
	need_update=1
elif have_deb_src_entry; then
	step "deb-src entry: present"
elif [ -z "$want_src" ]; then
	echo "setup: warning: apt's sources name no Debian archive suite;" \
	     "no deb-src entry added (the driver SDK headers then need" \
	     "-Ddpdk_src or VXPATH_DPDK_SRC)" >&2
else
	step "adding deb-src entries ($(debian_binary_suites | awk '{ print $2 }' | tr '\n' ' '| sed 's/ $//')) in $DEB_SRC_FILE"
	printf '%s\n' "$want_src" > "$DEB_SRC_FILE"
	chmod 644 "$DEB_SRC_FILE"
	need_update=1
fi
# The source index must be there too (apt-get update not run since the
# entry was added).
if [ -z "$(apt-get indextargets --format '$(FILENAME)' \
	'Created-By: Sources' 2>/dev/null)" ]; then
	need_update=1
fi

# 2. Packages. libc6-dev is only a Recommends of gcc: named here since
# recommended packages are not installed.
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null |
		grep -q 'install ok installed'
}
missing=()
for p in "${PACKAGES[@]}"; do
	installed "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || need_update=1

# One apt-get update for both.
if [ "$need_update" -eq 1 ]; then
	step "apt-get update"
	apt-get update -qq
fi

# The sanitizers' runtime is clang's own: libclang-rt-<N>-dev for the
# release's default clang-<N> (14 on Debian 12, 19 on Debian 13...).
clang_rt=$(apt-cache depends clang 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^clang-[0-9]+$/ {
		sub(/^clang-/, "", $2); print "libclang-rt-" $2 "-dev"; exit }')
if [ -z "$clang_rt" ]; then
	echo "setup: warning: cannot tell which clang the release's" \
	     "'clang' package depends on; the sanitizer build" \
	     "(devtools/sanitize.sh) needs its libclang-rt-<N>-dev" >&2
elif ! installed "$clang_rt"; then
	missing+=("$clang_rt")
fi
if [ ${#missing[@]} -gt 0 ]; then
	step "installing: ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
	# Debian enables (and may start) bird with /etc/bird/bird.conf: the
	# tests want no daemon of their own on this machine's routes.
	if [[ " ${missing[*]} " == *" bird2 "* ]] &&
		command -v systemctl >/dev/null; then
		step "disabling the bird service (the tests start their own)"
		if [ -d /run/systemd/system ]; then
			systemctl disable --now bird.service || true
		else
			systemctl disable bird.service || true
		fi
	fi
else
	step "packages: all installed"
fi

# 3. Hugepages.
if [ -w "$HUGEPAGES_SYSFS" ]; then
	have=$(cat "$HUGEPAGES_SYSFS")
	if [ "$have" -lt "$HUGEPAGES" ]; then
		step "reserving $HUGEPAGES hugepages of 2 MB (had $have)"
		echo "$HUGEPAGES" > "$HUGEPAGES_SYSFS"
		have=$(cat "$HUGEPAGES_SYSFS")
		[ "$have" -ge "$HUGEPAGES" ] ||
			echo "setup: warning: only $have hugepages reserved" \
			     "(memory is short or fragmented)" >&2
	else
		step "hugepages: $have x 2 MB reserved"
	fi
else
	echo "setup: warning: $HUGEPAGES_SYSFS not writable; hugepages" \
	     "not reserved" >&2
fi
if awk '$2 == "/dev/hugepages" && $3 == "hugetlbfs" { found = 1 }
	END { exit !found }' /proc/mounts; then
	step "hugetlbfs: mounted on /dev/hugepages"
else
	step "mounting hugetlbfs on /dev/hugepages"
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages
fi

# 4. Build.
if [ "$do_build" -eq 0 ]; then
	step "done (--no-build)"
	exit 0
fi
cd "$repo"
if [ -f "$build_dir/meson-private/coredata.dat" ]; then
	step "meson setup --reconfigure $build_dir"
	meson setup --reconfigure "$build_dir"
else
	step "meson setup $build_dir"
	meson setup "$build_dir"
fi
step "ninja -C $build_dir"
ninja -C "$build_dir"
step "done: $build_dir/drivers/librte_net_vxpath.so"
