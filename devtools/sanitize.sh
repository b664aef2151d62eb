#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The sanitizer run of the tests: a second build with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer (-Db_sanitize=address,
# undefined) and the libFuzzer targets (-Dfuzz=true, test/fuzz), then the
# unit tests in it and each fuzz target for a few seconds from its corpus
# (test/fuzz/corpus/<target>, read only: what the fuzzer finds goes to a
# scratch directory). Any sanitizer report fails the run (halt_on_error);
# a fuzz target that crashes leaves its input in <dir>/fuzz-artifacts/.
# Prints one line per fuzz target with its executions.
#
# Usage: devtools/sanitize.sh [--build-dir DIR] [--from-build DIR]
#                             [--fuzz-seconds N] [--no-fuzz]
#   --build-dir DIR    the sanitizer build (default: <repo>/build-asan)
#   --from-build DIR   the normal build, whose downloaded DPDK source
#                      package (driver SDK headers) is reused
#                      (default: <repo>/build)
#   --fuzz-seconds N   seconds per fuzz target (default 20)
#   --no-fuzz          unit tests only
# Needs clang and its runtime, libclang-rt-<N>-dev for clang's major version
# N (14 on Debian 12, 19 on Debian 13, 21 on forky): devtools/setup.sh
# installs them.

set -u

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$repo/build-asan
from=$repo/build
secs=20
fuzz=1

while [ $# -gt 0 ]; do
	case "$1" in
	--build-dir) dir=${2:?}; shift 2 ;;
	--from-build) from=${2:?}; shift 2 ;;
	--fuzz-seconds) secs=${2:?}; shift 2 ;;
	--no-fuzz) fuzz=0; shift ;;
	-h|--help)
		sed -n '/^# Usage:/,/^# installs them/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
		exit 0 ;;
	*) echo "sanitize.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

# Sanitizer reports are fatal; UBSan prints where.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:print_summary=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1

if ! command -v clang >/dev/null; then
	echo "sanitize.sh: clang not found (devtools/setup.sh installs it and its runtime)" >&2
	exit 1
fi
clang_major=$(clang -dumpversion | cut -d. -f1)
if [ ! -f "$(clang -print-file-name=libclang_rt.asan-x86_64.so)" ] &&
   [ ! -f "$(clang -print-file-name=libclang_rt.asan.so)" ]; then
	echo "sanitize.sh: clang $clang_major has no sanitizer runtime: apt-get install libclang-rt-$clang_major-dev" >&2
	exit 1
fi

if [ ! -f "$dir/build.ninja" ]; then
	# The normal build's DPDK source package, so that nothing is
	# downloaded twice.
	opts=()
	if [ -f "$from/build.ninja" ]; then
		dl=$(meson introspect --buildoptions "$from" |
		     /usr/bin/python3 -c 'import json, sys
print(next((o["value"] for o in json.load(sys.stdin)
            if o["name"] == "sdk_download_dir"), ""))')
		[ -n "$dl" ] || dl=$from/sdk-headers/download
		case "$dl" in /*) ;; *) dl=$repo/$dl ;; esac
		[ -d "$dl" ] && opts+=("-Dsdk_download_dir=$dl")
		# The DPDK source tree it was configured with, if any.
		src=$(meson introspect --buildoptions "$from" |
		      /usr/bin/python3 -c 'import json, sys
print(next((o["value"] for o in json.load(sys.stdin)
            if o["name"] == "dpdk_src"), ""))')
		[ -n "$src" ] && opts+=("-Ddpdk_src=$src")
	fi
	# -Wno-undef: DPDK 22.11's headers test GCC_VERSION, which clang
	# lacks (84 identical warnings); the gcc build keeps -Wundef.
	CC=clang meson setup "$dir" -Db_sanitize=address,undefined \
		-Db_lundef=false -Dfuzz=true -Dtests=true \
		-Dc_args=-Wno-undef "${opts[@]}" || exit 1
fi
ninja -C "$dir" || exit 1

rc=0
echo "=== unit tests under ASan+UBSan ($dir)"
meson test -C "$dir" --suite unit --print-errorlogs || rc=1

if [ "$fuzz" -eq 1 ]; then
	mkdir -p "$dir/fuzz-logs" "$dir/fuzz-artifacts"
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
	summary=()
	for exe in "$dir"/test/fuzz/fuzz_*; do
		[ -x "$exe" ] && [ -f "$exe" ] || continue
		name=${exe##*/fuzz_}
		corpus=$repo/test/fuzz/corpus/$name
		log=$dir/fuzz-logs/$name.log
		mkdir -p "$scratch/$name"
		echo "=== fuzz_$name for ${secs}s (corpus $corpus, log $log)"
		"$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 \
			-artifact_prefix="$dir/fuzz-artifacts/$name-" \
			"$scratch/$name" "$corpus" >"$log" 2>&1
		frc=$?
		execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
		if [ "$frc" -ne 0 ]; then
			rc=1
			tail -60 "$log"
			summary+=("fuzz_$name: FAIL (rc $frc) after ${execs:-?} executions; see $log and $dir/fuzz-artifacts/")
		else
			summary+=("fuzz_$name: ${execs:-?} executions in ${secs}s, no finding")
		fi
	done
	printf '%s\n' "${summary[@]}"
	[ "${#summary[@]}" -gt 0 ] || { echo "no fuzz target built" >&2; rc=1; }
fi
exit "$rc"
