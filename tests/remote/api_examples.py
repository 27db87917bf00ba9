#!/usr/bin/env python3
"""docs/api-examples.json: one request and its real response for every method of the remote API, recorded from
the real aiopid on the sim board. aiopid-api-reference prints them under each method in docs/remote-api.md.

    api_examples.py AIOPID check  EXAMPLES   the daemon still answers every example with the same shape
                                             (keys and JSON types; values such as uptimes may differ), and
                                             every method the daemon has (api.describe) has an example
    api_examples.py AIOPID update EXAMPLES   re-record the file (then: cmake --build BUILD --target api-docs)

Nothing depends on wall-clock timing: each example waits for its answer, with a generous safety timeout.
"""
import asyncio
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from run_daemon_test import SAFETY_TIMEOUT, expect, fail  # noqa: E402
from api_daemon_test import start  # noqa: E402  (its daemon start: READY, then the API's URL from the log)

import websockets  # noqa: E402  (Debian: python3-websockets)

# A small house: what the examples in the documentation talk about.
CONFIG = """
[daemon]
board = "sim"
log_level = "info"
time_zone = "UTC"

[api]
listen = ["127.0.0.1"]
port = 0

[devices.porch_light]
type = "digital_out"
chip = "sim"
line = 17
description = "the light by the front door"
safe_state = false

[devices.door]
type = "digital_in"
chip = "sim"
line = 4
bias = "pull_up"
active_low = true
edges = "both"
debounce = "20ms"

[devices.fan]
type = "pwm"
chip = "sim"
channel = 0
frequency = 25000

[devices.light_level]
type = "adc"
device = "sim"
channel = 0
poll = "1s"

[events.door_opened]
device = "door"
edge = "rising"

[events.away]
description = "nobody is home"
persistent = true

[tasks.heartbeat]
description = "blink the porch light"
start = "boot"
repeat = true
actions = [ { toggle = "porch_light" }, { sleep = "1s" } ]

[tasks.welcome]
description = "light the porch when the door opens"
start = "event door_opened"
actions = [ { clear_event = "door_opened" }, { pulse = "porch_light", duration = "30s" } ]

[schedules.evening]
cron = "0 30 18 * * *"
time_zone = "Europe/London"
task = "welcome"
"""

# (method, params) in the order they run: reads first, then the calls that change something, so each
# response shows what the previous ones did. One per method.
EXAMPLES = [
    ("api.describe", None),
    ("daemon.info", None),
    ("devices.list", None),
    ("devices.get", {"name": "porch_light"}),
    ("devices.set", {"name": "fan", "value": 0.4}),
    ("devices.read", {"name": "light_level"}),
    ("events.list", None),
    ("events.set", {"name": "away"}),
    ("events.get", {"name": "away"}),
    ("events.clear", {"name": "away"}),
    ("tasks.list", None),
    ("tasks.cancel", {"name": "heartbeat"}),
    ("tasks.get", {"name": "heartbeat"}),
    ("tasks.start", {"name": "heartbeat"}),
    ("tasks.restart", {"name": "heartbeat"}),
    ("schedules.list", {"next": 2}),
    ("schedules.get", {"name": "evening", "next": 3}),
    ("schedules.disable", {"name": "evening"}),
    ("schedules.enable", {"name": "evening"}),
    ("schedules.run_now", {"name": "evening"}),
    ("subscribe", {"topics": ["door.*", "task.**"]}),
    ("unsubscribe", {"topics": ["task.**"]}),
    ("daemon.reload", None),
]

# api.describe's answer is the whole OpenRPC document (served and checked elsewhere): the example keeps its
# top level and one method.
ABRIDGED = {"api.describe"}


def abridge(method, result):
    if method not in ABRIDGED or not isinstance(result, dict):
        return result
    out = {k: v for k, v in result.items() if k != "methods"}
    out["methods"] = result.get("methods", [])[:1]
    return out


def shape(value):
    """The JSON structure of a value: dicts by key, lists element by element, scalars by JSON type. Integers and
    fractions are both numbers (a figure may be whole one time); null is compatible with anything (an optional
    value may be absent one time and present the next)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def missing_either_way(recorded, live, where, gone, new):
    """Lines for the keys only one side has (`gone`: documented only; `new`: answered only)."""
    return ([f"{where}{k}: {gone}" for k in sorted(set(recorded) - set(live))] +
            [f"{where}{k}: {new}" for k in sorted(set(live) - set(recorded))])


def differences(recorded, live, where="result"):
    """Where the two shapes differ, as readable lines."""
    if recorded is None or live is None:
        return []
    if isinstance(recorded, dict) and isinstance(live, dict):
        out = missing_either_way(recorded, live, where + ".", "documented, no longer answered",
                                 "answered, not documented")
        for k in sorted(set(recorded) & set(live)):
            out += differences(recorded[k], live[k], f"{where}.{k}")
        return out
    if isinstance(recorded, list) and isinstance(live, list):
        if len(recorded) != len(live):
            return [f"{where}: {len(recorded)} documented elements, {len(live)} answered"]
        out = []
        for i, (r, v) in enumerate(zip(recorded, live)):
            out += differences(r, v, f"{where}[{i}]")
        return out
    if recorded != live:
        return [f"{where}: documented {recorded if isinstance(recorded, str) else type(recorded).__name__}, "
                f"answered {live if isinstance(live, str) else type(live).__name__}"]
    return []


def without(workdir, value):
    """The answer as the docs show it: the temporary directory the daemon ran in reads as /etc/aiopi."""
    if isinstance(value, dict):
        return {k: without(workdir, v) for k, v in value.items()}
    if isinstance(value, list):
        return [without(workdir, v) for v in value]
    if isinstance(value, str):
        return value.replace(workdir, "/etc/aiopi")
    return value


async def record(url, workdir):
    out = {}
    async with websockets.connect(url) as ws:
        for ident, (method, params) in enumerate(EXAMPLES, start=1):
            request = {"jsonrpc": "2.0", "id": ident, "method": method}
            if params is not None:
                request["params"] = params
            await ws.send(json.dumps(request))
            while True:
                answer = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_TIMEOUT))
                if answer.get("id") == ident:
                    break  # notifications (after subscribe) pass by
            expect("result" in answer, f"{method}: an error answered the example: {answer}")
            if method == "api.describe":
                names = {m["name"] for m in answer["result"]["methods"]}
                missing = sorted(names - {m for m, _ in EXAMPLES})
                expect(not missing, "methods without an example in tests/remote/api_examples.py: " +
                       ", ".join(missing))
            answer["result"] = without(workdir, abridge(method, answer["result"]))
            out[method] = {"request": request, "response": answer}
            if method in ABRIDGED:
                out[method]["note"] = "abridged: the answer lists every method, one is shown here"
    return out


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in ("check", "update"):
        fail(__doc__)
    aiopid, mode, path = sys.argv[1], sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory(prefix="aiopid-examples-") as workdir:
        d = start(aiopid, workdir, CONFIG)
        try:
            live = asyncio.run(record(d.ws_url, workdir))
        finally:
            d.stop()
    if mode == "update":
        with open(path, "w", encoding="utf-8") as f:
            json.dump(live, f, indent=2)
            f.write("\n")
        print(f"recorded {len(live)} examples in {path}; now: cmake --build BUILD --target api-docs")
        return
    with open(path, encoding="utf-8") as f:
        recorded = json.load(f)
    problems = missing_either_way(recorded, live, "", "documented, but no longer an example (or a method)",
                                  "not documented")
    for method in sorted(set(recorded) & set(live)):
        if recorded[method]["request"] != live[method]["request"]:
            problems.append(f"{method}: the documented request is not the one the example sends")
        problems += [f"{method}: {p}" for p in differences(shape(recorded[method]["response"]["result"]),
                                                             shape(live[method]["response"]["result"]))]
    if problems:
        fail(f"{path} is out of date (re-record: api_examples.py AIOPID update {path}, then the api-docs "
             "target):\n  " + "\n  ".join(problems))
    print(f"{len(live)} examples match the daemon's answers")


if __name__ == "__main__":
    main()
