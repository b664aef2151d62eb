#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Run every test of vxpath from a clean clone, in order: set-up
# (devtools/setup.sh), build, unit tests (meson test, cmocka), the unit
# tests and libFuzzer targets under ASan and UBSan (devtools/sanitize.sh,
# build dir <build>-asan), the guides
# (sphinx-build -W), MAINTAINERS against the tree, plugin
# staging under /run (devtools/stage-plugin.sh: EAL refuses plugins under a
# world-writable directory such as /tmp, where a clone may live), then the
# integration tests (pytest, test/integration), and the hostile back-end,
# bad-devargs and scripted-back-end protocol-feature tests once more with the
# sanitizer build's plugin in a testpmd under ASan. Ends with a summary of each
# step and exits non-zero if any step failed. The whole run is bounded:
# every step gets what is left of a 40-minute budget at most.
#
# Usage: devtools/test.sh [--build-dir DIR] [--no-setup] [-- PYTEST_ARGS...]
#   --build-dir DIR  build directory (default: <repo>/build)
#   --no-setup       skip devtools/setup.sh (machine already prepared)
#   PYTEST_ARGS      passed to pytest after test/integration (e.g. -k traffic)
# Environment:
#   VXPATH_TEST_BUDGET  total seconds for the run (default 2400)
#   VXPATH_FUZZ_SECONDS  seconds each fuzz target runs (default 20)
#   VXPATH_TEST_ASAN_INTEG=0  leave out step 6, the integration tests
#                       under ASan (the release matrix's CI subset does so
#                       for one release, to keep CI within its hour)
#   VXPATH_TEST_UPSTREAM=1  also run the traffic tests with DPDK's own
#                       net_virtio_user (see test/integration)
# Logs: <build>/test-logs/ (testpmd logs per test, integration.xml).

set -u

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$repo/build
do_setup=1
pytest_args=()

usage() {
	sed -n '/^# Usage:/,/^# Logs:/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

while [ $# -gt 0 ]; do
	case "$1" in
	--build-dir) build=${2:?--build-dir needs a directory}; shift 2 ;;
	--build-dir=*) build=${1#*=}; shift ;;
	--no-setup) do_setup=0; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; pytest_args=("$@"); break ;;
	*) echo "test.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
	esac
done
case "$build" in
/*) ;;
*) build=$PWD/$build ;;
esac

py=/usr/bin/python3
budget=${VXPATH_TEST_BUDGET:-2400}
t0=$(date +%s)
logs=$build/test-logs
stage_dir=/run/vxpath/test-run-$$
steps=()
failed=0

cleanup() {
	rm -rf "$stage_dir"
}
trap cleanup EXIT
trap 'echo "test.sh: interrupted" >&2; exit 130' INT TERM

remaining() {
	local left=$((budget - ($(date +%s) - t0)))
	[ "$left" -gt 0 ] || left=1
	echo "$left"
}

# step NAME MAX_SECONDS NOTE COMMAND...: run one step with a timeout (the
# smaller of MAX_SECONDS and what is left of the budget), record its result.
step() {
	local name=$1 max=$2 note=$3 rc start limit
	shift 3
	limit=$(remaining)
	[ "$limit" -lt "$max" ] || limit=$max
	echo
	echo "=== [$name] $* (timeout ${limit}s)"
	start=$(date +%s)
	timeout --kill-after=30 "$limit" "$@"
	rc=$?
	record "$name" "$rc" "$(($(date +%s) - start))" "$note"
	return "$rc"
}

record() {
	local name=$1 rc=$2 secs=$3 note=$4 res
	case "$rc" in
	0) res=PASS ;;
	skip) res=SKIP ;;
	124|137) res="FAIL (timeout)"; failed=$((failed + 1)) ;;
	*) res="FAIL (rc $rc)"; failed=$((failed + 1)) ;;
	esac
	steps+=("$(printf '  %-12s %-16s %5ss  %s' "$name" "$res" "$secs" "$note")")
}

skip() {
	record "$1" skip 0 "skipped: $2"
}

# Name the failed unit tests (meson's testlog.json) and integration tests
# (pytest's JUnit XML) of this run.
failures() {
	"$py" - "$build/meson-logs/testlog.json" "$logs/integration.xml" \
		"$logs/asan/integration.xml" <<'EOF'
import json
import os
import sys
import xml.etree.ElementTree as ET

unit, integ, asan = sys.argv[1:4]
bad = []
if os.path.isfile(unit):
    with open(unit) as f:
        for line in f:
            try:
                t = json.loads(line)
            except ValueError:
                continue
            if t.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL"):
                bad.append("unit         %s: %s" % (t.get("name"),
                                                    t.get("result")))
for label, xml in (("integration ", integ), ("asan-integ  ", asan)):
    if not os.path.isfile(xml):
        continue
    for case in ET.parse(xml).getroot().iter("testcase"):
        for kind in ("failure", "error"):
            if case.find(kind) is not None:
                bad.append("%s %s::%s: %s" % (
                    label, case.get("classname"), case.get("name"), kind))
if bad:
    print("  failed tests:")
    for b in bad:
        print("    " + b)
EOF
}

# Print the run's closing line, 'tests: N passed, N failed, N skipped',
# over the unit tests (meson) and the integration tests (pytest). A failed
# step that ran no test (set-up, build) counts as one failure.
totals() {
	"$py" - "$build/meson-logs/testlog.json" "$logs/integration.xml" \
		"$failed" "$logs/asan/integration.xml" <<'EOF'
import json
import os
import sys
import xml.etree.ElementTree as ET

unit, integ, failed_steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
asan = sys.argv[4]
n = {"passed": 0, "failed": 0, "skipped": 0}
if os.path.isfile(unit):
    with open(unit) as f:
        for line in f:
            try:
                r = json.loads(line).get("result")
            except ValueError:
                continue
            key = {"OK": "passed", "EXPECTEDFAIL": "passed",
                   "SKIP": "skipped"}.get(r, "failed")
            n[key] += 1
for xml in (integ, asan):
    if not os.path.isfile(xml):
        continue
    for case in ET.parse(xml).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            n["failed"] += 1
        elif case.find("skipped") is not None:
            n["skipped"] += 1
        else:
            n["passed"] += 1
if failed_steps and not n["failed"]:
    n["failed"] = failed_steps
print("tests: {passed} passed, {failed} failed, {skipped} skipped".format(**n))
EOF
}

summary() {
	echo
	echo "===================== vxpath test summary ====================="
	printf '%s\n' "${steps[@]}"
	echo "  ---------------------------------------------------------------"
	failures
	echo "  total $(($(date +%s) - t0))s, build dir $build"
	if [ "$failed" -eq 0 ]; then
		echo "  RESULT: PASS"
	else
		echo "  RESULT: FAIL ($failed step(s) failed)"
	fi
	echo "================================================================"
	totals
}

cd "$repo" || exit 1
echo "vxpath tests: repo $repo, build $build, CI=${CI:-}"
# Results of an earlier run must not be reported as this one's.
rm -rf "$logs"
rm -f "$build/meson-logs/testlog.json"

# 1. Set-up: packages, hugepages, the build directory.
if [ "$do_setup" -eq 0 ]; then
	skip setup "--no-setup"
elif [ ! -x devtools/setup.sh ] && [ ! -f devtools/setup.sh ]; then
	record setup 1 0 "devtools/setup.sh missing"
else
	step setup 900 "devtools/setup.sh --build-dir $build" \
		bash devtools/setup.sh --build-dir "$build"
fi

# 2. Build (set-up normally configures and builds; this makes sure the
# tree is configured and up to date either way).
built=0
if [ "$failed" -ne 0 ]; then
	skip build "set-up failed"
else
	if [ ! -f "$build/build.ninja" ]; then
		# shellcheck disable=SC2016 # $1 expands in the inner shell
		build_cmd=(sh -c 'meson setup "$1" && ninja -C "$1"' sh "$build")
	else
		build_cmd=(ninja -C "$build")
	fi
	step build 900 "ninja -C $build" "${build_cmd[@]}" && built=1
fi

# 3. Unit tests.
if [ "$built" -eq 1 ]; then
	step unit 300 "log: $build/meson-logs/testlog.txt" \
		meson test -C "$build" --print-errorlogs
else
	skip unit "no build"
fi

# 3a. Sanitizers: the unit tests and the libFuzzer targets (test/fuzz)
# built with clang, ASan and UBSan in a second build directory, each fuzz
# target run briefly from its corpus (devtools/sanitize.sh).
if [ "$built" -eq 1 ]; then
	step sanitize 900 "ASan+UBSan unit tests, fuzz targets; build ${build}-asan" \
		bash devtools/sanitize.sh --build-dir "${build}-asan" \
		--from-build "$build" --fuzz-seconds "${VXPATH_FUZZ_SECONDS:-20}"
else
	skip sanitize "no build"
fi

# 3b. The guides build without a warning (sphinx -W).
step docs 120 "html: $build/doc" \
	sphinx-build -q -W -b html "$repo/doc/guides" "$build/doc"

# 3c. Every file of the tree is in an area of MAINTAINERS.
step maintainers 30 "devtools/check-maintainers.sh" \
	bash devtools/check-maintainers.sh

# 4. Stage the plugin where EAL accepts it (private to this run).
plugin=
if [ "$built" -eq 1 ]; then
	echo
	echo "=== [stage] devtools/stage-plugin.sh $build"
	if plugin=$(VXPATH_PLUGIN_DIR=$stage_dir \
		    bash devtools/stage-plugin.sh "$build") &&
	   [ -n "$plugin" ] && [ -f "$plugin" ]; then
		echo "staged: $plugin"
		record stage 0 0 "$plugin"
	else
		plugin=
		record stage 1 0 "devtools/stage-plugin.sh failed"
	fi
else
	skip stage "no build"
fi

# 5. Integration tests.
if [ -n "$plugin" ]; then
	mkdir -p "$logs"
	free=$(awk '/HugePages_Free/ { print $2 }' /proc/meminfo)
	if [ "${free:-0}" -lt 128 ]; then
		echo "warning: only ${free:-0} free hugepages;" \
		     "the integration tests need about 100 (2 MB)" >&2
	fi
	VXPATH_PLUGIN=$plugin VXPATH_BUILD_DIR=$build \
	VXPATH_TEST_LOGDIR=$logs \
	step integration 2100 "logs: $logs" \
		"$py" -m pytest -v -p no:cacheprovider -rfEs \
		--junitxml="$logs/integration.xml" test/integration \
		"${pytest_args[@]}"
	if [ -f "$logs/integration.xml" ]; then
		counts=$("$py" - "$logs/integration.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
n = {k: sum(int(s.get(k, 0)) for s in suites)
     for k in ("tests", "failures", "errors", "skipped")}
n["passed"] = n["tests"] - n["failures"] - n["errors"] - n["skipped"]
print("{tests} tests: {passed} passed, {failures} failed, {errors} errors,"
      " {skipped} skipped".format(**n))
EOF
		)
		steps[${#steps[@]}-1]+="; $counts"
	fi
else
	skip integration "no staged plugin"
fi

# 6. The hostile back-end and bad-devargs tests again, with the plugin of
# the sanitizer build (step 3a) in a testpmd under ASan
# (devtools/testpmd-asan.sh): a sanitizer report makes testpmd exit non-zero,
# which the tests assert against. Also the protocol-feature tests against
# the scripted back-end (back-end channel, memory slots and hot-plug,
# hostile GET_CONFIG/GET_STATUS replies).
asan_so=${build}-asan/drivers/librte_net_vxpath.so
asan_protocol_tests=()
for t in test_peer_config_backend_channel test_peer_mem_slots_hotplug \
	 test_peer_hostile_config_status; do
	asan_protocol_tests+=("test/integration/test_protocol_features.py::$t")
done
if [ "${VXPATH_TEST_ASAN_INTEG:-1}" = 0 ]; then
	skip asan-integ "VXPATH_TEST_ASAN_INTEG=0"
elif [ -n "$plugin" ] && [ -f "$asan_so" ]; then
	if asan_plugin=$(VXPATH_PLUGIN_DIR=$stage_dir/asan \
			 bash devtools/stage-plugin.sh "${build}-asan") &&
	   [ -f "$asan_plugin" ]; then
		mkdir -p "$logs/asan"
		VXPATH_PLUGIN=$asan_plugin VXPATH_BUILD_DIR=${build}-asan \
		VXPATH_TESTPMD=$repo/devtools/testpmd-asan.sh \
		VXPATH_TEST_LOGDIR=$logs/asan \
		step asan-integ 600 "testpmd under ASan; logs: $logs/asan" \
			"$py" -m pytest -q -p no:cacheprovider -rfEs \
			--junitxml="$logs/asan/integration.xml" \
			test/integration/test_hostile_backend.py \
			test/integration/test_bad_devargs.py \
			"${asan_protocol_tests[@]}" "${pytest_args[@]}"
	else
		record asan-integ 1 0 "devtools/stage-plugin.sh ${build}-asan failed"
	fi
else
	skip asan-integ "no sanitizer build or no staged plugin"
fi

summary
[ "$failed" -eq 0 ]
