#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Builds the small QEMU guest that gives vxpath a real Linux vhost-net when
# the host kernel has none: a Debian kernel image (fetched with apt-get
# download, never installed) and an initramfs made of busybox-static, the
# guest init (test/vm/init) and the kernel modules the guest needs (virtio
# PCI, 9p, tun/tap, veth, bridge, vhost-net), uncompressed and listed in
# the order insmod must load them.
#
# Two kernels (--kernel, or VXPATH_VM_KERNEL):
#   bookworm  (the default) the host's own release's linux-image-amd64
#             (Debian 12, Linux 6.1), through the host's apt;
#   trixie    Debian 13's linux-image-amd64 (Linux 6.12), through an apt
#             of its own (sources, lists and cache in CACHE/apt, the
#             host's keyring; the host's apt is not touched), with the
#             vDPA modules as well: vdpa, vduse (/dev/vduse/control, a
#             vDPA device served from user space) and vhost_vdpa
#             (/dev/vhost-vdpa-N). virtio_vdpa is left out, so that a
#             vDPA device binds to vhost_vdpa.
#   forky     Debian 14's (testing) linux-image-amd64 (Linux 7.2 at the
#             time of writing), likewise through an apt of its own, with
#             the same modules: a kernel recent enough for
#             VHOST_SET_FORK_FROM_OWNER (Linux 6.17+, built with
#             CONFIG_VHOST_ENABLE_FORK_OWNER_CONTROL), the vhost worker's
#             kind. Its image package is split: linux-image-VERSION only
#             depends on linux-binary-VERSION (vmlinuz), linux-modules-
#             VERSION and linux-base-VERSION (modules.builtin), which are
#             fetched beside it.
#
# Output, in the cache directory (kept between runs): vmlinuz, initrd.cpio
# and stamp. The cache is /var/cache/vxpath/vm for bookworm, and the same
# path with -trixie or -forky appended for the others
# (/var/cache/vxpath/vm-trixie);
# VXPATH_VM_CACHE replaces /var/cache/vxpath/vm in both. The initramfs is
# rebuilt only when an input changes: the kernel package version, this
# script, the init script or the busybox binary.
#
# Usage: test/vm/build-vm.sh [--kernel bookworm|trixie|forky] [--force]
#                            [--quiet]
# Prints the kernel and initramfs paths on success. Exit status: 0 on
# success, 1 on failure, 2 when QEMU or the kernel cannot be had on this
# machine (the caller may treat that as "skip").

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${VXPATH_VM_CACHE:-/var/cache/vxpath/vm}
KERNEL=${VXPATH_VM_KERNEL:-bookworm}
INIT_SRC=$HERE/init
FORCE=0
QUIET=0

# Modules the guest wants; their dependencies are found from each module's
# own .modinfo "depends=" entry and loaded first.
WANTED_MODULES="virtio_pci 9pnet_virtio 9p vhost_net tun tap veth bridge"

while [ $# -gt 0 ]; do
	case $1 in
	--force) FORCE=1 ;;
	--quiet) QUIET=1 ;;
	--kernel) KERNEL=${2-}; shift ;;
	--kernel=*) KERNEL=${1#--kernel=} ;;
	-h|--help) sed -n '2,45p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "build-vm: unknown argument: $1" >&2; exit 1 ;;
	esac
	shift
done

# KAPT: apt's options for the kernel's release (empty: the host's apt).
KAPT=()
case $KERNEL in
bookworm) ;;
trixie|forky)
	CACHE=$CACHE-$KERNEL
	WANTED_MODULES="$WANTED_MODULES vdpa vduse vhost_vdpa"
	A=$CACHE/apt
	KAPT=(-o "Dir::Etc::SourceList=$A/sources.list"
	      -o "Dir::Etc::SourceParts=$A/none"
	      -o "Dir::Etc::Preferences=$A/none/preferences"
	      -o "Dir::Etc::PreferencesParts=$A/none"
	      -o "Dir::State::Lists=$A/lists"
	      -o "Dir::Cache=$A/cache"
	      -o "Dir::State::status=/dev/null")
	;;
*) echo "build-vm: --kernel $KERNEL: bookworm, trixie or forky" >&2; exit 1 ;;
esac

say() { [ "$QUIET" = 1 ] || echo "build-vm: $*"; }
die() { echo "build-vm: $*" >&2; exit 1; }
unavailable() { echo "build-vm: UNAVAILABLE: $*" >&2; exit 2; }

[ "$(id -u)" = 0 ] || unavailable "must run as root (apt-get, /var/cache, 9p export of /)"

# ---- host tools ---------------------------------------------------------
APT_UPDATED=0
apt_update_once() {
	if [ "$APT_UPDATED" = 0 ]; then
		say "apt-get update"
		apt-get update -qq >/dev/null 2>&1 || true
		APT_UPDATED=1
	fi
}

busybox_is_static() {
	[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1
}

need_pkgs=()
command -v qemu-system-x86_64 >/dev/null || need_pkgs+=(qemu-system-x86)
busybox_is_static || need_pkgs+=(busybox-static)
command -v cpio >/dev/null || need_pkgs+=(cpio)
command -v xz >/dev/null || need_pkgs+=(xz-utils)
if [ ${#need_pkgs[@]} -gt 0 ]; then
	say "installing ${need_pkgs[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	     --no-install-recommends "${need_pkgs[@]}" >/dev/null 2>&1; then
		apt_update_once
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends "${need_pkgs[@]}" >/dev/null 2>&1 ||
			unavailable "cannot install ${need_pkgs[*]}"
	fi
fi
command -v qemu-system-x86_64 >/dev/null || unavailable "no qemu-system-x86_64"
busybox_is_static || unavailable "no statically linked /bin/busybox"

mkdir -p "$CACHE/debs"
exec 9>"$CACHE/.lock"
flock 9

# The kernel's apt: the host's own, or (trixie) one that knows only
# Debian 13's main archive, signed with the host's Debian keyring.
KAPT_UPDATED=0
kapt_update_once() {
	[ ${#KAPT[@]} -gt 0 ] || { apt_update_once; return; }
	if [ "$KAPT_UPDATED" = 0 ]; then
		say "apt-get update ($KERNEL's archive, in $CACHE/apt)"
		mkdir -p "$A/none" "$A/lists/partial" "$A/cache/archives/partial"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $KERNEL main" \
			>"$A/sources.list"
		apt-get "${KAPT[@]}" -o APT::Sandbox::User=root update -qq \
			>/dev/null 2>&1 || true
		KAPT_UPDATED=1
	fi
}

# ---- kernel package -----------------------------------------------------
resolve_kpkg() {
	apt-cache "${KAPT[@]}" depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

KPKG=${VXPATH_VM_KERNEL_PKG:-}
if [ -z "$KPKG" ]; then
	# (apt-cache fails while an apt of its own has no lists yet)
	KPKG=$(resolve_kpkg || true)
	if [ -z "$KPKG" ]; then
		kapt_update_once
		KPKG=$(resolve_kpkg || true)
	fi
fi

DEB=
if [ -n "$KPKG" ]; then
	KVER_PKG=$(apt-cache "${KAPT[@]}" policy "$KPKG" 2>/dev/null |
		awk '$1 == "Candidate:" { print $2; exit }')
	if [ -n "$KVER_PKG" ] && [ "$KVER_PKG" != "(none)" ]; then
		DEB=$CACHE/debs/${KPKG}_${KVER_PKG//:/%3a}_amd64.deb
		if [ ! -s "$DEB" ]; then
			say "downloading $KPKG $KVER_PKG"
			(cd "$CACHE/debs" &&
			 apt-get "${KAPT[@]}" download -q -o APT::Sandbox::User=root \
				"$KPKG=$KVER_PKG" >/dev/null 2>&1) ||
				{ kapt_update_once;
				  (cd "$CACHE/debs" &&
				   apt-get "${KAPT[@]}" download -q -o APT::Sandbox::User=root \
					"$KPKG" >/dev/null 2>&1) || true; }
			# apt may name the file after the version it got
			[ -s "$DEB" ] || DEB=$(ls -t "$CACHE"/debs/"${KPKG}"_*_amd64.deb \
				2>/dev/null | head -n1)
		fi
	fi
fi
if [ -z "$DEB" ] || [ ! -s "$DEB" ]; then
	# Offline, or apt knows no kernel: fall back on what an earlier run kept.
	DEB=$(ls -t "$CACHE"/debs/linux-image-*_amd64.deb 2>/dev/null | head -n1 || true)
	[ -n "$DEB" ] || unavailable "cannot resolve or download Debian's kernel image (linux-image-amd64, $KERNEL)"
	say "using cached $(basename "$DEB")"
fi

# ---- a split image (forky): the packages it depends on, of its version ---
# Printed one per line: the image package itself first, then its parts.
DEBS=("$DEB")
PARTS=$(dpkg-deb -f "$DEB" Depends 2>/dev/null | tr ',' '\n' |
	sed -n 's/^ *\(linux-\(binary\|modules\|base\)-[^ ]*\) (= \([^)]*\)).*/\1=\3/p')
for part in $PARTS; do
	pkg=${part%%=*} ver=${part#*=}
	f=$CACHE/debs/${pkg}_${ver//:/%3a}_amd64.deb
	if [ ! -s "$f" ]; then
		say "downloading $pkg $ver (part of $(basename "$DEB"))"
		(cd "$CACHE/debs" &&
		 apt-get "${KAPT[@]}" download -q -o APT::Sandbox::User=root \
			"$part" >/dev/null 2>&1) ||
			{ kapt_update_once;
			  (cd "$CACHE/debs" &&
			   apt-get "${KAPT[@]}" download -q -o APT::Sandbox::User=root \
				"$part" >/dev/null 2>&1) || true; }
	fi
	[ -s "$f" ] || unavailable "cannot download $pkg $ver, a part of $(basename "$DEB")"
	DEBS+=("$f")
done

# ---- stamp: rebuild only when an input changed ---------------------------
sha() { sha256sum "$1" | cut -d' ' -f1; }
STAMP="deb=$(basename "$DEB") build=$(sha "$0") init=$(sha "$INIT_SRC") busybox=$(sha /bin/busybox) modules=${WANTED_MODULES// /,}"
if [ "$FORCE" = 0 ] && [ -s "$CACHE/vmlinuz" ] && [ -s "$CACHE/initrd.cpio" ] &&
   [ "$(cat "$CACHE/stamp" 2>/dev/null)" = "$STAMP" ]; then
	say "up to date ($(basename "$DEB"))"
	echo "kernel=$CACHE/vmlinuz"
	echo "initrd=$CACHE/initrd.cpio"
	exit 0
fi

# ---- extract the kernel package (into a scratch dir: only the deb is kept)
SCRATCH=$(mktemp -d "$CACHE/work.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
KDIR=$SCRATCH/kernel
for f in "${DEBS[@]}"; do
	say "extracting $(basename "$f")"
	dpkg -x "$f" "$KDIR" || die "dpkg -x $f failed"
done
# /boot/vmlinuz-KREL, or (split images) /usr/lib/modules/KREL/vmlinuz
VMLINUZ=$(ls "$KDIR"/boot/vmlinuz-* 2>/dev/null | head -n1 || true)
if [ -n "$VMLINUZ" ]; then
	KREL=${VMLINUZ##*/vmlinuz-}
else
	VMLINUZ=$(ls "$KDIR"/usr/lib/modules/*/vmlinuz 2>/dev/null | head -n1 || true)
	[ -n "$VMLINUZ" ] || die "no vmlinuz in $(basename "$DEB") nor its parts"
	KREL=$(basename "$(dirname "$VMLINUZ")")
fi
MODDIR=
for d in "$KDIR/lib/modules/$KREL" "$KDIR/usr/lib/modules/$KREL"; do
	[ -d "$d" ] && MODDIR=$d && break
done
[ -n "$MODDIR" ] || die "no modules directory for $KREL in $DEB"

# ---- initramfs ----------------------------------------------------------
WORK=$SCRATCH/initrd
mkdir -p "$WORK"/{bin,sbin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox "$WORK/bin/busybox"
ln -s busybox "$WORK/bin/sh"
cp "$INIT_SRC" "$WORK/init"
chmod 0755 "$WORK/init" "$WORK/bin/busybox"

# Find a module file by name (modules may use - or _ in file names).
find_module() {
	local n=$1 alt=${1//_/-} f
	f=$(find "$MODDIR/kernel" \( -name "$n.ko" -o -name "$n.ko.xz" \
		-o -name "$alt.ko" -o -name "$alt.ko.xz" \) -print -quit)
	echo "$f"
}

is_builtin() {
	local n=$1 alt=${1//_/-}
	grep -qE "/($n|$alt)\.ko$" "$MODDIR/modules.builtin" 2>/dev/null
}

# Decompress a module into the initramfs and print its depends= list.
declare -A MOD_DONE=()
ORDER=()
add_module() {
	local n=$1 f deps d
	[ -n "${MOD_DONE[$n]:-}" ] && return 0
	MOD_DONE[$n]=1
	if is_builtin "$n"; then
		say "  $n: built in"
		return 0
	fi
	f=$(find_module "$n")
	[ -n "$f" ] || die "module $n is neither built in nor shipped in $DEB"
	case $f in
	*.xz) xz -dc "$f" >"$WORK/lib/modules/$n.ko" ;;
	*) cp "$f" "$WORK/lib/modules/$n.ko" ;;
	esac
	deps=$(tr '\0' '\n' <"$WORK/lib/modules/$n.ko" |
		sed -n 's/^depends=//p' | head -n1)
	for d in ${deps//,/ }; do
		add_module "$d"
	done
	ORDER+=("$n")
}
say "kernel $KREL; resolving modules: $WANTED_MODULES"
for m in $WANTED_MODULES; do
	add_module "$m"
done
printf '%s\n' "${ORDER[@]}" >"$WORK/lib/modules/load.order"
say "  load order: ${ORDER[*]}"

(cd "$WORK" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0) >"$CACHE/initrd.cpio.tmp"
cp "$VMLINUZ" "$CACHE/vmlinuz.tmp"
mv "$CACHE/vmlinuz.tmp" "$CACHE/vmlinuz"
mv "$CACHE/initrd.cpio.tmp" "$CACHE/initrd.cpio"
echo "$STAMP" >"$CACHE/stamp"
# Keep only the kernel packages in use.
for f in "$CACHE"/debs/*.deb; do
	keep=0
	for k in "${DEBS[@]}"; do [ "$f" = "$k" ] && keep=1; done
	[ "$keep" = 1 ] || rm -f "$f"
done
rm -rf "$CACHE/kernel"
say "built initrd.cpio ($(du -k "$CACHE/initrd.cpio" | cut -f1) KiB) for $KREL"
echo "kernel=$CACHE/vmlinuz"
echo "initrd=$CACHE/initrd.cpio"
