# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The vxpath authors
#
# Drive one interactive dpdk-testpmd process with pexpect: start it, send
# commands and wait for the prompt, parse `show port stats` and
# `show port info`, count its open file descriptors, and make sure it is
# gone at the end (quit, then SIGTERM, then SIGKILL, always with a
# timeout). Everything the process prints is kept in a log file, so a test
# failure can quote it. The integration tests build on this module; it
# knows nothing of vxpath itself.

import atexit
import ctypes
import glob
import os
import re
import shutil
import signal
import time

import pexpect

TESTPMD = os.environ.get("VXPATH_TESTPMD", "dpdk-testpmd")
PROMPT = "testpmd> "


def _prompt_pattern(prompt):
    """A regex for @prompt that also matches it with whole lines printed
    into it by other threads.

    testpmd's command line writes its prompt one character at a time,
    while the EAL interrupt thread prints event lines ("Port 0: link state
    change event") and drivers log from any thread, each in one write that
    ends with a newline. Such a line can land between two characters of
    the prompt ("testp", then the event line, then "md> "). Between each
    two characters the pattern allows any number of lines, each ending
    with a newline; the prompt's next character must then start a line.
    The leftmost match may still start early, at a letter of the command's
    own output (the "t" of "statistics"): _prompt_start() finds where the
    prompt itself begins.
    """
    lines = r"(?:[^\n]*\n)*?"
    return re.compile(lines.join(re.escape(c) for c in prompt))


PROMPT_RE = _prompt_pattern(PROMPT)


def _prompt_start(text):
    """Offset in @text, a match of PROMPT_RE, where the prompt itself
    starts: the last position from which the pattern still matches the
    whole of it. What comes before belongs to the command's output."""
    for i in range(len(text) - len(PROMPT), -1, -1):
        if text[i] == PROMPT[0] and PROMPT_RE.fullmatch(text, i):
            return i
    return 0

# Every TestPmd still running, so that an interrupted session can kill them.
_LIVE = set()

_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    # In the child before exec: SIGKILL testpmd if the test process dies,
    # even of SIGKILL, so that no testpmd outlives its test run.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG,
                                                signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


class TestPmdError(Exception):
    """testpmd did something the harness did not expect (timeout, exit)."""


class _Output:
    """pexpect's logfile_read: everything the process prints goes to the
    log file (if any) and is kept in memory, so that a wait for a line
    cannot miss one that an earlier wait or drain() already consumed."""

    def __init__(self, log):
        self.log = log
        self.chunks = []
        self.size = 0

    def write(self, text):
        self.chunks.append(text)
        self.size += len(text)
        if self.log:
            self.log.write(text)

    def flush(self):
        if self.log:
            self.log.flush()

    def text(self, since=0):
        if len(self.chunks) > 1:
            self.chunks = ["".join(self.chunks)]
        return self.chunks[0][since:] if self.chunks else ""


class TestPmd:
    """One interactive dpdk-testpmd process.

    name:       short label used in messages and the log file name.
    eal_args:   EAL arguments (before "--"); must contain a unique
                --file-prefix, the harness removes that prefix's runtime
                and hugepage files when the process is gone.
    app_args:   testpmd arguments (after "--"); "-i" is added if missing.
    log_path:   file receiving everything the process prints.
    timeout:    default seconds to wait for a prompt.
    wrapper:    command run in front of testpmd (e.g. valgrind and its
                options); empty by default.
    program:    the program to run instead of dpdk-testpmd (the harness's
                own tests give a stand-in); default VXPATH_TESTPMD or
                dpdk-testpmd.
    """

    # Not a test class, whatever pytest's collector thinks of the name.
    __test__ = False

    def __init__(self, name, eal_args, app_args=(), log_path=None,
                 timeout=60, wrapper=(), program=None):
        self.name = name
        self.program = program or TESTPMD
        self.wrapper = list(wrapper)
        self.eal_args = list(eal_args)
        self.app_args = list(app_args)
        if "-i" not in self.app_args and \
           "--interactive" not in self.app_args:
            self.app_args.insert(0, "-i")
        self.timeout = timeout
        self.log_path = log_path
        self.file_prefix = None
        for i, arg in enumerate(self.eal_args):
            if arg == "--file-prefix" and i + 1 < len(self.eal_args):
                self.file_prefix = self.eal_args[i + 1]
            elif arg.startswith("--file-prefix="):
                self.file_prefix = arg.split("=", 1)[1]
        self.proc = None
        self.exitstatus = None
        self.signalstatus = None
        self.startup_output = ""
        self._log = None
        self._out = _Output(None)

    # --- life cycle -------------------------------------------------------

    @property
    def argv(self):
        return self.wrapper + [self.program] + self.eal_args + ["--"] + \
            self.app_args

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self, timeout=None, wait=True):
        """Spawn testpmd and wait for its first prompt (wait=False: do not
        wait; call wait_started() later, e.g. once a peer is up).

        Return: what it printed before the prompt (EAL and probe logs);
        None with wait=False.
        Raises TestPmdError if it exits or times out first.
        """
        if self.log_path:
            self._log = open(self.log_path, "a", encoding="utf-8",
                             errors="replace")
            self._log.write("### %s\n" % " ".join(self.argv))
            self._log.flush()
        self.proc = pexpect.spawn(self.argv[0], self.argv[1:],
                                  encoding="utf-8", codec_errors="replace",
                                  timeout=self.timeout,
                                  dimensions=(50, 1000), echo=False,
                                  preexec_fn=_die_with_parent)
        self._out = _Output(self._log)
        self.proc.logfile_read = self._out
        _LIVE.add(self)
        if not wait:
            return None
        return self.wait_started(timeout)

    def wait_started(self, timeout=None):
        """After start(wait=False): wait for the first prompt.
        Return: what testpmd printed before it."""
        self.startup_output = self._expect_prompt(timeout, "start-up")
        return self.startup_output

    def alive(self):
        return self.proc is not None and self.proc.isalive()

    def _expect_prompt(self, timeout, what):
        timeout = self.timeout if timeout is None else timeout
        try:
            self.proc.expect(PROMPT_RE, timeout=timeout)
        except pexpect.TIMEOUT:
            raise TestPmdError("%s: no prompt within %ss after %s\n%s" %
                               (self.name, timeout, what, self.tail()))
        except pexpect.EOF:
            self._reap()
            raise TestPmdError("%s: exited during %s (status %s, signal "
                               "%s)\n%s" % (self.name, what,
                                            self.exitstatus,
                                            self.signalstatus,
                                            self.tail()))
        text = self.proc.match.group(0)
        return self.proc.before + text[:_prompt_start(text)]

    def drain(self):
        """Consume whatever the process printed since the last prompt
        (asynchronous event and vhost log lines); it goes to the log."""
        if not self.alive():
            return
        while True:
            try:
                self.proc.read_nonblocking(size=65536, timeout=0.05)
            except (pexpect.TIMEOUT, pexpect.EOF):
                return

    def mark(self):
        """Position in everything the process printed so far, for
        wait_output(since=...): take it before the action whose output
        is awaited."""
        return self._out.size

    def output(self, since=0):
        """Everything the process printed from position @since on."""
        return self._out.text(since)

    def wait_output(self, text, since=0, timeout=10, count=1):
        """Wait until @text (a plain string) appears @count times in what
        the process printed from position @since (mark()) on, whatever
        consumed it (a command's prompt wait, drain()).

        Return: the output from @since on.
        Raises TestPmdError after @timeout seconds, or if the process
        exits first.
        """
        deadline = time.monotonic() + timeout
        while True:
            out = self._out.text(since)
            if out.count(text) >= count:
                return out
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestPmdError("%s: %r not printed %d time(s) within "
                                   "%ss\n%s" % (self.name, text, count,
                                                 timeout, self.tail()))
            if not self.alive():
                raise TestPmdError("%s: exited while waiting for %r\n%s" %
                                   (self.name, text, self.tail()))
            try:
                self.proc.read_nonblocking(size=65536,
                                           timeout=min(left, 0.1))
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                self._reap()

    def cmd(self, command, timeout=None):
        """Send one command line and wait for the next prompt.

        Return: what the command printed (asynchronous log lines of the
        process may be mixed in; parse with patterns, not positions).
        """
        if not self.alive():
            raise TestPmdError("%s: not running, cannot send %r\n%s" %
                               (self.name, command, self.tail()))
        self.drain()
        self.proc.sendline(command)
        return self._expect_prompt(timeout, repr(command))

    def quit(self, timeout=30):
        """Send `quit` and wait for the process to exit.

        Return: its exit status (None if it died of a signal).
        Raises TestPmdError if it does not exit in time (it is then
        killed).
        """
        if not self.alive():
            self._reap()
            return self.exitstatus
        self.drain()
        self.proc.sendline("quit")
        try:
            self.proc.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            self.kill()
            raise TestPmdError("%s: did not exit within %ss of quit\n%s" %
                               (self.name, timeout, self.tail()))
        self._reap()
        return self.exitstatus

    def _reap(self):
        if self.proc is None:
            return
        try:
            self.proc.close(force=True)
        except pexpect.ExceptionPexpect:
            pass
        if self.exitstatus is None and self.signalstatus is None:
            self.exitstatus = self.proc.exitstatus
            self.signalstatus = self.proc.signalstatus
        _LIVE.discard(self)
        self._cleanup_runtime()

    def kill(self):
        """Make sure the process is gone: SIGTERM, then SIGKILL after 5 s.
        Safe to call more than once, and on a process already exited."""
        if self.proc is None:
            return
        if self.proc.isalive():
            for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 10)):
                try:
                    os.kill(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                deadline = time.monotonic() + wait
                while time.monotonic() < deadline and self.proc.isalive():
                    try:
                        self.proc.read_nonblocking(65536, timeout=0.1)
                    except (pexpect.TIMEOUT, pexpect.EOF):
                        time.sleep(0.1)
                if not self.proc.isalive():
                    break
        self._reap()

    def close(self):
        """Teardown: kill if still running, close the log."""
        self.kill()
        if self._log:
            self._log.close()
            self._log = None

    def _cleanup_runtime(self):
        # A process that is gone leaves its hugepage files and runtime
        # directory behind; they hold hugepages, so remove them (the
        # prefix is ours alone).
        if not self.file_prefix:
            return
        for f in glob.glob("/dev/hugepages/%smap_*" % self.file_prefix):
            try:
                os.unlink(f)
            except OSError:
                pass
        shutil.rmtree("/var/run/dpdk/%s" % self.file_prefix,
                      ignore_errors=True)

    # --- inspection -------------------------------------------------------

    def log_text(self):
        if not self.log_path:
            return self._out.text()
        if self._log:
            self._log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def tail(self, lines=60):
        text = self.log_text().splitlines()
        return "--- last %d lines of %s (%s) ---\n%s" % (
            min(lines, len(text)), self.name, self.log_path,
            "\n".join(text[-lines:]))

    def fd_count(self):
        """Number of open file descriptors of the process."""
        return len(os.listdir("/proc/%d/fd" % self.pid))

    def fd_targets(self):
        """Sorted list of what the process's fds point to (for messages)."""
        out = []
        d = "/proc/%d/fd" % self.pid
        for fd in os.listdir(d):
            try:
                out.append(os.readlink(os.path.join(d, fd)))
            except OSError:
                pass
        return sorted(out)

    def port_stats(self, port=0):
        """`show port stats <port>` as a dict of int counters:
        rx_packets, rx_missed, rx_bytes, rx_errors, rx_nombuf,
        tx_packets, tx_errors, tx_bytes."""
        out = self.cmd("show port stats %d" % port)
        return parse_port_stats(out, self.name)

    def port_info(self, port=0):
        """`show port info <port>` as a dict "Field name" -> "value"."""
        out = self.cmd("show port info %d" % port)
        return parse_port_info(out)


_STATS_FIELDS = {
    "RX-packets": "rx_packets", "RX-missed": "rx_missed",
    "RX-bytes": "rx_bytes", "RX-errors": "rx_errors",
    "RX-nombuf": "rx_nombuf", "TX-packets": "tx_packets",
    "TX-errors": "tx_errors", "TX-bytes": "tx_bytes",
}


def parse_port_stats(text, who="testpmd"):
    """Parse the "NIC statistics" block printed by `show port stats`."""
    start = text.find("NIC statistics for port")
    if start < 0:
        raise TestPmdError("%s: no NIC statistics in:\n%s" % (who, text))
    block = text[start:]
    stats = {}
    for key, value in re.findall(r"([RT]X-[a-z]+):\s+(\d+)", block):
        if key in _STATS_FIELDS and _STATS_FIELDS[key] not in stats:
            stats[_STATS_FIELDS[key]] = int(value)
    missing = set(_STATS_FIELDS.values()) - set(stats)
    if missing:
        raise TestPmdError("%s: stats lack %s in:\n%s" %
                           (who, sorted(missing), block))
    return stats


def parse_port_info(text):
    """Parse `show port info`: "Name: value" lines into a dict (first
    occurrence wins); an invalid port gives an empty dict."""
    info = {}
    start = text.find("Infos for port")
    if start < 0:
        return info
    for line in text[start:].splitlines():
        m = re.match(r"^([A-Za-z][^:]*?):\s*(.*?)\s*$", line)
        if m and m.group(1) not in info:
            info[m.group(1)] = m.group(2)
    return info


def kill_all():
    """Kill every TestPmd this process started and has not reaped."""
    for t in list(_LIVE):
        t.kill()


atexit.register(kill_all)
