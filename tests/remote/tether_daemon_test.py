#!/usr/bin/env python3
"""Devices on a Pico end to end: the real aiopid on the sim board with a `[boards.pico1]` on a pseudo-terminal,
the Pico played by fake_pico.py (its interface is the one a real Pico in an emulator will stand behind), seen
through the remote API by real clients (curl, Python's websockets, aiopictl).

    tether_daemon_test.py AIOPID AIOPICTL CASE

CASE: open_and_set | notifications | link_loss | reboot | reload | adc_poll

Nothing depends on wall-clock timing: every wait is for something to happen, with a generous safety timeout.
(A loss takes the board's `timeout` to be noticed; the test waits for the loss, not for the time.)

Whatever way a case ends (a failed check exits through sys.exit, an exception, SIGTERM or SIGINT), the aiopid it
started is stopped before the fake Pico's pty closes; killed (a ctest timeout), the script takes it along
(the parent-death signal; run_daemon_test.launch). An aiopid left running would see its pty hang up and
reopen /dev/pts/N by path every few seconds for ever; pts numbers are reused at once, so it joined the next
test's pty (as root TIOCEXCL does not keep it out), read the answers meant for that test's aiopid and made it
lose its link ("no answer to daemon.info within 2s") — each failure leaving one more stray daemon behind.
"""
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
# start(): the Daemon is in Daemon.started from its launch on (stopped even when it never gets ready)
from api_daemon_test import curl, next_notification, rpc, start  # noqa: E402
from fake_pico import FakePico  # noqa: E402
from run_daemon_test import SAFETY_TIMEOUT, Daemon, exit_on_signal, expect, fail, kill_launched  # noqa: E402

import websockets  # noqa: E402  (Debian: python3-websockets)


def foreign_requests(pico):
    """Requests whose id is not above the one before. One aiopid numbers its requests 1, 2, 3, ... and each case
    starts one: anything else came from another process with the pty open (and that process reads answers meant
    for this test's aiopid)."""
    out, last = [], 0
    for r in pico.requests():
        ident = r.get("id")
        if not isinstance(ident, int) or ident <= last:
            out.append(r)
        else:
            last = ident
    return out


def holders(path):
    """The processes with `path` open: "PID COMMAND LINE" each (the fake Pico's own master is not among them)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if not any(os.readlink(f"/proc/{pid}/fd/{fd}") == path for fd in fds):
                continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            found.append(f"{pid} {command}")
        except OSError:  # gone meanwhile, or not ours to look at
            continue
    return found


def config(uart, extra=""):
    return f"""
[daemon]
board = "sim"
log_level = "debug"
time_zone = "UTC"

[api]
port = 0

[boards.pico1]
uart = "{uart}"
timeout = "2s"
heartbeat = "100ms"

[devices.led]
type = "digital_out"
board = "pico1"
pin = 15
safe_state = false

[devices.fan]
type = "pwm"
board = "pico1"
pin = 16
frequency = 25000

[devices.btn]
type = "pushbutton"
board = "pico1"
pin = 14

[devices.light]
type = "adc"
board = "pico1"
channel = 0

[devices.climate]
type = "htu21d"
board = "pico1"
sda = 4
scl = 5

[devices.local_led]
type = "digital_out"
chip = "sim"
line = 17

[events.doubled]
device = "btn"
on = "double"

[tasks.blink]
start = "event doubled"
actions = [ {{ set = "led", value = true }} ]
{extra}"""


def device(d, name):
    status, dev = curl(d, "GET", f"/api/v1/devices/{name}")
    expect(status == 200, f"devices.get {name}: {status} {dev}")
    return dev


def wait_state(d, name, state):
    d.wait_until(lambda: device(d, name)["state"] == state, f"device {name} in state {state}")
    return device(d, name)


def opens(pico, since=0):
    return [r["params"]["name"] for r in pico.requests()[since:] if r["method"] == "devices.open"]


def ctl(aiopictl, d, *args, ok=True):
    env = dict(os.environ, AIOPI_URL=d.url)
    p = subprocess.run([aiopictl, *args], capture_output=True, text=True, env=env, timeout=SAFETY_TIMEOUT)
    if ok and p.returncode != 0:
        fail(f"aiopictl {' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


# ------------------------------------------------------------------------------------------------- cases

def open_and_set(aiopid, aiopictl, workdir, pico):
    d = start(aiopid, workdir, config(pico.path))
    for name in ("led", "fan", "btn", "light", "climate"):
        wait_state(d, name, "open")
    # Opened with the config's params (the protocol's keys and defaults; the daemon keeps safe_state).
    led = pico.wait_request(lambda r: r["method"] == "devices.open" and r["params"]["name"] == "led")
    expect(led["params"] == {"name": "led", "type": "digital_out",
                             "params": {"pin": 15, "initial": False, "active_low": False, "drive": "push_pull"}},
           f"devices.open led: {led}")
    fan = pico.wait_request(lambda r: r["method"] == "devices.open" and r["params"]["name"] == "fan")
    expect(fan["params"]["params"] == {"pin": 16, "frequency": 25000}, f"devices.open fan: {fan}")
    light = pico.wait_request(lambda r: r["method"] == "devices.open" and r["params"]["name"] == "light")
    expect(light["params"]["params"] == {"channel": 0, "vref": 3.3}, f"devices.open light: {light}")
    expect(pico.devices["btn"]["params"]["debounce_ms"] == 50, f"pushbutton defaults: {pico.devices['btn']}")
    dev = device(d, "led")
    expect(dev["board"] == "pico1" and dev["direction"] == "output" and dev["value"] is False, f"led: {dev}")

    n = len(pico.requests())
    ctl(aiopictl, d, "set", "led", "on")
    req = pico.wait_request(lambda r: r["method"] == "devices.set", "devices.set led", since=n)
    expect(req["params"] == {"name": "led", "value": True}, f"devices.set: {req}")
    d.wait_until(lambda: pico.devices["led"]["value"] is True, "the Pico's led on")
    expect(device(d, "led")["value"] is True, "devices.get shows the level set")
    d.wait_until(lambda: "led 1" in d.trace_lines(), "the output trace shows the write")
    status, _ = curl(d, "POST", "/api/v1/devices/fan", json.dumps({"value": 0.25}))
    expect(status == 200, f"devices.set fan: {status}")
    req = pico.wait_request(lambda r: r["method"] == "devices.set" and r["params"]["name"] == "fan", since=n)
    expect(req["params"]["value"] == 0.25, f"devices.set fan: {req}")
    p = ctl(aiopictl, d, "set", "btn", "on", ok=False)
    expect(p.returncode == 1 and "-32005" in p.stderr, f"setting a Pico input: exit {p.returncode} {p.stderr}")
    # A read is a devices.read on the Pico.
    status, reading = curl(d, "GET", "/api/v1/devices/light/reading")
    expect(status == 200 and reading["value"] == 1.65 and reading["unit"] == "V", f"devices.read light: {reading}")
    pico.wait_request(lambda r: r["method"] == "devices.read" and r["params"]["name"] == "light")
    # Stopping: the safe state goes to the Pico before the link closes.
    n = len(pico.requests())
    expect(d.stop() == 0, "exit 0")
    req = pico.wait_request(lambda r: r["method"] == "devices.set" and r["params"]["name"] == "led", since=n,
                            what="the safe state")
    expect(req["params"]["value"] is False, f"safe state: {req}")


def notifications(aiopid, aiopictl, workdir, pico):
    d = start(aiopid, workdir, config(pico.path))
    wait_state(d, "btn", "open")

    async def body():
        async with websockets.connect(d.ws_url) as ws:
            answer = await rpc(ws, "subscribe", {"topics": ["btn.*", "event.doubled.*", "led.*", "climate.*"]})
            expect("result" in answer, f"subscribe: {answer}")
            before_us = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            pico.notify("btn", "press", {})
            pico.notify("btn", "double", {"clicks": 2})
            press = await next_notification(ws, lambda t: t == "device.btn.press")
            double = await next_notification(ws, lambda t: t == "device.btn.double")
            after_us = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
            expect(double["data"]["event"] == "double" and double["data"]["clicks"] == 2, f"double: {double}")
            # The Pico's time mapped onto the daemon's clock: within the test's window, give or take the round
            # trip of the last daemon.info (generous bound).
            for n in (press, double):
                expect(before_us - 2_000_000 <= n["mono_us"] <= after_us + 2_000_000,
                       f"mono_us {n['mono_us']} outside [{before_us}, {after_us}]")
            await next_notification(ws, lambda t: t == "event.doubled.set")
            # An htu21d's measurement: the readings with their units, and its `reading` event.
            pico.notify("climate", "value", {"temperature": 22.5, "humidity": 40.25})
            value = await next_notification(ws, lambda t: t == "device.climate.value")
            expect(value["data"]["value"] == {"temperature": 22.5, "humidity": 40.25}
                   and value["data"]["unit"] == {"temperature": "°C", "humidity": "%RH"}, f"climate: {value}")
            reading = await next_notification(ws, lambda t: t == "device.climate.reading")
            expect(reading["data"]["temperature"] == 22.5, f"climate reading: {reading}")
            # The task started by the event sets the Pico's led.
            pico.wait_request(lambda r: r["method"] == "devices.set" and r["params"] == {"name": "led", "value": True},
                              "the task's set on the Pico")
    asyncio.run(body())
    status, reading = curl(d, "GET", "/api/v1/devices/btn")
    expect(status == 200 and reading["value"] == {"pressed": True}, f"the button's value after press: {reading}")
    expect(d.stop() == 0, "exit 0")


def link_loss(aiopid, aiopictl, workdir, pico):
    d = start(aiopid, workdir, config(pico.path))
    wait_state(d, "btn", "open")
    ctl(aiopictl, d, "set", "led", "on")
    d.wait_until(lambda: pico.devices.get("led", {}).get("value") is True, "the led on")

    async def body():
        async with websockets.connect(d.ws_url) as ws:
            await rpc(ws, "subscribe", {"topics": ["led.state", "btn.state"]})
            n = len(pico.requests())
            pico.go_silent()
            lost = await next_notification(ws, lambda t: t == "device.led.state")
            expect(lost["data"]["state"] == "link_lost" and "no answer" in lost["data"]["error"], f"lost: {lost}")
            dev = device(d, "led")
            expect(dev["state"] == "link_lost" and "pico1" in dev["error"], f"devices.get while lost: {dev}")
            expect(device(d, "local_led")["state"] == "open", "the daemon's own devices are not affected")
            p = ctl(aiopictl, d, "set", "led", "on", ok=False)
            expect(p.returncode == 1 and "-32006" in p.stderr and "link" in p.stderr,
                   f"set while lost: exit {p.returncode} {p.stderr}")
            status, answer = curl(d, "GET", "/api/v1/devices/light/reading")
            expect(status != 200, f"read while lost: {status} {answer}")
            # The daemon keeps trying (daemon.info again after a back-off); the Pico comes back.
            pico.wait_request(lambda r: r["method"] == "daemon.info", "a retry", since=n + 1)
            m = len(pico.requests())
            pico.restart()  # power-cycled while the link was down: its led is off again
            pico.resume()
            back = await next_notification(ws, lambda t: t == "device.led.state")
            expect(back["data"]["state"] == "opened", f"recovered: {back}")
            pico.wait_request(lambda r: r["method"] == "devices.open" and r["params"]["name"] == "btn",
                              "devices opened again", since=m)
    asyncio.run(body())
    wait_state(d, "led", "open")
    # The daemon's level is what counts, after a loss as after a restart seen by its boot.
    d.wait_until(lambda: pico.devices.get("led", {}).get("value") is True, "the led on again after the loss")
    log = d.log_text()
    expect(log.count("board pico1: link lost") == 1, "one log line per loss:\n" + log)
    expect("board pico1: link back" in log, "a log line on recovery:\n" + log)
    expect(d.stop() == 0, "exit 0")


def reboot(aiopid, aiopictl, workdir, pico):
    d = start(aiopid, workdir, config(pico.path))
    wait_state(d, "btn", "open")
    ctl(aiopictl, d, "set", "led", "on")
    d.wait_until(lambda: pico.devices.get("led", {}).get("value") is True, "the led on")
    n = len(pico.requests())
    pico.restart()  # a reset: devices forgotten, a new boot
    d.wait_until(lambda: {"led", "fan", "btn", "light", "climate"} <= set(opens(pico, n)),
                 "every device opened again")
    # The daemon's level is what counts: the restarted Pico gets the led back on.
    d.wait_until(lambda: pico.devices.get("led", {}).get("value") is True, "the led on again")
    d.wait_log("the Pico restarted")
    d.wait_log("#aiopi-pico 0.1.0 (fake) booting")
    expect("link lost" not in d.log_text(), "a restart seen by its boot is not a link loss")
    expect(d.stop() == 0, "exit 0")


def reload(aiopid, aiopictl, workdir, pico):
    d = start(aiopid, workdir, config(pico.path))
    wait_state(d, "btn", "open")
    n = len(pico.requests())
    text = config(pico.path).replace('[devices.fan]\ntype = "pwm"\nboard = "pico1"\npin = 16\nfrequency = 25000\n',
                                     "").replace("pin = 14", "pin = 13")
    expect("[devices.fan]" not in text, "the edit removes the fan")
    d.write_config(text)
    d.proc.send_signal(signal.SIGHUP)
    close = pico.wait_request(lambda r: r["method"] == "devices.close", "devices.close fan", since=n)
    expect(close["params"] == {"name": "fan"}, f"close: {close}")
    btn = pico.wait_request(lambda r: r["method"] == "devices.open", "the changed btn opened", since=n)
    expect(btn["params"]["name"] == "btn" and btn["params"]["params"]["pin"] == 13, f"open: {btn}")
    wait_state(d, "btn", "open")
    expect(set(opens(pico, n)) == {"btn"}, f"only the changed device is opened again: {opens(pico, n)}")
    expect(d.stop() == 0, "exit 0")


def adc_poll(aiopid, aiopictl, workdir, pico):
    # The Pico reads an adc only when asked: the daemon asks every `poll`, which drives its thresholds as for an
    # adc of its own board. Nobody reads it here.
    text = config(pico.path, '[events.bright]\ndevice = "light"\nabove = 2.0\n')
    text = text.replace('channel = 0\n', 'channel = 0\npoll = "50ms"\n')
    expect('poll = "50ms"' in text, "the light polled every 50ms")
    d = start(aiopid, workdir, text)
    wait_state(d, "light", "open")
    light = pico.wait_request(lambda r: r["method"] == "devices.open" and r["params"]["name"] == "light")
    expect(light["params"]["params"] == {"channel": 0, "vref": 3.3}, f"poll is the daemon's: {light}")
    d.wait_until(lambda: device(d, "light")["value"] == 1.65, "the light's value from a poll")

    async def body():
        async with websockets.connect(d.ws_url) as ws:
            answer = await rpc(ws, "subscribe", {"topics": ["event.bright.*"]})
            expect("result" in answer, f"subscribe: {answer}")
            n = len(pico.requests())
            pico.set_value("light", 2.5)
            await next_notification(ws, lambda t: t == "event.bright.set")
            reads = [r for r in pico.requests()[n:] if r["method"] == "devices.read"]
            expect(reads and all(r["params"] == {"name": "light"} for r in reads), f"polls: {reads}")
    asyncio.run(body())
    d.wait_until(lambda: device(d, "light")["value"] == 2.5, "the new value without anyone reading it")
    # No polls while the link is lost; they resume with it.
    pico.go_silent()
    wait_state(d, "light", "link_lost")
    n = len(pico.requests())
    pico.wait_request(lambda r: r["method"] == "daemon.info", "a retry", since=n)
    expect(not [r for r in pico.requests()[n:] if r["method"] == "devices.read"], "no polls while lost")
    pico.set_value("light", 0.5)
    pico.resume()
    wait_state(d, "light", "open")
    d.wait_until(lambda: device(d, "light")["value"] == 0.5, "polled again after the loss")
    expect(d.stop() == 0, "exit 0")


CASES = {f.__name__: f for f in (open_and_set, notifications, link_loss, reboot, reload, adc_poll)}


def main():
    aiopid, aiopictl, case = sys.argv[1], sys.argv[2], sys.argv[3]
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, exit_on_signal)
    pico = FakePico()
    pico.start()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            try:
                CASES[case](aiopid, aiopictl, workdir, pico)
                foreign = foreign_requests(pico)
                expect(not foreign, f"another process talked to the fake Pico on {pico.path}: {foreign}")
            except BaseException:
                for d in Daemon.started:
                    print(f"---- aiopid's log (pid {d.proc.pid}, the last 80 lines)")
                    print("\n".join(d.log_text().splitlines()[-80:]))
                print("---- the fake Pico's last requests:", json.dumps(pico.requests()[-20:]))
                # Only this test's aiopid should have its port open; another process there reads its answers.
                print(f"---- processes with {pico.path} open:", holders(pico.path))
                # Out of sequence: another process's requests, or this aiopid's after another's higher numbers.
                print("---- requests numbered out of sequence:", json.dumps(foreign_requests(pico)))
                raise
            finally:
                # Before the pty closes: a daemon left running would reopen its path for ever.
                kill_launched(d.proc for d in Daemon.started)
    finally:
        pico.close()
    print(f"ok   {case}")


if __name__ == "__main__":
    main()
