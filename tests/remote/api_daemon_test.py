#!/usr/bin/env python3
"""The remote API end to end: the real aiopid on the sim board, driven by real clients from Debian — curl for
REST, Python's websockets for JSON-RPC over WebSocket, and aiopictl.

    api_daemon_test.py AIOPID AIOPICTL CASE

CASE: rest | websocket_rpc | subscriptions | tokens | tls | non_loopback_refused | aiopictl |
      bad_requests_keep_serving

Nothing depends on wall-clock timing: every wait is for something to happen, with a generous safety timeout.
"""
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from run_daemon_test import Daemon, SAFETY_TIMEOUT, expect, fail  # noqa: E402

import websockets  # noqa: E402  (Debian: python3-websockets)

CONFIG = """
[daemon]
board = "sim"
log_level = "debug"
time_zone = "UTC"

[api]
listen = {listen}
port = 0
{api_extra}

[devices.led]
type = "digital_out"
chip = "sim"
line = 17
safe_state = false

[devices.button]
type = "digital_in"
chip = "sim"
line = 4
bias = "pull_up"
active_low = true
{press}

[devices.fan]
type = "pwm"
chip = "sim"
channel = 0
frequency = 1000

[events.pressed]
device = "button"
edge = "rising"

[events.manual]
description = "raised through the API"

[tasks.flash]
start = "event manual"
actions = [ {{ pulse = "led", duration = "20ms" }} ]

[tasks.forever]
repeat = true
actions = [ {{ sleep = "1h" }} ]

[schedules.minutely]
cron = "* * * * *"
task = "flash"
"""


def config(listen='["127.0.0.1"]', api_extra="", press=""):
    return CONFIG.format(listen=listen, api_extra=api_extra, press=press)


def start(aiopid, workdir, text):
    """A ready aiopid with its API's URL. Like every Daemon it is in Daemon.started from its launch on, killed
    if the script ends on a failure, and dies with the script (run_daemon_test.launch)."""
    d = Daemon(aiopid, workdir, text)
    d.wait_message(lambda m: "READY=1" in m.split("\n"), "READY=1")
    d.wait_log("API: listening on ")
    m = re.search(r"API: listening on (https?://[^ \n]+)", d.log_text())
    expect(m is not None, "the API's URL in the log:\n" + d.log_text())
    d.url = m.group(1)
    d.ws_url = d.url.replace("http://", "ws://") + "/api/v1/ws"
    return d


def curl(d, method, path, body=None, token=None):
    """(HTTP status, parsed JSON body or None)."""
    cmd = ["curl", "-sS", "-X", method, "-o", "-", "-w", "\n%{http_code}", "--max-time", str(SAFETY_TIMEOUT),
           d.url + path]
    if body is not None:
        cmd += ["-H", "Content-Type: application/json", "--data-binary", body]
    if token:
        cmd += ["-H", "Authorization: Bearer " + token]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    text, _, status = out.rpartition("\n")
    return int(status), (json.loads(text) if text.strip() else None)


# Notifications that arrived while rpc() waited for an answer, per connection, for next_notification().
BACKLOG = {}


async def rpc(ws, method, params=None, ident=1):
    message = {"jsonrpc": "2.0", "method": method, "id": ident}
    if params is not None:
        message["params"] = params
    await ws.send(json.dumps(message))
    while True:
        answer = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_TIMEOUT))
        if isinstance(answer, dict) and answer.get("method") == "notify":
            BACKLOG.setdefault(id(ws), []).append(answer["params"])  # interleaved with answers: kept
            continue
        return answer


async def next_notification(ws, topic_predicate):
    backlog = BACKLOG.setdefault(id(ws), [])
    while backlog:
        params = backlog.pop(0)
        if topic_predicate(params["topic"]):
            return params
    deadline = asyncio.get_running_loop().time() + SAFETY_TIMEOUT
    while True:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            fail("no matching notification within the safety timeout")
        message = json.loads(await asyncio.wait_for(ws.recv(), left))
        if message.get("method") == "notify" and topic_predicate(message["params"]["topic"]):
            return message["params"]


# ------------------------------------------------------------------------------------------------- cases

def rest(aiopid, aiopictl, workdir):
    d = start(aiopid, workdir, config())
    status, devices = curl(d, "GET", "/api/v1/devices")
    expect(status == 200, f"GET /api/v1/devices: {status}")
    expect(sorted(x["name"] for x in devices) == ["button", "fan", "led"], f"devices: {devices}")
    status, led = curl(d, "GET", "/api/v1/devices/led")
    expect(status == 200 and led["type"] == "digital_out" and led["state"] == "open" and led["value"] is False,
           f"GET led: {status} {led}")
    status, led = curl(d, "POST", "/api/v1/devices/led", '{"value": true}')
    expect(status == 200 and led["value"] is True, f"POST led true: {status} {led}")
    d.wait_until(lambda: "led 1" in d.trace_lines(), "the LED written high")
    status, err = curl(d, "POST", "/api/v1/devices/button", '{"value": true}')
    expect(status == 409 and err["error"]["code"] == -32005, f"setting an input: {status} {err}")
    status, err = curl(d, "GET", "/api/v1/devices/nope")
    expect(status == 404 and err["error"]["code"] == -32004, f"an unknown device: {status} {err}")
    status, err = curl(d, "POST", "/api/v1/devices/fan", '{"value": "fast"}')
    expect(status == 400 and err["error"]["code"] == -32602, f"a mistyped value: {status} {err}")
    status, fan = curl(d, "POST", "/api/v1/devices/fan", '{"value": 0.25}')
    expect(status == 200 and abs(fan["value"] - 0.25) < 1e-9, f"PWM duty: {status} {fan}")
    status, ev = curl(d, "POST", "/api/v1/events/manual/set")
    expect(status == 200 and ev["set"] is True, f"events set: {status} {ev}")
    d.wait_log("task flash")
    status, tasks = curl(d, "GET", "/api/v1/tasks")
    expect(status == 200 and {t["name"] for t in tasks} == {"flash", "forever"}, f"tasks: {tasks}")
    status, t = curl(d, "POST", "/api/v1/tasks/forever/start")
    expect(status == 200 and t["state"] == "running", f"tasks start: {status} {t}")
    status, t = curl(d, "POST", "/api/v1/tasks/forever/cancel")
    expect(status == 200, f"tasks cancel: {status} {t}")
    status, s = curl(d, "GET", "/api/v1/schedules?next=4")
    expect(status == 200 and len(s[0]["next"]) == 4 and s[0]["next"][0].endswith("+00:00"),
           f"schedules with 4 fire times in UTC: {s}")
    status, s = curl(d, "POST", "/api/v1/schedules/minutely/disable")
    expect(status == 200 and s["enabled"] is False, f"schedule disabled: {s}")
    status, info = curl(d, "GET", "/api/v1/daemon")
    expect(status == 200 and info["board"] == "sim" and info["devices"] == 3, f"daemon info: {info}")
    # Task profiling is off by default: no `profile`; a reload with [daemon] profile_tasks turns it on.
    expect(info["profiling"] is False and all("profile" not in t for t in tasks), f"profiling off: {info} {tasks}")
    d.write_config(config().replace('time_zone = "UTC"\n', 'time_zone = "UTC"\nprofile_tasks = true\n', 1))
    status, reloaded = curl(d, "POST", "/api/v1/daemon/reload")
    expect(status == 200 and reloaded["changed"] == 0, f"reload turning profiling on: {status} {reloaded}")
    status, info = curl(d, "GET", "/api/v1/daemon")
    expect(status == 200 and info["profiling"] is True, f"daemon info, profiling on: {info}")
    status, forever = curl(d, "POST", "/api/v1/tasks/forever/start")
    profile = forever.get("profile", {})
    expect(status == 200 and set(profile) == {"run_time_us", "longest_run_us", "resumes"}
           and isinstance(profile["resumes"], int) and 0 <= profile["longest_run_us"] <= profile["run_time_us"],
           f"a task's profile: {status} {forever}")
    status, tasks = curl(d, "GET", "/api/v1/tasks")
    expect(status == 200 and all("profile" in t for t in tasks), f"every task profiled: {tasks}")
    status, doc = curl(d, "GET", "/api/v1/openrpc.json")
    names = {m["name"] for m in doc["methods"]}
    expect(status == 200 and {"devices.set", "tasks.restart", "subscribe", "schedules.run_now"} <= names,
           f"OpenRPC methods: {sorted(names)}")
    status, doc = curl(d, "GET", "/api/v1/openapi.json")
    expect(status == 200 and "/api/v1/devices/{name}" in doc["paths"], "OpenAPI paths")
    status, answer = curl(d, "POST", "/api/v1/rpc", '{"jsonrpc":"2.0","method":"events.get","params":{"name":"manual"},"id":7}')
    expect(status == 200 and answer["id"] == 7 and answer["result"]["name"] == "manual", f"/api/v1/rpc: {answer}")
    expect(d.stop() == 0, "exit 0")


def websocket_rpc(aiopid, aiopictl, workdir):
    d = start(aiopid, workdir, config())

    async def body():
        async with websockets.connect(d.ws_url) as ws:
            answer = await rpc(ws, "devices.list")
            expect(answer["jsonrpc"] == "2.0" and answer["id"] == 1 and len(answer["result"]) == 3, str(answer))
            # a batch: two requests and a notification; answers in order, none for the notification
            await ws.send(json.dumps([
                {"jsonrpc": "2.0", "method": "devices.get", "params": {"name": "led"}, "id": "a"},
                {"jsonrpc": "2.0", "method": "events.set", "params": {"name": "manual"}},
                {"jsonrpc": "2.0", "method": "devices.set", "params": {"name": "led"}, "id": "b"},
            ]))
            batch = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_TIMEOUT))
            expect([x["id"] for x in batch] == ["a", "b"], f"batch answers: {batch}")
            expect(batch[1]["error"]["code"] == -32602 and batch[1]["error"]["data"]["pointer"] == "/params/value",
                   f"missing value points at /params/value: {batch[1]}")
            answer = await rpc(ws, "devices.frobnicate")
            expect(answer["error"]["code"] == -32601, f"unknown method: {answer}")
            answer = await rpc(ws, "devices.set", {"name": "led", "value": True, "colour": "red"})
            expect(answer["error"]["code"] == -32602 and answer["error"]["data"]["pointer"] == "/params/colour",
                   f"unknown param: {answer}")
            answer = await rpc(ws, "tasks.restart", {"name": "forever"})
            expect(answer["result"]["state"] == "running", f"restart: {answer}")
    asyncio.run(body())
    expect(d.stop() == 0, "exit 0")


def subscriptions(aiopid, aiopictl, workdir):
    d = start(aiopid, workdir, config(press='sim_press_every = "300ms"'))

    async def body():
        async with websockets.connect(d.ws_url) as ws:
            answer = await rpc(ws, "subscribe", {"topics": ["button.*", "event.manual.*", "task.flash.state"]})
            expect("button.*" in answer["result"]["topics"], f"subscribe: {answer}")
            edge = await next_notification(ws, lambda t: t == "device.button.edge")
            expect(edge["seq"] >= 1 and edge["data"]["edge"] in ("rising", "falling") and "time" in edge
                   and "mono_us" in edge, f"edge notification: {edge}")
            answer = await rpc(ws, "events.set", {"name": "manual"}, ident=2)
            expect(answer["result"]["set"] is True, str(answer))
            ev = await next_notification(ws, lambda t: t == "event.manual.set")
            task = await next_notification(ws, lambda t: t == "task.flash.state")
            expect(task["data"]["state"] == "started" and ev["seq"] < task["seq"], f"{ev} then {task}")
            # Unsubscribed from everything: the answers that follow are not preceded by notifications. (The
            # unsubscribe's own answer may be: those were queued before it.)
            answer = await rpc(ws, "unsubscribe", {"topics": []}, ident=3)
            expect(answer["result"]["topics"] == [], f"unsubscribe all: {answer}")
            BACKLOG[id(ws)] = []
            for ident in range(4, 10):
                answer = await rpc(ws, "events.set", {"name": "manual"}, ident=ident)
                expect("result" in answer, str(answer))
            expect(BACKLOG[id(ws)] == [], f"notifications after unsubscribing everything: {BACKLOG[id(ws)]}")
    asyncio.run(body())
    expect(d.stop() == 0, "exit 0")


def tokens(aiopid, aiopictl, workdir):
    path = os.path.join(workdir, "tokens")
    lines = []
    for name, scope in (("viewer", "read"), ("operator", "control")):
        out = subprocess.run([aiopictl, "token-hash", name, scope], input=f"{name}-secret\n", capture_output=True,
                             text=True, check=True).stdout
        lines.append(out.strip())
    with open(path, "w") as f:
        f.write("# test tokens\n" + "\n".join(lines) + "\n")
    d = start(aiopid, workdir, config(listen='["0.0.0.0"]', api_extra=f'tokens_file = "{path}"'))
    status, err = curl(d, "GET", "/api/v1/devices")
    expect(status == 401 and err["error"]["code"] == -32001, f"no token: {status} {err}")
    status, err = curl(d, "GET", "/api/v1/devices", token="wrong")
    expect(status == 401, f"wrong token: {status}")
    status, devices = curl(d, "GET", "/api/v1/devices", token="viewer-secret")
    expect(status == 200 and len(devices) == 3, f"read token reads: {status}")
    status, err = curl(d, "POST", "/api/v1/devices/led", '{"value": true}', token="viewer-secret")
    expect(status == 403 and err["error"]["code"] == -32002, f"read token cannot set: {status} {err}")
    status, led = curl(d, "POST", "/api/v1/devices/led", '{"value": true}', token="operator-secret")
    expect(status == 200 and led["value"] is True, f"control token sets: {status} {led}")
    status, err = curl(d, "POST", "/api/v1/daemon/reload", token="operator-secret")
    expect(status == 403, f"control token cannot reload: {status}")

    async def body():
        try:
            async with websockets.connect(d.ws_url) as ws:
                await rpc(ws, "devices.list")
            fail("a WebSocket without a token was accepted")
        except websockets.exceptions.InvalidStatusCode as e:
            expect(e.status_code == 401, f"WebSocket without a token: {e.status_code}")
        async with websockets.connect(d.ws_url + "?access_token=viewer-secret") as ws:
            answer = await rpc(ws, "devices.list")
            expect(len(answer["result"]) == 3, str(answer))
        try:
            async with websockets.connect(d.ws_url + "?access_token=viewer-secret", origin="http://evil.example"):
                pass
            fail("a WebSocket from a foreign Origin was accepted")
        except websockets.exceptions.InvalidStatusCode as e:
            expect(e.status_code == 403, f"foreign Origin: {e.status_code}")
    asyncio.run(body())
    expect(d.stop() == 0, "exit 0")


def tls(aiopid, aiopictl, workdir):
    import ssl
    cert, key = os.path.join(workdir, "api.crt"), os.path.join(workdir, "api.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    d = start(aiopid, workdir, config(api_extra=f'tls_certificate = "{cert}"\ntls_key = "{key}"'))
    expect(d.url.startswith("https://"), f"an https URL: {d.url}")
    d.ws_url = d.url.replace("https://", "wss://") + "/api/v1/ws"
    out = subprocess.run(["curl", "-sS", "--cacert", cert, "-w", "\n%{http_code}", d.url + "/api/v1/devices/led"],
                         capture_output=True, text=True, check=True).stdout
    text, _, status = out.rpartition("\n")
    expect(status == "200" and json.loads(text)["name"] == "led", f"REST over TLS: {status} {text}")
    p = subprocess.run(["curl", "-sS", d.url + "/api/v1/devices"], capture_output=True, text=True)
    expect(p.returncode != 0, "an untrusted certificate is refused by curl")
    plain = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                            d.url.replace("https://", "http://") + "/api/v1/devices"], capture_output=True, text=True)
    expect(plain.stdout != "200", "plain HTTP on the TLS port is not served")

    async def body():
        context = ssl.create_default_context(cafile=cert)
        async with websockets.connect(d.ws_url, ssl=context) as ws:
            answer = await rpc(ws, "devices.list")
            expect(len(answer["result"]) == 3, str(answer))
    asyncio.run(body())
    p = subprocess.run([aiopictl, "--url", d.url, "--cacert", cert, "--json", "get", "led"], capture_output=True,
                       text=True, timeout=SAFETY_TIMEOUT)
    expect(p.returncode == 0 and json.loads(p.stdout)["name"] == "led", f"aiopictl over TLS: {p.returncode} {p.stderr}")
    expect(d.stop() == 0, "exit 0")


def non_loopback_refused(aiopid, aiopictl, workdir):
    cfg = os.path.join(workdir, "aiopid.toml")
    with open(cfg, "w") as f:
        f.write(config(listen='["0.0.0.0"]', api_extra=f'tokens_file = "{workdir}/none"').replace(
            f'tokens_file = "{workdir}/none"', ""))
    env = dict(os.environ)
    env.pop("CREDENTIALS_DIRECTORY", None)
    proc = subprocess.run([aiopid, "--config", cfg, "--state-dir", workdir], capture_output=True, text=True,
                          timeout=SAFETY_TIMEOUT, env=env)
    expect(proc.returncode == 78, f"exit 78 (EX_CONFIG), not {proc.returncode}: {proc.stderr}")
    expect("not a loopback address" in proc.stderr and "tokens" in proc.stderr, proc.stderr)


def aiopictl_client(aiopid, aiopictl, workdir):
    d = start(aiopid, workdir, config(press='sim_press_every = "200ms"'))
    env = dict(os.environ, AIOPI_URL=d.url)

    def ctl(*args, ok=True):
        p = subprocess.run([aiopictl, *args], capture_output=True, text=True, env=env, timeout=SAFETY_TIMEOUT)
        if ok and p.returncode != 0:
            fail(f"aiopictl {' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
        return p
    out = ctl("devices").stdout
    expect("led" in out and "digital_out" in out and "button" in out, "aiopictl devices:\n" + out)
    ctl("set", "led", "on")
    d.wait_until(lambda: "led 1" in d.trace_lines(), "aiopictl set led on reaches the pin")
    p = ctl("set", "button", "on", ok=False)
    expect(p.returncode == 1 and "-32005" in p.stderr, f"setting an input: exit {p.returncode} {p.stderr}")
    p = ctl("--json", "schedules", "--next", "5")
    sched = json.loads(p.stdout)
    expect(len(sched[0]["next"]) == 5, f"schedules --next 5: {p.stdout}")
    ctl("start", "forever")
    p = ctl("--json", "tasks")
    expect(any(t["name"] == "forever" and t["state"] == "running" for t in json.loads(p.stdout)), p.stdout)
    p = ctl("--json", "watch", "--count", "2", "button.*")
    lines = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    expect(len(lines) == 2 and all("button" in x["topic"] for x in lines), f"watch --count 2: {p.stdout}")
    p = ctl("call", "events.get", '{"name": "manual"}')
    expect(json.loads(p.stdout)["name"] == "manual", p.stdout)
    p = subprocess.run([aiopictl, "--url", "http://127.0.0.1:1", "devices"], capture_output=True, text=True,
                       timeout=SAFETY_TIMEOUT)
    expect(p.returncode == 3, f"connection refused: exit {p.returncode}")
    expect(d.stop() == 0, "exit 0")


def bad_requests_keep_serving(aiopid, aiopictl, workdir):
    d = start(aiopid, workdir, config())

    async def body():
        async with websockets.connect(d.ws_url) as ws:
            for bad, code in (("{not json", -32700), ("[]", -32600), ('{"jsonrpc":"1.0","method":"x","id":1}', -32600),
                              ('{"jsonrpc":"2.0","method":5,"id":1}', -32600), ("[1,2]", -32600)):
                await ws.send(bad)
                answer = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_TIMEOUT))
                first = answer[0] if isinstance(answer, list) else answer
                expect(first["error"]["code"] == code, f"{bad!r} → {code}: {answer}")
            answer = await rpc(ws, "daemon.info")
            expect(answer["result"]["name"] == "aiopid", "still serving after bad input")
    asyncio.run(body())
    status, err = curl(d, "POST", "/api/v1/rpc", "{oops")
    expect(status == 400 and err["error"]["code"] == -32700, f"REST parse error: {status} {err}")
    status, err = curl(d, "POST", "/api/v1/devices/led", "x" * 100000)
    expect(status == 413, f"an oversized body: {status}")
    status, info = curl(d, "GET", "/api/v1/daemon")
    expect(status == 200, "still serving")
    expect(d.stop() == 0, "exit 0")


CASES = {
    "rest": rest,
    "websocket_rpc": websocket_rpc,
    "subscriptions": subscriptions,
    "tokens": tokens,
    "tls": tls,
    "non_loopback_refused": non_loopback_refused,
    "aiopictl": aiopictl_client,
    "bad_requests_keep_serving": bad_requests_keep_serving,
}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[3] not in CASES:
        print(__doc__)
        sys.exit(64)
    with tempfile.TemporaryDirectory(prefix="aiopid-api-") as tmp:
        CASES[sys.argv[3]](sys.argv[1], sys.argv[2], tmp)
    print("PASS")
