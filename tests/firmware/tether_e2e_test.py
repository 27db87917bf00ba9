#!/usr/bin/env python3
"""aiopid with a Pico that runs the real aiopi-pico firmware, end to end: the image in rp2040js paced to
wall-clock time (tests/firmware/harness/bridge.mjs) with UART0 on a pseudo-terminal that aiopid opens as
`[boards.pico1] uart`. The structure is tests/remote/tether_daemon_test.py's, with the emulated firmware in
place of fake_pico.py.

    tether_e2e_test.py AIOPID AIOPICTL RP2040_BUILD_DIR CASE

CASE: set_output | button_events | daemon_restart (aiopid restarted while the Pico keeps six devices open)

Exit 77 (skipped) when the rp2040 build has no aiopi-pico image or node is missing. Nothing depends on
wall-clock timing: every wait is for something to happen, with a generous safety timeout.
"""
import asyncio
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tty

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "remote"))
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
# start(): the Daemon is in Daemon.started from its launch on (stopped even when it never gets ready)
from api_daemon_test import curl, next_notification, rpc, start  # noqa: E402
from run_daemon_test import SAFETY_TIMEOUT, Daemon, exit_on_signal, expect, fail, kill_launched, launch  # noqa: E402

import websockets  # noqa: E402  (Debian: python3-websockets)

SKIP = 77


class EmulatedPico:
    """The emulated Pico behind a pty: .path for the daemon; press/release/level for the test."""

    def __init__(self, build_dir):
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        os.close(slave)
        os.set_blocking(self.master, False)  # the bridge drops what nobody reads instead of stalling
        self.proc = launch(  # dies with this script, like aiopid
            ["node", os.path.join(HERE, "harness", "bridge.mjs"), "--uart-fd", str(self.master), "--build-dir",
             build_dir],
            pass_fds=(self.master,), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.answers = queue.Queue()
        self.comments = []
        threading.Thread(target=self._read, daemon=True).start()
        first = self.answers.get(timeout=SAFETY_TIMEOUT)
        expect(first == "started", f"bridge: {first}")

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            if line.startswith("uart "):
                self.comments.append(line[5:])
            else:
                self.answers.put(line)

    def command(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def press(self, pin):
        self.command(f"press {pin}")

    def release(self, pin):
        self.command(f"release {pin}")

    def level(self, pin):
        self.command(f"get {pin}")
        answer = self.answers.get(timeout=SAFETY_TIMEOUT)
        expect(answer.startswith(f"level {pin} "), f"bridge: {answer}")
        return answer.endswith(" 1")

    def close(self):
        if self.proc.poll() is None:
            self.command("quit")
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        os.close(self.master)


def config(uart):
    return f"""
[daemon]
board = "sim"
log_level = "debug"
time_zone = "UTC"

[api]
port = 0

[boards.pico1]
uart = "{uart}"
# The emulator keeps pace with the wall clock only while it gets the CPU: a loaded machine (tests run in
# parallel, builds) can hold a reply back for longer than the default 500 ms, which is not what this tests.
timeout = "3s"

[devices.led]
type = "digital_out"
board = "pico1"
pin = 15

[devices.btn]
type = "pushbutton"
board = "pico1"
pin = 14
"""


def device(d, name):
    status, dev = curl(d, "GET", f"/api/v1/devices/{name}")
    expect(status == 200, f"devices.get {name}: {status} {dev}")
    return dev


def wait_state(d, name, state):
    d.wait_until(lambda: device(d, name)["state"] == state, f"device {name} in state {state}")


def ctl(aiopictl, d, *args):
    env = dict(os.environ, AIOPI_URL=d.url)
    p = subprocess.run([aiopictl, *args], capture_output=True, text=True, env=env, timeout=SAFETY_TIMEOUT)
    if p.returncode != 0:
        fail(f"aiopictl {' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")


def wait_for(predicate, what):
    end = time.monotonic() + SAFETY_TIMEOUT
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.02)
    fail(f"timed out waiting for {what}")


# ---- cases

def set_output(aiopid, aiopictl, workdir, pico):
    d = start(aiopid, workdir, config(pico.path))
    wait_state(d, "led", "open")
    expect(not pico.level(15), "GP15 low after devices.open")
    ctl(aiopictl, d, "set", "led", "on")
    wait_for(lambda: pico.level(15), "GP15 high on the emulated Pico")
    expect(device(d, "led")["value"] is True, "devices.get shows the level set")
    ctl(aiopictl, d, "set", "led", "off")
    wait_for(lambda: not pico.level(15), "GP15 low again")
    expect(any(c.startswith("#aiopi-pico 0.1.0 ready") for c in pico.comments), f"banner: {pico.comments}")
    expect(d.stop() == 0, "exit 0")


def button_events(aiopid, aiopictl, workdir, pico):
    pico.release(14)  # the button's idle level (pull-up)
    d = start(aiopid, workdir, config(pico.path))
    wait_state(d, "btn", "open")

    async def body():
        async with websockets.connect(d.ws_url) as ws:
            answer = await rpc(ws, "subscribe", {"topics": ["btn.*"]})
            expect("result" in answer, f"subscribe: {answer}")
            before_us = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            pico.press(14)
            press = await next_notification(ws, lambda t: t == "device.btn.press")
            pico.release(14)
            await next_notification(ws, lambda t: t == "device.btn.release")
            # A double click: a second press within 400 ms of the first (the wall-clock gap is far shorter).
            pico.press(14)
            await asyncio.sleep(0.08)
            pico.release(14)
            await asyncio.sleep(0.08)
            pico.press(14)
            double = await next_notification(ws, lambda t: t == "device.btn.double")
            pico.release(14)
            after_us = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            # The Pico's TIMER mapped onto the daemon's clock: inside the test's window (generous bound).
            for n in (press, double):
                expect(before_us - 2_000_000 <= n["mono_us"] <= after_us + 2_000_000,
                       f"mono_us {n['mono_us']} outside [{before_us}, {after_us}]")
    asyncio.run(body())
    expect(d.stop() == 0, "exit 0")


MORE_DEVICES = """
[devices.door]
type = "digital_in"
board = "pico1"
pin = 7

[devices.fan]
type = "pwm"
board = "pico1"
pin = 16

[devices.light]
type = "adc"
board = "pico1"
channel = 0

[devices.door2]
type = "digital_in"
board = "pico1"
pin = 8
"""


def daemon_restart(aiopid, aiopictl, workdir, pico):
    """aiopid restarts while the Pico keeps six devices open: the devices.list reply at connect (~700 bytes,
    longer than 512) must be read (docs/design/pico-tether.md: Pico lines up to 8192 bytes), the devices
    closed and opened again. Not registered in CTest yet: aiopid's tether reader drops lines over 512 bytes
    (daemon/tether LineFramer::kMaxLine), so the link never comes back."""
    names = ("led", "btn", "door", "fan", "light", "door2")
    d = start(aiopid, workdir, config(pico.path) + MORE_DEVICES)
    for name in names:
        wait_state(d, name, "open")
    expect(d.stop() == 0, "exit 0")
    again = os.path.join(workdir, "again")  # a fresh directory: the first daemon's socket and state stay behind
    os.mkdir(again)
    d = start(aiopid, again, config(pico.path) + MORE_DEVICES)
    for name in names:
        wait_state(d, name, "open")
    expect(d.stop() == 0, "exit 0")


CASES = {f.__name__: f for f in (set_output, button_events, daemon_restart)}


def main():
    aiopid, aiopictl, build_dir, case = sys.argv[1:5]
    global SKIP
    if os.environ.get("AIOPI_REQUIRE_FIRMWARE") == "1":
        SKIP = 1  # tools/test-all runs these after building the rp2040 preset: a missing piece is a failure there
    if shutil.which("node") is None:
        print("skip: node not found")
        sys.exit(SKIP)
    image = os.path.join(build_dir, "firmware", "aiopi-pico", "aiopi-pico.bin")
    bootrom = os.path.join(build_dir, "tests", "firmware", "bootrom.bin")
    if not (os.path.exists(image) and os.path.exists(bootrom)):
        print(f"skip: {image} or {bootrom} missing (build aiopi-pico and aiopi_fw_bootrom in the rp2040 preset)")
        sys.exit(SKIP)
    if not os.path.isdir(os.path.join(HERE, "node_modules", "rp2040js")):
        print("skip: tests/firmware/node_modules missing (npm ci there)")
        sys.exit(SKIP)
    signal.signal(signal.SIGTERM, exit_on_signal)  # through the cleanup below (SIGINT raises already)
    pico = EmulatedPico(build_dir)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            try:
                CASES[case](aiopid, aiopictl, workdir, pico)
            except BaseException:
                log = os.path.join(workdir, "log.txt")
                if os.path.exists(log):
                    with open(log) as f:
                        sys.stderr.write("---- aiopid's log\n" + f.read()[-4000:])
                sys.stderr.write(f"---- the Pico's comment lines: {pico.comments}\n")
                raise
    finally:
        # Before the pty closes: a daemon left running would reopen its path for ever.
        kill_launched(d.proc for d in Daemon.started)
        pico.close()
    print(f"ok   {case}")


if __name__ == "__main__":
    main()
