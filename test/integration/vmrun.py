# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# What the tests that run inside the test VM (test/vm/: QEMU under TCG with
# Debian's kernel and a real vhost-net) share: building or finding the VM,
# handing the vxpath plugin to the guest, running one guest script with
# test/vm/run-in-vm.sh so that an interrupted test stops QEMU too, and
# reading the key=value results the guest scripts write. conftest.py wraps
# the first two as the fixtures `vm` and `vm_out_dir`.
#
# Environment:
#   VXPATH_PLUGIN       the plugin to hand to the guest (else taken from
#                       the build directory)
#   VXPATH_BUILD_DIR    build directory (default: <repo>/build)
#   VXPATH_TEST_LOGDIR  keep each test's VM results directory (console log,
#                       results, testpmd logs) there as <test name>-vm
#   VXPATH_VM_TIMEOUT   hard limit on one VM run, seconds (default 240)

import os
import shutil
import signal
import subprocess

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD_VM = os.path.join(REPO, "test", "vm", "build-vm.sh")
RUN_IN_VM = os.path.join(REPO, "test", "vm", "run-in-vm.sh")
PLUGIN_NAME = "librte_net_vxpath.so"
# The guest's view of the results directory.
GUEST_OUT = "/run/vxpath/out"
VM_TIMEOUT = int(os.environ.get("VXPATH_VM_TIMEOUT", "240"))


def build_vm(who, kernel=None):
    """Build (or find cached) the VM's kernel and initramfs; skip when
    this machine cannot have them (not root, no QEMU, no kernel package:
    build-vm.sh exits 2 and says why). who names the caller in the skip
    message; kernel "trixie" builds the VM with Debian 13's kernel
    (build-vm.sh --kernel). Returns build-vm.sh's output."""
    if os.geteuid() != 0:
        why = "the VM harness needs root (9p export of /, apt-get)"
        print("%s: skipped: %s" % (who, why))
        pytest.skip(why)
    cmd = [BUILD_VM] + (["--kernel", kernel] if kernel else [])
    p = subprocess.run(cmd, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=900)
    print(p.stdout)
    if p.returncode == 2:
        why = "no QEMU VM on this machine: " + p.stdout.strip()
        print("%s: skipped: %s" % (who, why))
        pytest.skip(why)
    assert p.returncode == 0, \
        "%s failed:\n%s" % (" ".join(cmd), p.stdout)
    return p.stdout


def out_dir_for(request, tmp_path):
    """Host side of the guest's /run/vxpath/out for one test: under
    VXPATH_TEST_LOGDIR (emptied first) or pytest's tmp_path. Not created:
    the caller does (plugin_into_out, run)."""
    base = os.environ.get("VXPATH_TEST_LOGDIR")
    if not base:
        return str(tmp_path / "vm")
    path = os.path.join(base, request.node.name + "-vm")
    shutil.rmtree(path, ignore_errors=True)
    return path


def plugin_into_out(out_dir):
    """Copy the vxpath plugin (VXPATH_PLUGIN, else drivers/ of the build
    directory) into out_dir and return its path in the guest. The guest
    cannot see the host's /tmp or /run; the results directory is visible
    wherever the build is. Fails the test when the plugin is missing (a
    missing plugin is a failure, not a skip)."""
    built = os.environ.get("VXPATH_PLUGIN")
    if not built:
        build_dir = os.path.abspath(os.environ.get(
            "VXPATH_BUILD_DIR", os.path.join(REPO, "build")))
        built = os.path.join(build_dir, "drivers", PLUGIN_NAME)
    if not os.path.isfile(built):
        pytest.fail("vxpath plugin not built: %s missing (meson setup build "
                    "&& ninja -C build)" % built)
    os.makedirs(out_dir, exist_ok=True)
    with open(built, "rb") as src, \
            open(os.path.join(out_dir, PLUGIN_NAME), "wb") as dst:
        dst.write(src.read())
    return GUEST_OUT + "/" + PLUGIN_NAME


def app_into_out(out_dir, app):
    """Copy the project's application app (a directory of app/, such as
    vxpath-gateway) from the build directory into out_dir and return its
    path in the guest (see plugin_into_out). Fails the test when it is
    not built."""
    build_dir = os.path.abspath(os.environ.get(
        "VXPATH_BUILD_DIR", os.path.join(REPO, "build")))
    built = os.path.join(build_dir, "app", app, app)
    if not os.path.isfile(built):
        pytest.fail("%s not built: %s missing (ninja -C %s)" %
                    (app, built, build_dir))
    os.makedirs(out_dir, exist_ok=True)
    dst = os.path.join(out_dir, app)
    shutil.copyfile(built, dst)
    os.chmod(dst, 0o755)
    return GUEST_OUT + "/" + app


def run(script, out_dir, args=(), timeout=None, kernel=None):
    """Run script (a path in the repository) in the VM with args, results
    in out_dir; kernel "trixie" boots Debian 13's kernel instead of the
    default (run-in-vm.sh --kernel). Returns (exit status of
    run-in-vm.sh, its output: the guest's console). The run has its own
    session, so that an interrupted test (timeout, SIGTERM) stops
    run-in-vm.sh and QEMU together."""
    timeout = VM_TIMEOUT if timeout is None else timeout
    os.makedirs(out_dir, exist_ok=True)
    cmd = [RUN_IN_VM, "--out", out_dir, "--timeout", str(timeout)]
    if kernel:
        cmd += ["--kernel", kernel]
    cmd += [script] + list(args)
    print("running: " + " ".join(cmd))
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True,
                         start_new_session=True)
    try:
        stdout, _ = p.communicate(timeout=timeout + 60)
    except BaseException:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
        raise
    return p.returncode, stdout


def parse(path):
    """key=value lines of a results file as a dict (other lines ignored)."""
    res = {}
    with open(path) as f:
        for line in f:
            k, sep, v = line.rstrip("\n").partition("=")
            if sep:
                res[k] = v
    return res


def results(path, rc, console):
    """The results file a VM scene wrote (parse()); fails the test, with
    the exit status rc of run-in-vm.sh and the tail of the VM's console
    log, when the scene wrote none (or an empty one)."""
    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        pytest.fail("%s: no results (run-in-vm.sh exited %d); VM console:"
                    "\n%s" % (path, rc, tail(console)))
    return parse(path)


def summary_results(out_dir, name, rc, stdout, banner):
    """Print a scene's summary (its stdout from the line with banner up to
    the VM's own closing lines) and where its files are. Return its
    results (results() of out_dir/name), the summary and the path of the
    VM's console log, for the failure messages."""
    console = os.path.join(out_dir, "console.log")
    path = os.path.join(out_dir, name)
    start = stdout.find(banner)
    summary = stdout[start:].split("vm-init:")[0] if start >= 0 else ""
    print(summary)
    print("VM results: %s (console log %s)" % (path, console))
    return results(path, rc, console), summary, console


def number(res, key, missing=None):
    """res[key] as an int; missing when absent or not a number."""
    try:
        return int(res.get(key, ""))
    except ValueError:
        return missing


def tail(path, n=60):
    """The last n lines of a file, or why it could not be read."""
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError as e:
        return "(%s)" % e
