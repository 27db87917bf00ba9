#!/usr/bin/env python3
"""Integration tests of the running aiopid: the real binary as a process on the sim board.

    run_daemon_test.py AIOPID CASE      CASE: boot_ready | reload_applies_difference | reload_broken_keeps_old
                                               | sigterm_safe_state | next_runs | list_hardware

The test listens on a real NOTIFY_SOCKET (an AF_UNIX datagram socket) as systemd would, reads aiopid's log
(stderr) and its output trace (--trace-outputs: "DEVICE 0|1" per write, "DEVICE open L" per opening). Nothing
depends on wall-clock timing: every wait is for something to happen, with a generous safety timeout.

No process a test starts outlives it (launch(): the daemons here and in the scripts that import Daemon, the Pico
emulator of tests/firmware): a failed check (sys.exit), an exception, SIGTERM or SIGINT kill what is still
running on the way out, and a script killed outright (ctest's timeout sends SIGKILL) takes them along through
the parent-death signal. A stray aiopid with a [boards.*] uart reopens its port by path for ever, and pts
numbers are reused: it joined a later test's pseudo-terminal and read the answers meant for that test.
"""
import atexit
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SAFETY_TIMEOUT = 20.0  # seconds; only reached when something is broken

LAUNCHED = []  # every process launch() started, oldest first


def launch(argv, **popen_args):
    """subprocess.Popen(argv) of a process that must not outlive this script. setpriv (util-linux) sets the
    parent-death signal and execs (through sh) argv in the same process (proc.pid is argv's), so a SIGKILL of
    this script kills it too. The signal comes when the *thread* that started it ends: call this from the main thread.
    Whatever else ends the script goes through kill_launched() (atexit; SIGTERM is made an exit)."""
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("launch() from the main thread only: the child dies when its starting thread ends")
    if not LAUNCHED:
        atexit.register(kill_launched)
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:  # SIGINT already raises KeyboardInterrupt
            signal.signal(signal.SIGTERM, exit_on_signal)
    # A script killed after fork() but before setpriv's prctl() sends no signal: the shell, started after it,
    # goes on only if its parent is still this script (else it was already handed to init).
    tied = ["setpriv", "--pdeathsig", "KILL", "/bin/sh", "-c", '[ "$PPID" = "$0" ] && exec "$@"', str(os.getpid())]
    proc = subprocess.Popen(tied + list(argv), **popen_args)
    LAUNCHED.append(proc)
    return proc


def kill_launched(procs=None):
    """Kills (SIGKILL) those of `procs` (default: every launched process) still running, newest first, and
    reaps them. A test that passed has stopped its own: this is for the ways out of a failure."""
    for proc in reversed(LAUNCHED if procs is None else list(procs)):
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)  # through the finally blocks and kill_launched()


BASE = """
[daemon]
board = "sim"
log_level = "debug"
time_zone = "UTC"

# Any free port: tests running side by side (ctest -j) must not compete for the default 8765.
[api]
port = 0

[devices.keep]
type = "digital_out"
chip = "sim"
line = 20
initial = true
safe_state = false

[devices.other]
type = "digital_out"
chip = "sim"
line = {other_line}
safe_state = false

[devices.led]
type = "digital_out"
chip = "sim"
line = 17
safe_state = false

[tasks.blink]
start = "boot"
repeat = true
actions = [ {{ toggle = "led" }}, {{ sleep = "{blink}" }} ]

[tasks.mark]
start = "boot"
actions = [ {{ set = "other", value = true }}, {{ log = "mark {version}" }} ]
"""

BROKEN = """
[daemon]
board = "sim"

[devices.keep]
type = "digital_outt"
"""


class Daemon:
    started = []  # every Daemon, from its launch on (also those that never got ready)

    def __init__(self, aiopid, workdir, config_text, watchdog_usec=None):
        self.workdir = workdir
        self.config = os.path.join(workdir, "aiopid.toml")
        self.trace = os.path.join(workdir, "trace.txt")
        self.log = os.path.join(workdir, "log.txt")
        self.write_config(config_text)
        self.sock_path = os.path.join(workdir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.messages = []
        env = dict(os.environ)
        for key in ("JOURNAL_STREAM", "INVOCATION_ID", "WATCHDOG_USEC", "WATCHDOG_PID"):
            env.pop(key, None)
        env["NOTIFY_SOCKET"] = self.sock_path
        if watchdog_usec:
            env["WATCHDOG_USEC"] = str(watchdog_usec)
        self.log_file = open(self.log, "w")
        self.proc = launch([aiopid, "--config", self.config, "--state-dir", workdir, "--trace-outputs", self.trace],
                           env=env, stdin=subprocess.DEVNULL, stdout=self.log_file, stderr=subprocess.STDOUT)
        Daemon.started.append(self)

    def write_config(self, text):
        tmp = self.config + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.config)

    def wait_message(self, predicate, what, running=True):
        """Waits for a notification datagram that satisfies `predicate`; returns it. running=False: the
        process has exited, only what it sent before is read."""
        deadline = time.monotonic() + SAFETY_TIMEOUT
        while time.monotonic() < deadline:
            if running:
                self.check_alive(what)
            else:
                self.sock.setblocking(False)
                try:
                    data = self.sock.recv(4096).decode()
                except BlockingIOError:
                    break
                self.messages.append(data)
                if predicate(data):
                    return data
                continue
            self.sock.settimeout(0.2)
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            self.messages.append(data)
            if predicate(data):
                return data
        fail(f"no notification {what} within {SAFETY_TIMEOUT}s; got {self.messages}")

    def log_text(self):
        with open(self.log) as f:
            return f.read()

    def trace_lines(self):
        if not os.path.exists(self.trace):
            return []
        with open(self.trace) as f:
            return [line.strip() for line in f if line.endswith("\n")]

    def wait_until(self, predicate, what):
        deadline = time.monotonic() + SAFETY_TIMEOUT
        while time.monotonic() < deadline:
            if predicate():
                return
            self.check_alive(what)
            time.sleep(0.02)
        fail(f"{what}: not seen within {SAFETY_TIMEOUT}s\n--- log ---\n{self.log_text()}")

    def wait_log(self, text):
        self.wait_until(lambda: text in self.log_text(), f"log line containing {text!r}")

    def check_alive(self, what):
        if self.proc.poll() is not None:
            fail(f"aiopid exited ({self.proc.returncode}) while waiting for {what}\n--- log ---\n{self.log_text()}")

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=SAFETY_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("aiopid did not exit after " + signal.Signals(sig).name)
        self.log_file.close()
        return code


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def config(version=1, other_line=21, blink="50ms"):
    return BASE.format(version=version, other_line=other_line, blink=blink)


def boot_ready(aiopid, workdir):
    d = Daemon(aiopid, workdir, config(), watchdog_usec=200000)  # pings every 100 ms
    d.wait_message(lambda m: "READY=1" in m.split("\n"), "READY=1")
    expect(any(m.startswith("STATUS=") and "3 devices (3 open)" in m for m in d.messages),
           f"STATUS= with the summary before READY=1: {d.messages}")
    expect("device keep: open" in d.log_text(), "devices are open before READY=1")
    d.wait_message(lambda m: m == "WATCHDOG=1", "WATCHDOG=1")
    d.wait_message(lambda m: m == "WATCHDOG=1", "a second WATCHDOG=1")
    d.wait_log("mark 1")
    expect(d.stop() == 0, "exit 0 after SIGTERM")
    d.wait_message(lambda m: m == "STOPPING=1", "STOPPING=1", running=False)


def reload_applies_difference(aiopid, workdir):
    d = Daemon(aiopid, workdir, config(version=1, other_line=21))
    d.wait_message(lambda m: "READY=1" in m.split("\n"), "READY=1")
    d.wait_log("mark 1")
    before = d.trace_lines()
    expect(before.count("keep open 1") == 1, f"keep opened once: {before}")
    # A changed task (its log text) and a changed device (another line); `keep` and `blink` are unchanged.
    d.write_config(config(version=2, other_line=22))
    d.proc.send_signal(signal.SIGHUP)
    d.wait_message(lambda m: "RELOADING=1" in m.split("\n"), "RELOADING=1")
    d.wait_message(lambda m: "READY=1" in m.split("\n"), "READY=1 after the reload")
    d.wait_log("mark 2")
    log = d.log_text()
    expect("reloaded: 0 added, 2 changed, 0 removed" in log, "the reload's summary:\n" + log)
    expect("task blink: stopped" not in log, "the unchanged task keeps running")
    expect(any(m.startswith("RELOADING=1") and "MONOTONIC_USEC=" in m for m in d.messages),
           f"RELOADING=1 comes with MONOTONIC_USEC: {d.messages}")
    after = d.trace_lines()
    keep_lines = [line for line in after if line.startswith("keep ")]
    expect(keep_lines == ["keep open 1"], f"the unchanged output is neither reopened nor written: {keep_lines}")
    expect(after.count("other open 0") == 2, f"the changed device is reopened: {after}")
    # blink keeps toggling across the reload
    n = len([line for line in after if line.startswith("led ")])
    d.wait_until(lambda: len([l for l in d.trace_lines() if l.startswith("led ")]) > n + 2, "led toggling")
    expect(d.stop() == 0, "exit 0 after SIGTERM")


def reload_broken_keeps_old(aiopid, workdir):
    d = Daemon(aiopid, workdir, config())
    d.wait_message(lambda m: "READY=1" in m.split("\n"), "READY=1")
    d.write_config(BROKEN)
    d.proc.send_signal(signal.SIGHUP)
    d.wait_message(lambda m: m.startswith("STATUS=reload failed"), "STATUS=reload failed")
    d.wait_message(lambda m: "READY=1" in m.split("\n"), "READY=1 after the failed reload")
    log = d.log_text()
    expect("reload: " in log and "unknown device type" in log.lower() or "digital_outt" in log,
           "the errors are logged:\n" + log)
    expect("the running one is kept" in log, "says the old configuration is kept")
    n = len([line for line in d.trace_lines() if line.startswith("led ")])
    d.wait_until(lambda: len([l for l in d.trace_lines() if l.startswith("led ")]) > n + 2,
                 "the old configuration still blinking")
    expect(d.stop() == 0, "exit 0 after SIGTERM")


def sigterm_safe_state(aiopid, workdir):
    # `keep` starts on (initial = true) and `other` is set on by a task; both have safe_state = false. A long
    # blink period makes the LED's last level depend on the stop only.
    d = Daemon(aiopid, workdir, config(blink="1h"))
    d.wait_message(lambda m: "READY=1" in m.split("\n"), "READY=1")
    d.wait_until(lambda: "other 1" in d.trace_lines(), "other set on")
    expect(d.stop(signal.SIGTERM) == 0, "exit 0 after SIGTERM")
    lines = d.trace_lines()
    for device in ("keep", "other", "led"):
        writes = [line for line in lines if line.startswith(device + " ") and " open " not in line]
        expect(writes and writes[-1] == device + " 0", f"{device} ends in its safe state (0): {lines}")
    log = d.log_text()
    expect("SIGTERM: stopping" in log and "stopped" in log, "logs the stop:\n" + log)
    with open(os.path.join(workdir, "aiopid.state")) as f:
        saved = f.read()
    expect("output keep off" in saved and "output other off" in saved, "the state file is saved:\n" + saved)


def next_runs(aiopid, workdir):
    path = os.path.join(workdir, "aiopid.toml")
    with open(path, "w") as f:
        f.write(config() + """
[schedules.hourly]
cron = "0 30 * * * *"
time_zone = "+05:30"
task = "mark"
""")
    out = subprocess.run([aiopid, "--config", path, "--next-runs", "hourly", "--count", "3"],
                         capture_output=True, text=True, timeout=SAFETY_TIMEOUT)
    expect(out.returncode == 0, f"--next-runs exits 0: {out.returncode} {out.stderr}")
    lines = out.stdout.splitlines()
    expect(lines[0].startswith("hourly (0 30 * * * *, +05:30)"), f"the schedule's header: {lines}")
    fires = [line.strip() for line in lines[1:]]
    expect(len(fires) == 3 and all(f.endswith(":30:00+05:30") for f in fires), f"three fires in +05:30: {fires}")
    out = subprocess.run([aiopid, "--config", path, "--next-runs", "nope"], capture_output=True, text=True,
                         timeout=SAFETY_TIMEOUT)
    expect(out.returncode == 64 and "no schedule named 'nope'" in out.stderr, f"unknown schedule: {out}")


def list_hardware(aiopid, workdir):
    path = os.path.join(workdir, "aiopid.toml")
    with open(path, "w") as f:
        f.write(config())
    out = subprocess.run([aiopid, "--config", path, "--list-hardware"], capture_output=True, text=True,
                         timeout=SAFETY_TIMEOUT)
    expect(out.returncode == 0 and out.stdout.startswith("board sim:"), f"sim board listing: {out}")
    out = subprocess.run([aiopid, "--config", path, "--board", "linux", "--list-hardware"], capture_output=True,
                         text=True, timeout=SAFETY_TIMEOUT)
    expect(out.returncode == 0 and "gpio chips" in out.stdout and "serial ports:" in out.stdout,
           f"linux board listing: {out}")


CASES = {f.__name__: f for f in (boot_ready, reload_applies_difference, reload_broken_keeps_old, sigterm_safe_state,
                                 next_runs, list_hardware)}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print(__doc__)
        sys.exit(2)
    with tempfile.TemporaryDirectory(prefix="aiopid-test-") as workdir:
        CASES[sys.argv[2]](sys.argv[1], workdir)
    print("PASS: " + sys.argv[2])
