# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Interrupts of a vxpath port against DPDK's net_vhost back-end (a second
# testpmd process, as in test_vhost_user.py):
#
# - link-state change: testpmd asks for LSC interrupts by default (it has
#   --no-lsc-interrupt to refrain) when the driver announces them. The
#   back-end process is killed with SIGKILL: the front-end prints exactly
#   one "Port 0: link state change event", `show port info` then says the
#   link is down, and the process lives on and quits cleanly. Before that,
#   an idle front-end burns no CPU: the watch on the vhost-user socket does
#   not spin.
# - Rx queue interrupts: app/vxpath-rxintr sleeps on its Rx queue's
#   interrupt (rte_eth_dev_rx_intr_ctl_q, rte_epoll_wait). Idle, it uses no
#   CPU; each burst the back-end sends wakes it once and every packet
#   arrives. Under a flood, with a gap between "queue empty" and "interrupt
#   enabled" that lets packets slip in, no wake-up is ever lost (its count
#   of late packets stays 0), with and without the event index.
# - the TAP's flags, over the real vhost-net in the test VM
#   (test/vm/lsc-tap.sh): the link is down while the TAP is down, and each
#   `ip link set <tap> up/down` raises one event and moves the link.

import os
import re
import signal
import time

import pexpect
import pytest

import testpmd
import vmrun
from test_vhost_user import (APP_ARGS, _frontend_args, _new_sock,  # noqa: F401
                             _start_backend, backend, driver, pair,
                             quit_cleanly, vxpath_driver)

LSC_EVENT = "Port 0: link state change event"
# Clock ticks (1/100 s) an idle process may use in one second: a process
# that polls or spins uses about 100.
IDLE_TICKS = 10
RXINTR = os.path.join("app", "vxpath-rxintr", "vxpath-rxintr")
BURST = 32


def cpu_ticks(pid):
    """utime + stime of the whole process (all threads), clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def idle_ticks(pid, seconds=1.0):
    t0 = cpu_ticks(pid)
    time.sleep(seconds)
    return cpu_ticks(pid) - t0


# --- link-state change -------------------------------------------------------

def test_lsc_backend_killed(pair, driver):
    """kill -9 of the back-end: one LSC event, link down, process alive."""
    fe, be = pair
    info = fe.port_info(0)
    assert info.get("Link status") == "up", "%r\n%s" % (info, fe.tail())
    # Some traffic first, so that the connection has carried everything a
    # working port exchanges.
    be.cmd("start")
    fe.cmd("start tx_first")
    time.sleep(1)
    fe.cmd("stop")
    be.cmd("stop")
    ticks = idle_ticks(fe.pid)
    assert ticks <= IDLE_TICKS, \
        "idle front-end used %d ticks in 1 s\n%s" % (ticks, fe.tail())
    assert LSC_EVENT not in fe.log_text(), \
        "LSC event while the back-end was alive\n" + fe.tail()

    os.kill(be.pid, signal.SIGKILL)
    try:
        fe.wait_output(LSC_EVENT, timeout=10)
    except testpmd.TestPmdError as e:
        pytest.fail("no link state change event after the back-end died\n" +
                    str(e))
    be.kill()
    time.sleep(1)
    assert fe.alive(), fe.tail()
    info = fe.port_info(0)
    assert info.get("Link status") == "down", "%r\n%s" % (info, fe.tail())
    # One event, not a storm, and no spinning on the dead socket.
    ticks = idle_ticks(fe.pid)
    assert ticks <= IDLE_TICKS, \
        "front-end used %d ticks in 1 s after the hang-up\n%s" % (
            ticks, fe.tail())
    assert fe.log_text().count(LSC_EVENT) == 1, fe.tail()
    quit_cleanly(fe)


def test_lsc_not_raised_by_port_stop(pair):
    """Stopping the port is the application's doing: no event; killing the
    back-end of a stopped port raises none either (nothing is watched)."""
    fe, be = pair
    fe.cmd("port stop 0")
    fe.cmd("port start 0")
    fe.cmd("port stop 0")
    os.kill(be.pid, signal.SIGKILL)
    be.kill()
    time.sleep(1)
    assert fe.alive(), fe.tail()
    assert LSC_EVENT not in fe.log_text(), fe.tail()
    quit_cleanly(fe)


# --- Rx queue interrupts -----------------------------------------------------

@pytest.fixture(scope="session")
def rxintr_app(build_dir):
    path = os.path.join(build_dir, RXINTR)
    if not os.path.isfile(path):
        pytest.skip("%s not built (ninja -C %s)" % (path, build_dir))
    return path


class RxIntr:
    """One app/vxpath-rxintr process on lcore 1 (the back-end forwards on
    lcore 0)."""

    def __init__(self, app, drv, sock, devargs, args, log_path):
        self.argv = [app, "-l", "1", "--file-prefix",
                     "vxfe%d" % os.getpid(), "--single-file-segments",
                     "--no-pci"] + drv.eal_extra + [
            "--vdev", "%s,path=%s%s" % (drv.vdev, sock, devargs),
            "--"] + args
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.log.write("### %s\n" % " ".join(self.argv))
        self.proc = pexpect.spawn(self.argv[0], self.argv[1:],
                                  encoding="utf-8", codec_errors="replace",
                                  timeout=60, echo=False,
                                  preexec_fn=testpmd._die_with_parent)
        self.proc.logfile_read = self.log

    @property
    def pid(self):
        return self.proc.pid

    def text(self):
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_ready(self):
        try:
            self.proc.expect_exact("rxintr: ready", timeout=60)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pytest.fail("vxpath-rxintr did not get ready\n" + self.text())

    def summary(self, timeout=60):
        """Wait for the summary line (the app then holds its port up,
        idle); return its counters."""
        try:
            self.proc.expect(r"rxintr: (packets=[^\r\n]*)", timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pytest.fail("vxpath-rxintr printed no summary\n" + self.text())
        return dict((k, int(v)) for k, v in
                    re.findall(r"(\w+)=(\d+)", self.proc.match.group(1)))

    def stop(self, timeout=30):
        """SIGTERM, wait for the exit; return the exit status."""
        self.proc.kill(signal.SIGTERM)
        try:
            self.proc.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            pytest.fail("vxpath-rxintr did not exit\n" + self.text())
        self.proc.close()
        return self.proc.exitstatus

    def close(self):
        if self.proc.isalive():
            self.proc.kill(signal.SIGKILL)
        self.proc.close(force=True)
        self.log.close()
        prefix = "vxfe%d" % os.getpid()
        for f in os.listdir("/dev/hugepages"):
            if f.startswith(prefix + "map_"):
                try:
                    os.unlink(os.path.join("/dev/hugepages", f))
                except OSError:
                    pass


@pytest.fixture
def rxintr(rxintr_app, log_dir):
    procs = []

    def _start(drv, sock, devargs="", args=()):
        p = RxIntr(rxintr_app, drv, sock, devargs, list(args),
                   os.path.join(log_dir, "rxintr.log"))
        procs.append(p)
        return p

    yield _start
    for p in procs:
        p.close()


@pytest.mark.parametrize("ring", ["split", "packed"])
@pytest.mark.parametrize("event_idx", ["1", "0"])
def test_rx_interrupt_sleeps_and_wakes(backend, vxpath_driver, rxintr,
                                       event_idx, ring):
    """Idle: no CPU. Each burst from the back-end: one wake-up, every
    packet received, none found late. Split and packed rings."""
    be, sock = backend
    rounds = 3
    devargs = ",event_idx=" + event_idx + \
        (",packed_vq=1" if ring == "packed" else "")
    app = rxintr(vxpath_driver, sock, devargs,
                 ["--packets", str(rounds * BURST), "--timeout", "60",
                  "--hold"])
    app.wait_ready()
    time.sleep(0.5)
    ticks = idle_ticks(app.pid)
    assert ticks <= IDLE_TICKS, \
        "vxpath-rxintr used %d ticks idle in 1 s\n%s" % (ticks, app.text())
    for _ in range(rounds):
        be.cmd("start tx_first")
        time.sleep(0.5)
        be.cmd("stop")
    c = app.summary()
    status = app.stop()
    ctx = "%r\n%s\n%s" % (c, app.text(), be.tail(20))
    assert status == 0, ctx
    assert c["packets"] == rounds * BURST, ctx
    # Woken by each burst, not by a timeout; a burst may come in pieces.
    assert rounds <= c["wakeups"] <= rounds * BURST, ctx
    assert c["late"] == 0, ctx


@pytest.mark.parametrize("ring", ["split", "packed"])
@pytest.mark.parametrize("event_idx", ["1", "0"])
def test_rx_interrupt_no_lost_wakeup(backend, vxpath_driver, rxintr,
                                     event_idx, ring):
    """A flood, and a 50 us gap between finding the queue empty and
    enabling its interrupt: packets that land in the gap must still wake
    the application at once (the driver's re-check), never after a
    timeout. Split and packed rings."""
    be, sock = backend
    want = 100000
    devargs = ",event_idx=" + event_idx + \
        (",packed_vq=1" if ring == "packed" else "")
    app = rxintr(vxpath_driver, sock, devargs,
                 ["--packets", str(want), "--timeout", "60",
                  "--gap-us", "50", "--hold"])
    app.wait_ready()
    be.cmd("set fwd txonly")
    be.cmd("start")
    c = app.summary()
    be.cmd("stop")
    status = app.stop()
    ctx = "%r\n%s\n%s" % (c, app.text(), be.tail(20))
    assert status == 0, ctx
    assert c["packets"] >= want, ctx
    assert c["late"] == 0, ctx


# --- the TAP's link, in the VM --------------------------------------------------

LSC_TAP = os.path.join(vmrun.REPO, "test", "vm", "lsc-tap.sh")


def test_lsc_tap_flags_vm(vm, vm_out_dir):
    """vhost-kernel: the TAP's up/down moves the link and raises one LSC
    event each time."""
    plugin = vmrun.plugin_into_out(vm_out_dir)
    rc, stdout = vmrun.run(LSC_TAP, vm_out_dir, ["--plugin", plugin])
    console = os.path.join(vm_out_dir, "console.log")
    results = os.path.join(vm_out_dir, "lsc-tap.txt")
    res = vmrun.results(results, rc, console)
    want = {"events_start": "0", "link_start": "down",
            "events_up1": "1", "link_up1": "up",
            "events_down": "2", "link_down": "down",
            "events_up2": "3", "link_up2": "up",
            "testpmd_exit": "0", "verdict": "pass"}
    fails = ["%s = %r, expected %s" % (k, res.get(k), v)
             for k, v in want.items() if res.get(k) != v]
    if fails or rc != 0:
        pytest.fail("TAP link events:\n  %s\nrun-in-vm.sh exited %d\n"
                    "results: %r\nVM console (tail):\n%s" %
                    ("\n  ".join(fails), rc, res, vmrun.tail(console)))
