#!/usr/bin/env python3
"""The driver device types end to end: the real aiopid on the sim board, its drivers (drivers/) on the
simulated HAL, seen through the remote API by real clients (curl, Python's websockets).

    driver_daemon_test.py AIOPID CASE

CASE: htu21d_readings | pushbutton_double | pushbutton_double_suppress | gps_pty

Nothing depends on wall-clock timing: every wait is for something to happen, with a generous safety timeout.
(The simulated button's edges are scheduled at exact times on the daemon's loop and stamped with them, so a
busy machine delays the notifications, not the gesture.)
"""
import asyncio
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from api_daemon_test import curl, next_notification, rpc, start  # noqa: E402
from run_daemon_test import SAFETY_TIMEOUT, expect, fail  # noqa: E402

import websockets  # noqa: E402  (Debian: python3-websockets)

HEAD = """
[daemon]
board = "sim"
log_level = "debug"
time_zone = "UTC"

[api]
port = 0
"""


def wait_reading(d, device, predicate, what):
    """Polls devices.read (GET /api/v1/devices/NAME/reading) until predicate(answer); returns the answer."""
    deadline = time.monotonic() + SAFETY_TIMEOUT
    answer = None
    while time.monotonic() < deadline:
        d.check_alive(what)
        status, answer = curl(d, "GET", f"/api/v1/devices/{device}/reading")
        expect(status == 200, f"devices.read {device}: {status} {answer}")
        if predicate(answer):
            return answer
        time.sleep(0.05)
    fail(f"{what}: not seen within {SAFETY_TIMEOUT}s; last answer {answer}\n--- log ---\n{d.log_text()}")


# ------------------------------------------------------------------------------------------------- htu21d

def htu21d_readings(aiopid, workdir):
    d = start(aiopid, workdir, HEAD + """
[devices.climate]
type = "htu21d"
bus = "sim"
address = 0x40
period = "200ms"

[devices.missing]
type = "htu21d"
bus = "sim"
address = 0x41            # the simulated chip answers at 0x40 only
period = "200ms"

[events.warm]
device = "climate"
reading = "temperature"
above = -40.0
""")
    answer = wait_reading(d, "climate", lambda a: a["value"]["temperature"] is not None, "a first measurement")
    t, h = answer["value"]["temperature"], answer["value"]["humidity"]
    expect(18.5 < t < 23.5 and 39.5 < h < 50.5, f"the simulated chip's values: {answer}")
    expect(answer["unit"] == {"temperature": "°C", "humidity": "%RH"}, f"units: {answer}")
    status, dev = curl(d, "GET", "/api/v1/devices/climate")
    expect(status == 200 and dev["type"] == "htu21d" and dev["state"] == "open" and dev["direction"] == "sensor"
           and set(dev["value"]) == {"temperature", "humidity"} and "error" not in dev, f"devices.get: {dev}")

    async def body():
        async with websockets.connect(d.ws_url) as ws:
            answer = await rpc(ws, "subscribe", {"topics": ["climate.*"]})
            expect("climate.*" in answer["result"]["topics"], f"subscribe: {answer}")
            value = await next_notification(ws, lambda topic: topic == "device.climate.value")
            expect(value["data"]["unit"] == {"temperature": "°C", "humidity": "%RH"}
                   and isinstance(value["data"]["value"]["humidity"], float), f"a value notification: {value}")
            reading = await next_notification(ws, lambda topic: topic == "device.climate.reading")
            expect(reading["data"]["event"] == "reading" and "temperature" in reading["data"],
                   f"a reading event: {reading}")
    asyncio.run(body())
    # A chip that does not answer: the device stays open, its error shown, its readings null.
    deadline = time.monotonic() + SAFETY_TIMEOUT
    while True:
        status, missing = curl(d, "GET", "/api/v1/devices/missing")
        if missing.get("error") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    expect(status == 200 and missing["state"] == "open" and missing["error"]
           and missing["value"] == {"temperature": None, "humidity": None}, f"a failing device: {missing}")
    d.wait_log("device missing: read failed")
    # `above = -40` is crossed only by a change: the first reading arms it. Nothing is "above" before it.
    status, ev = curl(d, "GET", "/api/v1/events/warm")
    expect(status == 200 and ev["set"] is False, f"a threshold is edge-triggered: {ev}")
    expect(d.stop() == 0, "exit 0")


# --------------------------------------------------------------------------------------------- pushbutton

def button_config(suppress):
    return HEAD + f"""
[devices.button]
type = "pushbutton"
chip = "sim"
line = 5
bias = "pull_up"
sense = "high"            # to ground with a pull-up: released = high
suppress = {"true" if suppress else "false"}
sim_press_every = "1500ms"
sim_press_for = "100ms"
sim_clicks = 2            # a double click: press 100 ms, release 100 ms, press 100 ms

[events.doubled]
device = "button"
on = "double"
"""


async def collect_gesture(ws):
    """[(WHAT, notification)] of one whole gesture, in order: the button's events (press, release, double,
    long) and the sets of event `doubled`. Gestures are told apart by time (they start 1.5 s apart and last
    0.4 s); the first may have begun before the subscription, so the second is the one taken."""
    driver_events = ("press", "release", "double", "long")

    def relevant(topic):
        return (topic.startswith("device.button.") and topic.split(".")[-1] in driver_events) or \
            topic == "event.doubled.set"

    seen, starts = [], []
    while len(starts) < 3:
        n = await next_notification(ws, relevant)
        what = n["topic"].split(".")[-1] if n["topic"].startswith("device.") else "event.doubled"
        if what == "press" and (not starts or n["mono_us"] - starts[-1] > 1_000_000):
            starts.append(n["mono_us"])
        seen.append((what, n))
    # The second gesture: from its first press up to the third gesture's first press (an event's set follows
    # its double at once, well within the gap).
    return [(what, n) for what, n in seen if starts[1] <= n["mono_us"] < starts[2]]


def pushbutton_case(aiopid, workdir, suppress):
    d = start(aiopid, workdir, button_config(suppress))

    async def body():
        async with websockets.connect(d.ws_url) as ws:
            answer = await rpc(ws, "subscribe", {"topics": ["button.*", "event.doubled.set"]})
            expect("button.*" in answer["result"]["topics"], f"subscribe: {answer}")
            return await collect_gesture(ws)
    seen = asyncio.run(body())
    names = [what for what, _ in seen]
    gesture = [w for w in names if w != "event.doubled"]
    if suppress:
        # press(0), press(200), double(200): no release after the double click, no long.
        expect(gesture == ["press", "press", "double"], f"suppress: one gesture's events: {names}")
    else:
        # press(0), release(100), press(200), double(200), release(300)
        expect(gesture == ["press", "release", "press", "double", "release"], f"a gesture's events: {names}")
    expect(names.count("double") == 1 and names.count("event.doubled") == 1,
           f"exactly one double and one event set per double click: {names}")
    press = [n for what, n in seen if what == "press"]
    double = [n for what, n in seen if what == "double"][0]
    gap_us = press[1]["mono_us"] - press[0]["mono_us"]
    expect(gap_us == 200_000, f"the presses are stamped with their edges' times (200 ms apart): {gap_us} us")
    expect(double["mono_us"] == press[1]["mono_us"], f"double is stamped with the second press: {double} {press}")
    expect(double["data"]["event"] == "double" and double["data"]["pressed"] is True,
           f"a double notification's data: {double}")
    status, reading = curl(d, "GET", "/api/v1/devices/button/reading")
    expect(status == 200 and isinstance(reading["value"]["pressed"], bool), f"devices.read of a button: {reading}")
    status, err = curl(d, "POST", "/api/v1/devices/button", '{"value": true}')
    expect(status == 409, f"a button is an input: {status} {err}")
    expect(d.stop() == 0, "exit 0")


def pushbutton_double(aiopid, workdir):
    pushbutton_case(aiopid, workdir, suppress=False)


def pushbutton_double_suppress(aiopid, workdir):
    pushbutton_case(aiopid, workdir, suppress=True)


# -------------------------------------------------------------------------------------------------- gps

# From the seed's port test data (docs: seed-features §4.7), checksums verified.
NMEA = [
    "$GPRMC,083559.00,A,5130.4421,N,00007.6540,W,3.21,47.50,150624,,,A*78",
    "$GPGGA,083559.00,5130.4421,N,00007.6540,W,1,09,0.92,35.4,M,45.3,M,,*7A",
    "$GPGSV,2,1,07,05,38,291,42,12,64,105,45,15,22,048,37,18,11,318,33*74",
    "$GPGSV,2,2,07,24,56,176,44,25,31,236,40,29,09,072,30*49",
]


def gps_pty(aiopid, workdir):
    master, slave = os.openpty()
    slave_path = os.ttyname(slave)
    d = start(aiopid, workdir, HEAD + f"""
[devices.gps]
type = "gps"
port = "{slave_path}"     # a pseudo-terminal: opened for real on the sim board
baud = 9600

[events.fixed]
device = "gps"
on = "fix"
""")
    d.wait_log("device gps: open")
    answer = wait_reading(d, "gps", lambda a: True, "a first answer")
    expect(answer["value"]["latitude"] is None, f"no position before a sentence: {answer}")

    async def body():
        async with websockets.connect(d.ws_url) as ws:
            await rpc(ws, "subscribe", {"topics": ["gps.*", "event.fixed.set"]})
            os.write(master, ("\r\n".join(NMEA) + "\r\n").encode())
            fix = await next_notification(ws, lambda topic: topic == "device.gps.fix")
            event = await next_notification(ws, lambda topic: topic == "event.fixed.set")
            return fix, event
    fix, event = asyncio.run(body())
    expect(abs(fix["data"]["latitude"] - 51.507368) < 1e-5 and abs(fix["data"]["longitude"] + 0.127567) < 1e-5,
           f"the fix's position: {fix}")
    expect(event["data"]["set"] is True, f"the event on the fix: {event}")
    answer = wait_reading(d, "gps", lambda a: a["value"]["satellites_in_view"] == 7, "the GSV set's satellites")
    v, u = answer["value"], answer["unit"]
    expect(abs(v["latitude"] - 51.507368) < 1e-5 and abs(v["longitude"] + 0.127567) < 1e-5,
           f"latitude / longitude: {answer}")
    expect(v["satellites_in_use"] == 9 and abs(v["altitude"] - 35.4) < 1e-9, f"GGA's values: {answer}")
    expect(abs(v["speed"] - 5.94492) < 1e-3 and abs(v["course"] - 47.5) < 1e-9, f"RMC's speed and course: {answer}")
    expect(v["utc"] == "2024-06-15T08:35:59Z", f"the fix's UTC time: {answer}")
    expect(u["latitude"] == "°" and u["altitude"] == "m" and u["speed"] == "km/h", f"units: {u}")
    expect(d.stop() == 0, "exit 0")
    os.close(master)
    os.close(slave)


CASES = {f.__name__: f for f in (htu21d_readings, pushbutton_double, pushbutton_double_suppress, gps_pty)}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print(__doc__)
        sys.exit(2)
    with tempfile.TemporaryDirectory(prefix="aiopid-driver-test-") as workdir:
        CASES[sys.argv[2]](sys.argv[1], workdir)
    print("PASS: " + sys.argv[2])
