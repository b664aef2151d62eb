#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The release matrix: build and test vxpath against the DPDK of other Debian
# releases than the host's, each in a root file system of its own:
#
#   trixie  Debian 13, DPDK 24.11 (librte_*.so.25)
#   forky   Debian forky/sid, DPDK 25.11 (librte_*.so.26)
#
# Debian 12 (DPDK 22.11) is the host's own run: devtools/test.sh.
#
# For each release:
#   1. the root, /var/cache/vxpath/roots/<release>: made on first use with
#      debootstrap (minbase; about 5 minutes), then kept; an interrupted
#      creation resumes where it stopped;
#   2. /proc, /sys, /dev (with hugetlbfs) and this repository (at the same
#      path) are mounted inside it; they are unmounted when the release is
#      done, on failure and on interruption too;
#   3. devtools/setup.sh --no-build --no-vm inside: the release's packages
#      (its DPDK, clang runtime...) and deb-src entries;
#   4. devtools/test.sh --no-setup inside, build directory build-<release>:
#      build, unit tests, the sanitizer build (unit tests and fuzz targets
#      under ASan and UBSan), the guides, the integration tests against
#      that release's net_vhost and the scripted hostile back-end (all but
#      the VM tests; --subset ci: a named subset), and the hostile back-end
#      and bad-devargs tests again under ASan;
#   5. the exception-path scene (devtools/exception-path.sh) over a real
#      vhost-net in the test VM, chrooted in the release's root
#      (test/vm/run-in-vm.sh --root);
#   6. with --bench, devtools/benchmark.py inside the root: vxpath against
#      that release's own net_virtio_user, interleaved windows, ratios.
# Then one table: release, DPDK version, tests passed/failed/skipped, scene
# result, benchmark ratios; and a closing line
# "matrix: N passed, N failed, N skipped" (the scene counts as one test).
#
# The driver SDK headers come, inside each root, from Debian's source
# package of the exact installed DPDK (config/get-sdk-headers.sh); where the
# archive no longer serves it, from the newest DPDK source tree or tarball
# of the same release series in --dpdk-src-dir (VXPATH_DPDK_SRC_DIR), e.g.
# dpdk-24.11.6-sdk-headers.tar.xz or dpdk_24.11.8.orig.tar.xz, which is
# copied into the root and handed to the build as VXPATH_DPDK_SRC.
#
# Usage: devtools/release-matrix.sh [options] [RELEASE...]
#   RELEASE            trixie, forky (default: both)
#   --subset ci|full   integration tests: full (default) every test but the
#                      VM ones; ci the named subset CI runs (see SUBSET_CI),
#                      and the tests under ASan for forky only
#   --bench            also run devtools/benchmark.py in each root
#   --pairs N          benchmark pairs of windows per case (default 10)
#   --cases LIST       benchmark cases (default split-64-1q,packed-64-1q)
#   --dpdk-src-dir DIR where DPDK source trees or tarballs are (see above)
#   --no-scene         leave out the VM scene
#   --prepare          steps 1-3 only: make the roots and install their
#                      packages (no test, no testpmd: needs no quiet machine)
#   --fuzz-seconds N   seconds per fuzz target in the sanitizer step
#                      (default 20, 5 with --subset ci)
#   --logs DIR         logs (default <repo>/build-matrix)
# Environment: VXPATH_ROOTS (default /var/cache/vxpath/roots),
#   VXPATH_DEBIAN_MIRROR (default http://deb.debian.org/debian).
# Needs root, debootstrap (installed if missing), QEMU for the scene (as
# devtools/test.sh's VM tests). Run it alone on the machine: it starts
# testpmd processes and the VM, as devtools/test.sh does.
# Exit status: 0 all passed; 1 a test, the scene or a step failed; 2 usage.

set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
ROOTS=${VXPATH_ROOTS:-/var/cache/vxpath/roots}
MIRROR=${VXPATH_DEBIAN_MIRROR:-http://deb.debian.org/debian}
DPDK_SRC_DIR=${VXPATH_DPDK_SRC_DIR:-}
SUBSET=full
BENCH=0
PAIRS=10
CASES=split-64-1q,packed-64-1q
SCENE=1
PREPARE=0
FUZZ_SECONDS=
LOGS=$REPO/build-matrix
RELEASES=()

# What each release needs of debootstrap and apt. forky has no debootstrap
# script of its own in Debian 12's debootstrap: sid's serves. Its Release
# file's Valid-Until may lie before these machines' clock: apt in that root
# is told not to check it.
declare -A DBS_SCRIPT=([trixie]= [forky]=sid)
declare -A NO_VALID_UNTIL=([trixie]=0 [forky]=1)
declare -A EXPECT_SERIES=([trixie]=24.11 [forky]=25.11)

# The integration tests CI runs per release (--subset ci), a pytest -k
# expression over test ids: the port's identity, traffic on split and
# packed rings (and chained 3000-byte frames), two queue pairs with the
# control queue on each ring, client reconnection and three server-side
# back-end restarts, every hostile control and datapath case, the hostile
# stops and runts, every bad devarg, and the protocol features against
# net_vhost and the scripted back-end. 74 of the 131 tests that run in a
# root (about 3 of 8 minutes); what it leaves out is more of the same
# (traffic variants, 20 back-end restarts, Rx interrupts and link events).
SUBSET_CI="test_pmdinfo or test_port_info or test_traffic[vxpath] or test_traffic_variants[vxpath-packed] or test_traffic_variants[vxpath-frame3000_merged] or test_traffic_variants[vxpath-packed_frame3000_merged] or test_multiqueue_traffic[2-split] or test_multiqueue_traffic[2-packed] or test_client_reconnect or test_server_reconnect_loop[packed-3] or test_hostile_control or test_hostile_datapath or test_hostile_stop or test_hostile_runt or test_bad_devarg or test_net_vhost_protocol_features or test_peer_config_backend_channel or test_peer_mem_slots_hotplug or test_peer_hostile_config_status"

usage() {
	sed -n '/^# Usage:/,/^# Exit status:/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

say() { echo "release-matrix: $*"; }
die() { echo "release-matrix: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--subset) SUBSET=${2-}; shift 2 ;;
	--subset=*) SUBSET=${1#*=}; shift ;;
	--bench) BENCH=1; shift ;;
	--pairs) PAIRS=${2-}; shift 2 ;;
	--cases) CASES=${2-}; shift 2 ;;
	--dpdk-src-dir) DPDK_SRC_DIR=${2-}; shift 2 ;;
	--dpdk-src-dir=*) DPDK_SRC_DIR=${1#*=}; shift ;;
	--no-scene) SCENE=0; shift ;;
	--prepare) PREPARE=1; shift ;;
	--fuzz-seconds) FUZZ_SECONDS=${2-}; shift 2 ;;
	--logs) LOGS=${2-}; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	-*) echo "release-matrix: unknown option $1" >&2; usage >&2; exit 2 ;;
	bookworm)
		die "Debian 12 (bookworm, DPDK 22.11) is the host's own run:" \
		    "devtools/test.sh" ;;
	*)
		[ -n "${EXPECT_SERIES[$1]+x}" ] ||
			die "unknown release $1 (known: ${!EXPECT_SERIES[*]})"
		RELEASES+=("$1"); shift ;;
	esac
done
[ ${#RELEASES[@]} -gt 0 ] || RELEASES=(trixie forky)
case $SUBSET in
full|ci) ;;
*) die "--subset $SUBSET: full or ci" ;;
esac
[[ "$PAIRS" =~ ^[1-9][0-9]*$ ]] || die "--pairs $PAIRS: a positive number"
if [ -z "$FUZZ_SECONDS" ]; then
	FUZZ_SECONDS=20
	[ "$SUBSET" = full ] || FUZZ_SECONDS=5
fi
[[ "$FUZZ_SECONDS" =~ ^[0-9]+$ ]] || die "--fuzz-seconds $FUZZ_SECONDS: a number"
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot, mount)"
[ -z "$DPDK_SRC_DIR" ] || [ -d "$DPDK_SRC_DIR" ] ||
	die "--dpdk-src-dir $DPDK_SRC_DIR: no such directory"
[ -z "$DPDK_SRC_DIR" ] || DPDK_SRC_DIR=$(cd "$DPDK_SRC_DIR" && pwd -P)
case $REPO in
*[[:space:]]*) die "the repository's path has a space: $REPO" ;;
esac
mkdir -p "$LOGS" || die "cannot create $LOGS"
LOGS=$(cd "$LOGS" && pwd -P)

# ---- mounts, always undone ------------------------------------------------
MOUNTS=()

# mount_in ROOT: proc, sys, dev (recursively, as a slave so that nothing
# unmounted here leaves the host's /dev), hugetlbfs if the host's /dev has
# none, and the repository at its own path.
mount_in() {
	local r=$1
	mkdir -p "$r/proc" "$r/sys" "$r/dev" "$r$REPO" || return 1
	mount -t proc proc "$r/proc" && MOUNTS+=("$r/proc") || return 1
	mount -t sysfs sysfs "$r/sys" && MOUNTS+=("$r/sys") || return 1
	mount --rbind /dev "$r/dev" && MOUNTS+=("$r/dev") || return 1
	mount --make-rslave "$r/dev" || return 1
	if ! awk -v m="$r/dev/hugepages" '$2 == m && $3 == "hugetlbfs" { f = 1 }
		END { exit !f }' /proc/mounts; then
		mkdir -p "$r/dev/hugepages"
		mount -t hugetlbfs nodev "$r/dev/hugepages" &&
			MOUNTS+=("$r/dev/hugepages") || return 1
	fi
	mount --bind "$REPO" "$r$REPO" && MOUNTS+=("$r$REPO") || return 1
}

# umount_all: undo mount_in, last first; a busy mount is detached (lazy).
umount_all() {
	local i m
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		m=${MOUNTS[$i]}
		umount -R "$m" 2>/dev/null || umount -R -l "$m" 2>/dev/null ||
			echo "release-matrix: warning: cannot unmount $m" >&2
	done
	MOUNTS=()
}

on_exit() {
	umount_all
}
trap on_exit EXIT
trap 'echo "release-matrix: interrupted" >&2; exit 130' INT TERM

# in_root ROOT CMD...: run CMD in ROOT with a clean environment.
in_root() {
	local r=$1
	shift
	chroot "$r" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive \
		CI="${CI:-}" "${EXTRA_ENV[@]}" "$@"
}
EXTRA_ENV=()

# ---- the root of a release ------------------------------------------------

# make_root REL: debootstrap into ROOTS/.new-REL (resumed if a finished
# debootstrap is there), set apt up, then move it to ROOTS/REL.
make_root() {
	local rel=$1 new=$ROOTS/.new-$1 script=() t0
	t0=$(date +%s)
	if [ ! -f "$new/.vxpath-debootstrapped" ]; then
		command -v debootstrap >/dev/null || {
			say "installing debootstrap"
			apt-get install -y -qq debootstrap >/dev/null ||
				{ apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; } ||
				{ echo "release-matrix: cannot install debootstrap" >&2; return 1; }
		}
		[ -z "${DBS_SCRIPT[$rel]}" ] ||
			script=("/usr/share/debootstrap/scripts/${DBS_SCRIPT[$rel]}")
		rm -rf "$new"
		say "$rel: debootstrap --variant=minbase $rel $new $MIRROR ${script[*]} (about 5 minutes; log $LOGS/$rel/debootstrap.log)"
		debootstrap --variant=minbase "$rel" "$new" "$MIRROR" \
			"${script[@]}" >"$LOGS/$rel/debootstrap.log" 2>&1 || {
			tail -n 20 "$LOGS/$rel/debootstrap.log" >&2
			echo "release-matrix: $rel: debootstrap failed (log above)" >&2
			return 1
		}
		touch "$new/.vxpath-debootstrapped"
	else
		say "$rel: resuming with the finished debootstrap in $new"
	fi
	if [ "${NO_VALID_UNTIL[$rel]}" = 1 ]; then
		echo 'Acquire::Check-Valid-Until "false";' \
			>"$new/etc/apt/apt.conf.d/80vxpath-valid-until"
	fi
	# No service starts in a root that is no running system.
	printf '#!/bin/sh\nexit 101\n' >"$new/usr/sbin/policy-rc.d"
	chmod 755 "$new/usr/sbin/policy-rc.d"
	rm -f "$new/.vxpath-debootstrapped"
	echo "release=$rel mirror=$MIRROR created=$(date -u +%FT%TZ)" \
		>"$new/etc/vxpath-root"
	rm -rf "${ROOTS:?}/$rel"
	mv "$new" "$ROOTS/$rel" || return 1
	say "$rel: root made in $(($(date +%s) - t0)) s"
}

# The newest DPDK source tree or tarball of SERIES in DPDK_SRC_DIR.
find_dpdk_src() {
	local series=$1
	[ -n "$DPDK_SRC_DIR" ] || return 0
	find "$DPDK_SRC_DIR" -mindepth 1 -maxdepth 1 \
		\( -name "dpdk[-_]$series.*" -o -name "dpdk-stable[-_]$series.*" \) |
		sort -V | tail -n 1
}

# ---- one release -----------------------------------------------------------
declare -A R_DPDK R_TESTS R_SCENE R_BENCH R_TIME R_NOTE

# run_release REL: steps 1-6 above; fills the R_* tables.
run_release() {
	local rel=$1 root=$ROOTS/$1 log=$LOGS/$1 t0 ver series src rc line
	local build=$REPO/build-$1 k plugin out
	t0=$(date +%s)
	R_DPDK[$rel]=?; R_TESTS[$rel]="-"; R_SCENE[$rel]="-"; R_BENCH[$rel]="-"
	R_NOTE[$rel]=
	mkdir -p "$log" "$ROOTS"

	# One run per root at a time (mounts, apt).
	exec {lockfd}>"$ROOTS/.$rel.lock"
	flock "$lockfd"

	if [ ! -f "$root/etc/vxpath-root" ]; then
		make_root "$rel" || { R_NOTE[$rel]="root not made"; return 1; }
	fi
	mount_in "$root" || { R_NOTE[$rel]="mounts failed"; umount_all; return 1; }

	say "$rel: devtools/setup.sh --no-build --no-vm in $root (log $log/setup.log)"
	if ! in_root "$root" bash "$REPO/devtools/setup.sh" --no-build --no-vm \
		>"$log/setup.log" 2>&1; then
		tail -n 30 "$log/setup.log"
		R_NOTE[$rel]="setup.sh failed"
		umount_all
		return 1
	fi
	ver=$(in_root "$root" pkg-config --modversion libdpdk 2>/dev/null)
	R_DPDK[$rel]=${ver:-?}
	series=$(echo "$ver" | cut -d. -f1,2)
	[ "$series" = "${EXPECT_SERIES[$rel]}" ] ||
		say "$rel: warning: DPDK $ver, expected ${EXPECT_SERIES[$rel]}"
	if [ "$PREPARE" = 1 ]; then
		say "$rel: prepared: $root, DPDK $ver"
		umount_all
		R_TIME[$rel]=$(($(date +%s) - t0))
		return 0
	fi

	EXTRA_ENV=()
	src=$(find_dpdk_src "$series")
	if [ -n "$src" ]; then
		mkdir -p "$root/var/cache/vxpath/dpdk-src"
		rm -rf "$root/var/cache/vxpath/dpdk-src/${src##*/}"
		cp -a "$src" "$root/var/cache/vxpath/dpdk-src/"
		EXTRA_ENV=("VXPATH_DPDK_SRC=/var/cache/vxpath/dpdk-src/${src##*/}")
		say "$rel: DPDK $ver; if the archive has no source of it, the driver SDK headers come from ${src##*/}"
	else
		say "$rel: DPDK $ver; no DPDK $series source in ${DPDK_SRC_DIR:-(no --dpdk-src-dir)}: the headers must come from the archive"
	fi
	EXTRA_ENV+=("VXPATH_FUZZ_SECONDS=$FUZZ_SECONDS")
	# CI's subset runs the tests under ASan against the newest DPDK only
	# (forky's; the host's run has them against 22.11): CI's hour.
	[ "$SUBSET" = full ] || [ "$rel" = forky ] ||
		EXTRA_ENV+=("VXPATH_TEST_ASAN_INTEG=0")

	k="not vm"
	[ "$SUBSET" = full ] || k="not vm and ($SUBSET_CI)"
	say "$rel: devtools/test.sh --no-setup --build-dir $build -- -k '$k' (log $log/test.log)"
	in_root "$root" bash -c 'cd "$1" && shift && exec bash devtools/test.sh "$@"' \
		test "$REPO" --no-setup --build-dir "$build" -- -k "$k" \
		</dev/null 2>&1 | tee "$log/test.log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' \
		"$log/test.log" | tail -n 1)
	if [ -n "$line" ]; then
		R_TESTS[$rel]=$(echo "$line" | awk '{ print $2 "/" $4 "/" $6 }')
	else
		R_TESTS[$rel]="0/1/0"
	fi
	[ "$rc" -eq 0 ] || R_NOTE[$rel]="test.sh exited $rc"
	grep -E 'SDK headers from|driver SDK headers:' "$log/test.log" | head -n 1 |
		sed "s/^/release-matrix: $rel: /"
	umount_all

	plugin=$build/drivers/librte_net_vxpath.so
	if [ "$SCENE" = 1 ]; then
		if [ -f "$plugin" ]; then
			out=$log/scene
			rm -rf "$out"
			mkdir -p "$out"
			cp "$plugin" "$out/librte_net_vxpath.so"
			say "$rel: the exception-path scene in the VM, chrooted in $root (log $out/console.log)"
			"$REPO/test/vm/run-in-vm.sh" --out "$out" --timeout 420 \
				--root "$root" "$REPO/devtools/exception-path.sh" \
				--plugin /run/vxpath/out/librte_net_vxpath.so \
				--results /run/vxpath/out/scene.txt >"$log/scene.log" 2>&1
			rc=$?
			grep -E '^(ping|http|driver|port|scene|RESULT)' "$out/scene.txt" 2>/dev/null | head -n 20
			case $rc in
			0) R_SCENE[$rel]=PASS ;;
			2) R_SCENE[$rel]="FAIL (set-up)" ;;
			*) R_SCENE[$rel]="FAIL (rc $rc)" ;;
			esac
			[ "$rc" -eq 0 ] || tail -n 40 "$log/scene.log"
		else
			R_SCENE[$rel]="FAIL (no plugin)"
		fi
	fi

	if [ "$BENCH" = 1 ]; then
		if [ -f "$plugin" ] && mount_in "$root"; then
			say "$rel: devtools/benchmark.py --cases $CASES --pairs $PAIRS (log $log/bench.log)"
			in_root "$root" /usr/bin/python3 "$REPO/devtools/benchmark.py" \
				--build-dir "$build" --cases "$CASES" --pairs "$PAIRS" \
				--log-dir "$log/bench-testpmd" </dev/null 2>&1 |
				tee "$log/bench.log"
			R_BENCH[$rel]=$(bench_ratios "$log/bench.log")
		else
			R_BENCH[$rel]="not run"
		fi
		umount_all
	fi
	flock -u "$lockfd"
	exec {lockfd}>&-
	R_TIME[$rel]=$(($(date +%s) - t0))
}

# The benchmark's Mpps ratios with their quartiles, "case=ratio (q1..q3)
# ...", from the "Mpps (median)" line of each case it prints.
bench_ratios() {
	awk '/^case / { c = $2 }
	/^  Mpps \(median\)/ { q = $7; sub(/\)$/, "", q)
		printf "%s%s=%s (%s)", sep, c, $5, q; sep = "; " }' "$1"
}

# ---- all releases ------------------------------------------------------------
T0=$(date +%s)
for rel in "${RELEASES[@]}"; do
	say "=== $rel (subset $SUBSET)"
	run_release "$rel" || say "$rel: ${R_NOTE[$rel]}"
done

if [ "$PREPARE" = 1 ]; then
	rc=0
	for rel in "${RELEASES[@]}"; do
		if [ -n "${R_NOTE[$rel]:-}" ]; then
			say "$rel: NOT prepared: ${R_NOTE[$rel]}"
			rc=1
		else
			say "$rel: prepared, DPDK ${R_DPDK[$rel]:-?}, in ${R_TIME[$rel]:-?} s"
		fi
	done
	exit "$rc"
fi

passed=0 failed=0 skipped=0
echo
echo "======================== vxpath release matrix ========================"
printf '%-8s %-9s %-22s %-16s %-7s %s\n' release DPDK "tests pass/fail/skip" scene time "benchmark (vxpath/upstream Mpps)"
for rel in "${RELEASES[@]}"; do
	t=${R_TESTS[$rel]:--}
	printf '%-8s %-9s %-22s %-16s %-7s %s\n' "$rel" "${R_DPDK[$rel]:-?}" "$t" \
		"${R_SCENE[$rel]:--}" "${R_TIME[$rel]:-?}s" "${R_BENCH[$rel]:--}"
	[ -z "${R_NOTE[$rel]:-}" ] || echo "         note: ${R_NOTE[$rel]}"
	if [[ "$t" =~ ^([0-9]+)/([0-9]+)/([0-9]+)$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
		skipped=$((skipped + BASH_REMATCH[3]))
	else
		failed=$((failed + 1))
	fi
	case ${R_SCENE[$rel]:--} in
	PASS) passed=$((passed + 1)) ;;
	-) ;;
	*) failed=$((failed + 1)) ;;
	esac
	[ -z "${R_NOTE[$rel]:-}" ] || [ "$failed" -gt 0 ] || failed=1
done
echo "logs: $LOGS; total $(($(date +%s) - T0)) s"
echo "========================================================================"
echo "matrix: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
