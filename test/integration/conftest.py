# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Shared fixtures of the integration tests: where the repository and the
# build are, the vxpath plugin staged where EAL accepts it (a root-owned
# directory under /run, never a world-writable one such as /tmp), a private
# run directory for sockets, per-test log files, and the guarantee that no
# testpmd process outlives the session (SIGTERM and SIGINT run the
# fixtures' teardown).
#
# Environment:
#   VXPATH_PLUGIN         an already staged librte_net_vxpath.so to use as is
#   VXPATH_BUILD_DIR      build directory (default: <repo>/build); the
#                         plugin is taken from drivers/ in it and staged
#   VXPATH_TEST_LOGDIR    keep the testpmd logs there (default: pytest's
#                         tmp_path of each test)
#   VXPATH_TEST_UPSTREAM  1: also run the traffic tests against DPDK's own
#                         net_virtio_user
# The tests inside the test VM (test/vm/) share the fixtures vm (and
# vm_trixie, the VM with Debian 13's kernel) and vm_out_dir; the rest of
# what they share is in vmrun.py.

import os
import re
import shutil
import signal
import stat
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import testpmd  # noqa: E402
import vmrun  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PLUGIN_NAME = "librte_net_vxpath.so"
RUN_ROOT = "/run/vxpath"


def _terminate(signum, frame):
    # Turn SIGTERM (from `timeout`, CI cancel) into an exception so that
    # fixture teardown kills the testpmd processes.
    raise KeyboardInterrupt("signal %d" % signum)


signal.signal(signal.SIGTERM, _terminate)


def _insecure_parent(path):
    """Return the first directory on the way to path that EAL would refuse
    (world-writable), or None."""
    d = os.path.dirname(os.path.abspath(path))
    while True:
        st = os.stat(d)
        if st.st_mode & stat.S_IWOTH:
            return d
        if d == "/":
            return None
        d = os.path.dirname(d)


def _private_dir(path):
    """Create path (and /run/vxpath) root-owned 0755."""
    for d in (RUN_ROOT, path):
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o755)
    return path


# The names this suite gives its DPDK file prefixes (vxfe/vxvh/vxvp + pid)
# and run directories (test-<pid>).
_OURS = re.compile(r"^(vx(?:fe|vh|vp)|test-)(\d+)(map_\d+)?$")


def _sweep_stale():
    """Remove what a killed earlier session (SIGKILL: no teardown) left:
    hugepage files, DPDK runtime and run directories named after a pid
    that no longer exists."""
    for d in ("/dev/hugepages", "/var/run/dpdk", RUN_ROOT):
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for name in names:
            m = _OURS.match(name)
            if not m or (d == RUN_ROOT) != (m.group(1) == "test-"):
                continue
            if os.path.exists("/proc/%s" % m.group(2)):
                continue
            path = os.path.join(d, name)
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                try:
                    os.unlink(path)
                except OSError:
                    pass


@pytest.fixture(scope="session")
def repo_root():
    return REPO


@pytest.fixture(scope="session")
def build_dir():
    return os.path.abspath(os.environ.get("VXPATH_BUILD_DIR",
                                          os.path.join(REPO, "build")))


@pytest.fixture(scope="session")
def run_dir():
    """/run/vxpath/test-<pid>: sockets and the staged plugin of this
    session; removed at the end."""
    _sweep_stale()
    path = _private_dir(os.path.join(RUN_ROOT, "test-%d" % os.getpid()))
    yield path
    testpmd.kill_all()
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def vxpath_plugin(build_dir, run_dir):
    """Path of the vxpath plugin to give to `-d`; skips the test when the
    plugin has not been built."""
    given = os.environ.get("VXPATH_PLUGIN")
    if given:
        if not os.path.isfile(given):
            pytest.fail("VXPATH_PLUGIN=%s: no such file" % given)
        bad = _insecure_parent(given)
        if bad:
            pytest.fail("VXPATH_PLUGIN=%s: %s is world-writable, EAL will "
                        "refuse it (stage it under /run, see "
                        "devtools/stage-plugin.sh)" % (given, bad))
        return given
    built = os.path.join(build_dir, "drivers", PLUGIN_NAME)
    if not os.path.isfile(built):
        pytest.skip("vxpath plugin not built (%s missing): run "
                    "`meson setup build && ninja -C build`" % built)
    # A private copy: a rebuild during the session cannot change the file
    # under a running process.
    staged = os.path.join(_private_dir(os.path.join(run_dir, "plugin")),
                          PLUGIN_NAME)
    shutil.copyfile(built, staged)
    os.chmod(staged, 0o644)
    return staged


@pytest.fixture
def log_dir(request, tmp_path):
    """Directory for this test's testpmd logs."""
    base = os.environ.get("VXPATH_TEST_LOGDIR")
    if not base:
        return str(tmp_path)
    name = request.node.name.replace("/", "_").replace("[", "-") \
        .replace("]", "")
    path = os.path.join(base, name)
    os.makedirs(path, exist_ok=True)
    for f in os.listdir(path):
        if f.endswith(".log"):
            os.unlink(os.path.join(path, f))
    return path


@pytest.fixture
def spawn(log_dir):
    """Factory: spawn(name, eal_args, app_args) -> a started TestPmd.
    Every process is killed at teardown whatever happened."""
    procs = []

    def _spawn(name, eal_args, app_args=(), timeout=60, start=True):
        t = testpmd.TestPmd(name, eal_args, app_args,
                            log_path=os.path.join(log_dir, name + ".log"),
                            timeout=timeout)
        procs.append(t)
        if start:
            t.start()
        return t

    yield _spawn
    for t in procs:
        t.close()


@pytest.fixture(scope="session")
def vm():
    """The test VM's kernel and initramfs, built once a session (or found
    cached); skips the tests that need it when this machine cannot have
    it (see vmrun.build_vm)."""
    return vmrun.build_vm("VM tests")


@pytest.fixture(scope="session")
def vm_trixie():
    """The test VM with Debian 13's kernel (Linux 6.12, vDPA modules;
    build-vm.sh --kernel trixie), built once a session or found cached;
    skips as vm does."""
    return vmrun.build_vm("trixie-kernel VM tests", kernel="trixie")


@pytest.fixture
def vm_out_dir(request, tmp_path):
    """Host side of the guest's /run/vxpath/out for this test (see
    vmrun.out_dir_for)."""
    return vmrun.out_dir_for(request, tmp_path)
