#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Find DPDK's driver SDK headers for the build (run by config/meson.build
# at configure time). A PMD built outside DPDK's tree needs five headers that
# DPDK only installs when built with enable_driver_sdk, which Debian's
# packages are not:
#
#   ethdev_driver.h ethdev_vdev.h   (lib/ethdev/ in DPDK's source)
#   bus_vdev_driver.h               (drivers/bus/vdev/)
#   bus_driver.h dev_driver.h       (lib/eal/include/)
#
# They are looked for, in this order:
#   a) the installed DPDK's include directories (--include-dir): used there;
#   b) a DPDK source tree given with --dpdk-src (a directory or a tarball);
#   c) Debian's source package of the exact installed libdpdk-dev version,
#      fetched with `apt-get source --download-only` into --download-dir;
#   d) where c) cannot be had (not a Debian system, or the archive no longer
#      serves that version's source), the DPDK source tree or tarball named
#      by the environment variable VXPATH_DPDK_SRC, of the same release
#      series as the installed DPDK.
# b), c) and d) copy the five headers (nothing else) into OUT/<version>/,
# which is reused on the next run without any network access; the file
# ORIGIN there says where they came from. The headers are never part of
# vxpath's own tree.
#
# Output: progress lines on stderr; on stdout two lines: dir=DIR, the
# directory to add to the include path (empty if the installed DPDK has
# them), and origin=TEXT, where they came from, for the build's summary.
# Exit status: 0 on success, 1 with the reason on stderr otherwise.

set -euo pipefail

HEADERS=(
	lib/ethdev/ethdev_driver.h
	lib/ethdev/ethdev_vdev.h
	drivers/bus/vdev/bus_vdev_driver.h
	lib/eal/include/bus_driver.h
	lib/eal/include/dev_driver.h
)

usage() {
	cat >&2 <<EOF
usage: $0 --version VER --out DIR [--include-dir DIR]... [--dpdk-src PATH]
          [--download-dir DIR]
  --version VER       DPDK version found by pkg-config (e.g. 22.11.11)
  --out DIR           cache root; headers land in DIR/VER/
  --include-dir DIR   an include directory of the installed DPDK (repeat)
  --dpdk-src PATH     DPDK source tree: a directory or a tarball (.tar.xz...)
  --download-dir DIR  where apt-get source puts Debian's source package
                      (default: DIR of --out, then /download)
Environment: VXPATH_DPDK_SRC=PATH, a DPDK source tree or tarball taken when
  Debian's source package of the installed version cannot be fetched.
EOF
	exit 1
}

say() { echo "sdk-headers: $*" >&2; }
die() { echo "sdk-headers: error: $*" >&2; exit 1; }

version=
out=
dpdk_src=
download_dir=
include_dirs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--version) version=${2-}; shift 2 ;;
	--out) out=${2-}; shift 2 ;;
	--include-dir) [ -n "${2-}" ] && include_dirs+=("$2"); shift 2 ;;
	--dpdk-src) dpdk_src=${2-}; shift 2 ;;
	--download-dir) download_dir=${2-}; shift 2 ;;
	-h|--help) usage ;;
	*) say "unknown argument: $1"; usage ;;
	esac
done
[ -n "$version" ] && [ -n "$out" ] || usage
[ -n "$download_dir" ] || download_dir=$out/download

cache=$out/$version

# True if directory $1 holds all five headers (flat).
have_all() {
	local h
	for h in "${HEADERS[@]}"; do
		[ -s "$1/${h##*/}" ] || return 1
	done
}

# major.minor of a DPDK version string ("22.11.11" -> "22.11").
series() { echo "$1" | cut -d. -f1,2; }

# Check the version of a source tree against the installed DPDK's:
# another release series has another internal ABI (fail); another
# patch level of the same series is accepted with a warning.
check_src_version() {
	local src_ver=$1 what=$2
	if [ -z "$src_ver" ]; then
		say "warning: cannot tell the DPDK version of $what;" \
		    "make sure it is $version"
		return 0
	fi
	if [ "$(series "$src_ver")" != "$(series "$version")" ]; then
		die "$what is DPDK $src_ver but the installed DPDK is" \
		    "$version: the driver SDK headers must come from the" \
		    "same release"
	fi
	if [ "$src_ver" != "$version" ]; then
		say "warning: $what is DPDK $src_ver, the installed DPDK is" \
		    "$version (same series; using it)"
	fi
}

# What the cache was made from: a cache made otherwise than asked now
# (dpdk_src given, changed or dropped) is made again.
env_src=${VXPATH_DPDK_SRC:-}
cache_key="dpdk_src=$dpdk_src"
[ -n "$dpdk_src" ] || cache_key="debian;fallback=$env_src"

# Move a complete temporary header directory into the cache, atomically.
commit_cache() {
	local tmp=$1 origin=$2
	have_all "$tmp" || die "internal: incomplete header set in $tmp"
	echo "$origin" > "$tmp/ORIGIN"
	echo "$cache_key" > "$tmp/KEY"
	chmod 755 "$tmp"
	rm -rf "$cache"
	mv "$tmp" "$cache"
	say "cached in $cache ($origin)"
	echo "dir=$cache"
	echo "origin=$origin"
	exit 0
}

# Extract the five headers (and VERSION) from tarball $1 into flat dir $2.
# Judged by the files afterwards: tar's status only says whether every
# pattern matched.
extract_from_tarball() {
	local tarball=$1 dest=$2 work h f
	work=$(mktemp -d "$out/.extract.XXXXXX")
	# --no-anchored: a pattern matches at any directory level, whatever
	# the tarball's top directory is called.
	say "extracting headers from $tarball"
	tar -xf "$tarball" -C "$work" --no-anchored VERSION "${HEADERS[@]}" \
	    2>/dev/null || true
	for h in "${HEADERS[@]}"; do
		f=$(find "$work" -path "*/$h" -type f | head -n 1)
		[ -n "$f" ] && cp -p "$f" "$dest/"
	done
	# The tree's top-level VERSION: the shallowest one found.
	f=$(find "$work" -name VERSION -type f -printf '%d %p\n' |
	    sort -n | head -n 1 | cut -d' ' -f2-)
	[ -n "$f" ] && head -n 1 "$f" > "$dest/.version"
	rm -rf "$work"
}

mkdir -p "$out"

# Cached from an earlier run: nothing to do, no network.
if have_all "$cache" &&
   [ "$(cat "$cache/KEY" 2>/dev/null || true)" = "$cache_key" ]; then
	origin=$(cat "$cache/ORIGIN" 2>/dev/null || echo '?')
	say "using cached headers in $cache ($origin)"
	echo "dir=$cache"
	echo "origin=$origin"
	exit 0
fi

# a) The installed DPDK ships them (built with enable_driver_sdk).
for d in "${include_dirs[@]}"; do
	if have_all "$d"; then
		say "the installed DPDK has them in $d"
		echo "dir="
		echo "origin=the installed DPDK ($d)"
		exit 0
	fi
done

tmp=$(mktemp -d "$out/.new.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Take the headers from a DPDK source tree or tarball $1 ($2 says who named
# it), check its version and cache them; does not return.
use_dpdk_src() {
	local dpdk_src=$1 who=$2 src_ver= h
	if [ -d "$dpdk_src" ]; then
		say "taking headers from the DPDK source tree $dpdk_src"
		for h in "${HEADERS[@]}"; do
			[ -s "$dpdk_src/$h" ] ||
				die "$dpdk_src/$h not found: is $who a DPDK source tree?"
			cp -p "$dpdk_src/$h" "$tmp/"
		done
		[ -s "$dpdk_src/VERSION" ] && src_ver=$(head -n 1 "$dpdk_src/VERSION")
	elif [ -f "$dpdk_src" ]; then
		extract_from_tarball "$dpdk_src" "$tmp"
		have_all "$tmp" ||
			die "$dpdk_src lacks some of: ${HEADERS[*]}"
		src_ver=$(cat "$tmp/.version" 2>/dev/null || true)
		rm -f "$tmp/.version"
	else
		die "$who=$dpdk_src: no such directory or file"
	fi
	check_src_version "$src_ver" "$dpdk_src"
	commit_cache "$tmp" "$who $dpdk_src (DPDK ${src_ver:-unknown})"
}

# b) A DPDK source tree named by the user.
[ -z "$dpdk_src" ] || use_dpdk_src "$dpdk_src" dpdk_src

# c) fails: d) if VXPATH_DPDK_SRC names a tree, else one error line that
# says what to do.
fallback_or_die() {
	if [ -n "$env_src" ]; then
		say "$*"
		say "using VXPATH_DPDK_SRC instead"
		use_dpdk_src "$env_src" VXPATH_DPDK_SRC
	fi
	die "$*"
}

# c) Debian's source package of the installed version.
src_hint="pass -Ddpdk_src=<DPDK $version source tree or tarball> to meson, or set VXPATH_DPDK_SRC to one"
setup_hint="run devtools/setup.sh as root (it adds a deb-src entry and runs apt-get update), or $src_hint"
command -v apt-get >/dev/null && command -v dpkg-query >/dev/null ||
	fallback_or_die "the installed DPDK lacks the driver SDK headers and" \
	    "this is not a Debian system; $src_hint"
deb_ver=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null || true)
[ -n "$deb_ver" ] ||
	fallback_or_die "libdpdk-dev is not installed (dpkg-query); $setup_hint"
# Upstream version: no epoch, no Debian revision.
upstream=${deb_ver#*:}
upstream=${upstream%-*}
[ "$upstream" = "$version" ] ||
	fallback_or_die "pkg-config finds DPDK $version but Debian's" \
	    "libdpdk-dev is $deb_ver: the libdpdk in use is not Debian's;" \
	    "$src_hint"

# have_deb_src_entry: apt's sources name a deb-src entry.
. "$(dirname "${BASH_SOURCE[0]}")/apt-sources.sh"

# The orig (or native) tarball of the package in the download directory.
find_orig() {
	find "$download_dir" -maxdepth 1 -type f \
	    \( -name "dpdk_${upstream}.orig.tar.*" -o \
	       -name "dpdk_${upstream}.tar.*" \) | head -n 1
}

mkdir -p "$download_dir"
orig=$(find_orig)
if [ -z "$orig" ]; then
	have_deb_src_entry ||
		fallback_or_die "no deb-src entry in apt's sources, so Debian's source" \
		    "package dpdk=$deb_ver cannot be fetched; $setup_hint"
	[ -n "$(apt-get indextargets --format '$(FILENAME)' \
		'Created-By: Sources' 2>/dev/null)" ] ||
		fallback_or_die "apt has a deb-src entry but no source index yet" \
		    "(apt-get update was not run since); $setup_hint"
	say "fetching Debian's source package dpdk=$deb_ver into $download_dir"
	# apt-get may report a failure (a .dsc 404, say) while the tarballs
	# do arrive: judged by the files below, not by its status.
	(cd "$download_dir" &&
	 apt-get source --download-only -qq "dpdk=$deb_ver" >&2) ||
		say "apt-get source reported a failure; checking the files"
	orig=$(find_orig)
	[ -n "$orig" ] ||
		fallback_or_die "apt-get source did not fetch" \
		    "dpdk_${upstream}.orig.tar.* for dpdk=$deb_ver (is that" \
		    "version still in the archive or in apt's source index?" \
		    "try apt-get update); or $src_hint"
else
	say "using the downloaded source $orig"
fi

extract_from_tarball "$orig" "$tmp"
rm -f "$tmp/.version"
have_all "$tmp" || die "$orig lacks some of: ${HEADERS[*]}"

# Debian's patches on top of the orig tarball, if any touch the headers.
debian_tar=$(find "$download_dir" -maxdepth 1 -type f \
	-name "dpdk_${deb_ver#*:}.debian.tar.*" | head -n 1)
if [ -n "$debian_tar" ]; then
	work=$(mktemp -d "$out/.patch.XXXXXX")
	tar -xf "$debian_tar" -C "$work" debian/patches 2>/dev/null || true
	series_file=$work/debian/patches/series
	touched=
	if [ -f "$series_file" ]; then
		for h in "${HEADERS[@]}"; do
			grep -lqs -- "$h" "$work"/debian/patches/* &&
				touched="$touched $h"
		done
	fi
	if [ -n "$touched" ]; then
		say "Debian patches touch:$touched; applying them"
		command -v patch >/dev/null ||
			die "'patch' is needed to apply Debian's patches"
		for h in "${HEADERS[@]}"; do
			mkdir -p "$work/tree/${h%/*}"
			cp -p "$tmp/${h##*/}" "$work/tree/$h"
		done
		grep -Ev '^[[:space:]]*(#|$)' "$series_file" |
		while read -r p _; do
			grep -qs -F -e "${HEADERS[0]}" -e "${HEADERS[1]}" \
			    -e "${HEADERS[2]}" -e "${HEADERS[3]}" \
			    -e "${HEADERS[4]}" "$work/debian/patches/$p" ||
				continue
			# Only the hunks on our five files apply; the rest of
			# the tree is absent and its hunks are dropped.
			(cd "$work/tree" && patch -p1 -s -f --no-backup-if-mismatch \
			    -r - < "../debian/patches/$p" >/dev/null 2>&1) || true
		done
		for h in "${HEADERS[@]}"; do
			cp "$work/tree/$h" "$tmp/"
		done
	fi
	rm -rf "$work"
fi

commit_cache "$tmp" "Debian source package dpdk=$deb_ver"
