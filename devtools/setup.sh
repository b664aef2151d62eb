#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Prepare a Debian 12 machine to build and test vxpath, then build it.
# Idempotent: each step checks first and only changes what is missing.
#
#   1. add a deb-src entry for Debian's archive (the build takes DPDK's
#      driver SDK headers from Debian's dpdk source package);
#   2. install the Debian packages the build and the tests need
#      (apt-get update once, only if something is missing);
#   3. reserve 2 MB hugepages and mount hugetlbfs on /dev/hugepages;
#   4. meson setup (or reconfigure) and ninja.
#
# Usage: devtools/setup.sh [--no-build] [--build-dir DIR]   (as root)

set -euo pipefail

PACKAGES=(
	dpdk libdpdk-dev dpdk-dev libbsd-dev python3-pyelftools
	meson ninja-build pkg-config gcc libcmocka-dev libmnl-dev
	clang libclang-rt-14-dev
	python3-pytest python3-scapy python3-pexpect python3-sphinx
	iproute2 iputils-ping curl ethtool
	dpkg-dev xz-utils cpio busybox-static qemu-system-x86 libc6-dev
)
HUGEPAGES=1024
HUGEPAGES_SYSFS=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=$repo/build
do_build=1

usage() {
	echo "usage: $0 [--no-build] [--build-dir DIR]" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--no-build) do_build=0; shift ;;
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
	die "this script is for Debian 12 (apt-get and dpkg-query needed)"

export DEBIAN_FRONTEND=noninteractive

# 1. deb-src entry for Debian's archive, in deb822 format, like the binary
# entries of a stock bookworm install.
# apt's own configuration names the files (/etc/apt/sources.list and
# /etc/apt/sources.list.d/, unless APT_CONFIG says otherwise).
. "$repo/config/apt-sources.sh"
apt_source_dirs
DEB_SRC_FILE=$APT_SRCPARTS/vxpath-deb-src.sources
need_update=0
if have_deb_src_entry; then
	step "deb-src entry: present"
else
	step "adding the deb-src entry $DEB_SRC_FILE"
	cat > "$DEB_SRC_FILE" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
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
if [ ${#missing[@]} -gt 0 ]; then
	step "installing: ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
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
