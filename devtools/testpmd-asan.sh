#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# dpdk-testpmd with clang's AddressSanitizer runtime preloaded, so that a
# vxpath plugin built with -Db_sanitize=address,undefined (the build of
# devtools/sanitize.sh) can be loaded with -d. Any report stops the process
# with a non-zero status (halt_on_error), leaks included at exit. The
# integration tests use it through VXPATH_TESTPMD (see devtools/test.sh).
#
# Usage: devtools/testpmd-asan.sh <dpdk-testpmd arguments>

# clang's ASan runtime: libclang-rt-<N>-dev for clang's major version N
# (devtools/setup.sh installs the release's).
runtime=$(clang -print-file-name=libclang_rt.asan-x86_64.so)
[ -f "$runtime" ] || runtime=$(clang -print-file-name=libclang_rt.asan.so)
if [ ! -f "$runtime" ]; then
	echo "testpmd-asan.sh: no ASan runtime for clang $(clang -dumpversion): apt-get install libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev" >&2
	exit 1
fi
LD_PRELOAD=$runtime \
ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
exec dpdk-testpmd "$@"
