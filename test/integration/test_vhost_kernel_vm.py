# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# The exception path against the real Linux vhost-net, inside the test VM
# (test/vm/: QEMU under TCG with Debian's kernel, since the build machines'
# kernel has no vhost-net). The VM runs devtools/exception-path.sh: a
# network namespace pings and fetches 300 KB over HTTP from the kernel
# through dpdk-testpmd, net_af_packet on a veth <-> vxpath over
# /dev/vhost-net and a TAP. The scene writes key=value results to the VM's
# results directory; this test asserts on them: every ping answered, the
# file arrived intact, packets counted both ways on both ports, and port 1
# driven by net_vxpath.
#
# Skips only when the VM cannot be had (not root, no QEMU, no Debian kernel
# package): test/vm/build-vm.sh exits 2 then and says why. A missing
# plugin is a failure, not a skip.
#
# Environment:
#   VXPATH_PLUGIN         the plugin to use (else taken from the build dir)
#   VXPATH_BUILD_DIR      build directory (default: <repo>/build)
#   VXPATH_TEST_LOGDIR    keep the VM's console log, the scene's results
#                         and testpmd's log there (default: pytest's tmp_path)
#   VXPATH_TEST_UPSTREAM  1: also run the scene with DPDK's own
#                         net_virtio_user (checks the harness itself)
#   VXPATH_VM_TIMEOUT     hard limit on one VM run, seconds (default 240)

import os
import shutil
import signal
import subprocess

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_VM = os.path.join(REPO, "test", "vm", "build-vm.sh")
RUN_IN_VM = os.path.join(REPO, "test", "vm", "run-in-vm.sh")
SCENE = os.path.join(REPO, "devtools", "exception-path.sh")
PLUGIN_NAME = "librte_net_vxpath.so"
GUEST_OUT = "/run/vxpath/out"
HTTP_SIZE = 307200
PING_COUNT = 5
VM_TIMEOUT = int(os.environ.get("VXPATH_VM_TIMEOUT", "240"))


@pytest.fixture(scope="module")
def vm():
    """Build (or find cached) the VM's kernel and initramfs; skip the
    module when this machine cannot have them."""
    if os.geteuid() != 0:
        why = "the VM harness needs root (9p export of /, apt-get)"
        print("test_vhost_kernel_vm: skipped: " + why)
        pytest.skip(why)
    p = subprocess.run([BUILD_VM], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=900)
    print(p.stdout)
    if p.returncode == 2:
        why = "no QEMU VM on this machine: " + p.stdout.strip()
        print("test_vhost_kernel_vm: skipped: " + why)
        pytest.skip(why)
    assert p.returncode == 0, "test/vm/build-vm.sh failed:\n" + p.stdout
    return p.stdout


def _parse(path):
    res = {}
    with open(path) as f:
        for line in f:
            k, sep, v = line.rstrip("\n").partition("=")
            if sep:
                res[k] = v
    return res


def _tail(path, n=60):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError as e:
        return "(%s)" % e


def run_scene(driver, out_dir, extra=()):
    """Run the scene in the VM; return (results dict, console log path).
    Fails the test when the VM or the scene produced no results."""
    os.makedirs(out_dir, exist_ok=True)
    results = os.path.join(out_dir, "results.txt")
    cmd = [RUN_IN_VM, "--out", out_dir, "--timeout", str(VM_TIMEOUT),
           SCENE, "--driver", driver,
           "--results", GUEST_OUT + "/results.txt"] + list(extra)
    print("running: " + " ".join(cmd))
    # Its own session, so that an interrupted test (timeout, SIGTERM) can
    # stop run-in-vm.sh and QEMU together.
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        stdout, _ = p.communicate(timeout=VM_TIMEOUT + 60)
    except BaseException:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
        raise
    console = os.path.join(out_dir, "console.log")
    # The scene's own summary, for the test report.
    print(stdout[-6000:])
    if not os.path.isfile(results):
        pytest.fail("the scene wrote no results (run-in-vm.sh exited %d); "
                    "VM console:\n%s" % (p.returncode, _tail(console)))
    res = _parse(results)
    res["_rc"] = str(p.returncode)
    return res, console


def check_scene(res, console, driver_name):
    """Assert on what crossed; one message listing every failed check."""
    def num(k):
        try:
            return int(res.get(k, ""))
        except ValueError:
            return -1

    fails = []
    if num("ping_received") != PING_COUNT:
        fails.append("ping: %s of %d replies" %
                     (res.get("ping_received"), PING_COUNT))
    if res.get("http_sha256_match") != "1":
        fails.append("http: sha256 sent %s, got %s" %
                     (res.get("http_sha256_sent"), res.get("http_sha256_got")))
    if num("http_bytes") != HTTP_SIZE:
        fails.append("http: %s of %d bytes" % (res.get("http_bytes"),
                                               HTTP_SIZE))
    if res.get("port1_driver") != driver_name:
        fails.append("port 1 driver name %r, expected %r" %
                     (res.get("port1_driver"), driver_name))
    for port in (0, 1):
        for d in ("rx", "tx"):
            k = "port%d_%s_packets" % (port, d)
            if num(k) <= 0:
                fails.append("%s = %r" % (k, res.get(k)))
    # The HTTP payload came from the kernel: in through port 1 (the TAP
    # side), out through port 0 (the veth side).
    for k in ("port1_rx_bytes", "port0_tx_bytes"):
        if num(k) < HTTP_SIZE:
            fails.append("%s = %r, less than the %d bytes of the file" %
                         (k, res.get(k), HTTP_SIZE))
    if res.get("verdict") != "pass" or res.get("_rc") != "0":
        fails.append("scene verdict %s, exit status %s" %
                     (res.get("verdict"), res.get("_rc")))
    if fails:
        pytest.fail("exception path through %s:\n  %s\nresults: %r\n"
                    "VM console (tail):\n%s" %
                    (driver_name, "\n  ".join(fails), res, _tail(console)))


@pytest.fixture
def out_dir(request, tmp_path):
    """Host side of the guest's /run/vxpath/out for this test."""
    base = os.environ.get("VXPATH_TEST_LOGDIR")
    if not base:
        return str(tmp_path / "vm")
    path = os.path.join(base, request.node.name + "-vm")
    shutil.rmtree(path, ignore_errors=True)
    return path


def test_exception_path_vxpath(vm, out_dir):
    """Ping and HTTP from a namespace to the kernel through testpmd with
    vxpath over the real vhost-net."""
    built = os.environ.get("VXPATH_PLUGIN")
    if not built:
        build_dir = os.path.abspath(os.environ.get(
            "VXPATH_BUILD_DIR", os.path.join(REPO, "build")))
        built = os.path.join(build_dir, "drivers", PLUGIN_NAME)
    if not os.path.isfile(built):
        pytest.fail("vxpath plugin not built: %s missing (meson setup build "
                    "&& ninja -C build)" % built)
    # The results directory is the guest's /run/vxpath/out: passing the
    # plugin through it works wherever the build directory is (the guest
    # cannot see the host's /tmp or /run).
    os.makedirs(out_dir)
    with open(built, "rb") as src, \
            open(os.path.join(out_dir, PLUGIN_NAME), "wb") as dst:
        dst.write(src.read())
    res, console = run_scene("vxpath", out_dir,
                             ["--plugin", GUEST_OUT + "/" + PLUGIN_NAME])
    check_scene(res, console, "net_vxpath")


@pytest.mark.skipif(os.environ.get("VXPATH_TEST_UPSTREAM") != "1",
                    reason="VXPATH_TEST_UPSTREAM=1 runs the harness check "
                           "with DPDK's net_virtio_user")
def test_exception_path_upstream(vm, out_dir):
    """The same scene with DPDK's own net_virtio_user: checks the VM and
    the scene themselves."""
    res, console = run_scene("upstream", out_dir)
    check_scene(res, console, "net_virtio_user")
