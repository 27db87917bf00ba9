#!/usr/bin/env python3
"""The malformed-request catalogue and the connection churn, against the real aiopid on the sim board.

    malformed_requests_test.py AIOPID catalogue     every case gets its documented error or disconnect; a control
                                                    client is served after each case; RSS back to baseline after
    malformed_requests_test.py AIOPID churn [SECONDS]   200 WebSocket clients connect, subscribe and drop abruptly
                                                    in a loop; RSS and open fds back to baseline, daemon alive

Waits are for something to happen, bounded by a safety timeout; the slowloris and idle cases use the daemon's
configured idle_timeout (2 s here) and only check that the connection is closed within a generous bound.
"""
import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api_daemon_test import curl, rpc, start  # noqa: E402
from run_daemon_test import SAFETY_TIMEOUT, expect, fail  # noqa: E402  (api_daemon_test put tests/daemon on the path)

import websockets  # noqa: E402

CONFIG = """
[daemon]
board = "sim"
log_level = "info"

[api]
listen = ["127.0.0.1"]
port = 0
idle_timeout = "2s"
max_message_bytes = 16384
max_connections = 220
requests_per_second = 100000

[devices.led]
type = "digital_out"
chip = "sim"
line = 17

[devices.button]
type = "digital_in"
chip = "sim"
line = 4
sim_press_every = "200ms"

[events.manual]

[schedules.minutely]
cron = "* * * * *"
actions = [ { set_event = "manual" } ]
"""


# Under a sanitizer (AIOPI_TEST_SANITIZED=1, set by CMake) freed memory sits in a quarantine: RSS says nothing.
CHECK_RSS = os.environ.get("AIOPI_TEST_SANITIZED") != "1"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


# ------------------------------------------------------------------------------------ a raw WebSocket client

class RawWebSocket:
    """Just enough of RFC 6455 to send what a well-behaved library refuses to: binary frames, invalid UTF-8."""

    def __init__(self, url):
        host, port = url.split("//")[1].split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=SAFETY_TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /api/v1/ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                fail("handshake: connection closed")
            response += chunk
        expect(response.startswith(b"HTTP/1.1 101"), f"handshake: {response[:100]}")
        self.pending = response.split(b"\r\n\r\n", 1)[1]

    def send_frame(self, opcode, payload):
        mask = os.urandom(4)
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + n.to_bytes(2, "big")
        else:
            header += bytes([0x80 | 127]) + n.to_bytes(8, "big")
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def read_frame(self):
        """(opcode, payload), or None when the connection closed."""
        def need(n):
            while len(self.pending) < n:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return False
                self.pending += chunk
            return True
        if not need(2):
            return None
        opcode, n = self.pending[0] & 0x0F, self.pending[1] & 0x7F
        at = 2
        if n == 126:
            if not need(4):
                return None
            n, at = int.from_bytes(self.pending[2:4], "big"), 4
        elif n == 127:
            if not need(10):
                return None
            n, at = int.from_bytes(self.pending[2:10], "big"), 10
        if not need(at + n):
            return None
        payload, self.pending = self.pending[at:at + n], self.pending[at + n:]
        return opcode, payload

    def close_code(self):
        """Reads until a close frame; its status code (None if the connection just ended)."""
        while True:
            frame = self.read_frame()
            if frame is None:
                return None
            if frame[0] == 8:
                return int.from_bytes(frame[1][:2], "big") if len(frame[1]) >= 2 else None


def raw_http(d, data, read=True):
    host, port = d.url.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)), timeout=SAFETY_TIMEOUT)
    s.sendall(data)
    out = b""
    if read:
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out and b"Content-Length: " in out:
                head, _, body = out.partition(b"\r\n\r\n")
                length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
                if len(body) >= length:
                    break
    s.close()
    return out


# ------------------------------------------------------------------------------------------- the catalogue

def rpc_cases():
    """(name, message text, expected error code of the (first) answer)."""
    deep = "[" * 5000 + "]" * 5000
    deep_params = '{"jsonrpc":"2.0","method":"devices.get","params":{"name":' + '{"a":' * 2000 + "1" + "}" * 2000 + '},"id":1}'
    req = lambda method, params=None, ident=1: json.dumps(  # noqa: E731
        {"jsonrpc": "2.0", "method": method, **({"params": params} if params is not None else {}), "id": ident})
    return [
        ("truncated object", "{", -32700),
        ("not json", "not json", -32700),
        ("empty text", "", -32700),
        ("trailing garbage", req("daemon.info") + "x", -32700),
        ("empty batch", "[]", -32600),
        ("batch of a number", "[1]", -32600),
        ("batch of numbers", "[1,2,3]", -32600),
        ("a bare string", '"daemon.info"', -32600),
        ("a number", "42", -32600),
        ("null", "null", -32600),
        ("no method", '{"jsonrpc":"2.0","id":1}', -32600),
        ("jsonrpc 1.0", '{"jsonrpc":"1.0","method":"daemon.info","id":1}', -32600),
        ("no jsonrpc member", '{"method":"daemon.info","id":1}', -32600),
        ("method is a number", '{"jsonrpc":"2.0","method":5,"id":1}', -32600),
        ("id is an object", '{"jsonrpc":"2.0","method":"daemon.info","id":{}}', -32600),
        ("id is an array", '{"jsonrpc":"2.0","method":"daemon.info","id":[1]}', -32600),
        ("params is a number", '{"jsonrpc":"2.0","method":"daemon.info","params":5,"id":1}', -32600),
        ("params is a string", '{"jsonrpc":"2.0","method":"daemon.info","params":"x","id":1}', -32600),
        ("unknown method", req("devices.frobnicate"), -32601),
        ("empty method", req(""), -32601),
        ("rpc. method", req("rpc.discover"), -32601),
        ("missing name", req("devices.get", {}), -32602),
        ("name is a number", req("devices.get", {"name": 5}), -32602),
        ("name is null", req("devices.get", {"name": None}), -32602),
        ("extra param", req("devices.get", {"name": "led", "extra": 1}), -32602),
        ("value is a string", req("devices.set", {"name": "led", "value": "on"}), -32602),
        ("value is an object", req("devices.set", {"name": "led", "value": {"on": True}}), -32602),
        ("positional missing", req("devices.get", []), -32602),
        ("positional too many", req("devices.get", ["led", "x"]), -32602),
        ("next is a string", req("schedules.list", {"next": "3"}), -32602),
        ("next negative", req("schedules.list", {"next": -1}), -32602),
        ("next huge", '{"jsonrpc":"2.0","method":"schedules.list","params":{"next":1e300},"id":1}', -32602),
        ("next fractional", req("schedules.list", {"next": 3.5}), -32602),
        ("next 2^64", '{"jsonrpc":"2.0","method":"schedules.list","params":{"next":18446744073709551616},"id":1}',
         -32602),
        ("topics not an array", req("subscribe", {"topics": "x"}), -32602),
        ("topic not a string", req("subscribe", {"topics": [5]}), -32602),
        ("bad pattern", req("subscribe", {"topics": ["a..b"]}), -32602),
        ("bad log level", req("subscribe", {"topics": ["log.*"], "level": "loud"}), -32602),
        ("unknown device", req("devices.get", {"name": "nope"}), -32004),
        ("set an input", req("devices.set", {"name": "button", "value": True}), -32005),
        ("deep nesting", deep, -32600),  # deeper than 32 levels: refused before it is parsed
        ("deep params", deep_params, -32600),
        ("deep inside a string", req("devices.get", {"name": "[" * 5000}), -32004),  # text, not nesting
    ]


async def check_rpc_cases(d):
    async with websockets.connect(d.ws_url, max_size=None) as ws:
        for name, text, code in rpc_cases():
            await ws.send(text)
            answer = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_TIMEOUT))
            first = answer[0] if isinstance(answer, list) else answer
            expect("error" in first, f"{name}: an error, got {str(answer)[:200]}")
            if code is not None:
                expect(first["error"]["code"] == code, f"{name}: code {code}, got {first['error']}")
            if code == -32602:
                expect("pointer" in first["error"].get("data", {}), f"{name}: a pointer: {first['error']}")
        # a batch of 300 notifications gets no answer; the next request does
        await ws.send(json.dumps([{"jsonrpc": "2.0", "method": "daemon.info"}] * 300))
        await ws.send(json.dumps({"jsonrpc": "2.0", "method": "no.such", "params": {}}))  # notification: silent
        answer = await rpc(ws, "daemon.info", ident=99)
        expect(answer.get("id") == 99, f"after a batch of notifications, the next answer is ours: {answer}")
        # a huge id is echoed as JSON
        await ws.send('{"jsonrpc":"2.0","method":"daemon.info","id":123456789012345678901234567890}')
        answer = json.loads(await asyncio.wait_for(ws.recv(), SAFETY_TIMEOUT))
        expect("result" in answer and "id" in answer, f"a huge id: {str(answer)[:200]}")
    return len(rpc_cases()) + 3


async def check_frames(d):
    n = 0
    for name, opcode, payload, expected in (
            ("binary frame", 2, b'{"jsonrpc":"2.0","method":"daemon.info","id":1}', 1003),
            ("invalid UTF-8", 1, b'{"jsonrpc":"2.0","method":"\xff\xfe","id":1}', 1007),
            ("oversized message", 1, b"[" + b"1," * 20000 + b"1]", 1009)):
        ws = RawWebSocket(d.url)
        ws.send_frame(opcode, payload)
        code = ws.close_code()
        expect(code == expected, f"{name}: close code {expected}, got {code}")
        n += 1
    return n


def check_http(d):
    cases = [
        ("unknown path", "GET", "/api/v1/nope", None, 404),
        ("not the API", "GET", "/", None, 404),
        ("invalid JSON body", "POST", "/api/v1/devices/led", "{value", 400),
        ("array body", "POST", "/api/v1/devices/led", "[true]", 400),
        ("a name given twice", "POST", "/api/v1/devices/led", '{"name":"fan","value":true}', 400),
        ("bad percent-encoding", "GET", "/api/v1/devices/le%ZZd", None, 400),
        ("query of the wrong type", "GET", "/api/v1/schedules?next=abc", None, 400),
        ("unknown query key", "GET", "/api/v1/devices?colour=red", None, 400),
        ("wrong verb", "POST", "/api/v1/devices", "{}", 405),
        ("empty rpc body", "POST", "/api/v1/rpc", "", 400),
        ("rpc parse error", "POST", "/api/v1/rpc", "{oops", 400),
        ("oversized body", "POST", "/api/v1/devices/led", '{"value":"' + "x" * 20000 + '"}', 413),
        ("deeply nested body", "POST", "/api/v1/devices/led", '{"value":' + "[" * 40 + "]" * 40 + "}", 400),
        ("deeply nested rpc body", "POST", "/api/v1/rpc", "[" * 40 + "]" * 40, 400),
        ("unknown device", "GET", "/api/v1/devices/nope", None, 404),
        ("set an input", "POST", "/api/v1/devices/button", '{"value":true}', 409),
    ]
    for name, method, path, body, status in cases:
        got, answer = curl(d, method, path, body) if method == "POST" or body else curl(d, method, path)
        expect(got == status, f"{name}: HTTP {status}, got {got} {answer}")
        expect(answer is None or "error" in answer, f"{name}: the JSON error object: {answer}")
    out = raw_http(d, b"GET /api/v1/devices HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    expect(out.startswith(b"HTTP/1.1 431"), f"oversized headers: 431, got {out[:60]}")
    out = raw_http(d, b"HELLO THERE\r\n\r\n")
    expect(out == b"" or out.startswith(b"HTTP/1.1 400"), f"garbage request line: {out[:60]}")
    out = raw_http(d, b"GET /api/v1/devices HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
    expect(out == b"" or out.startswith(b"HTTP/1.1 400"), f"negative Content-Length: {out[:60]}")
    return len(cases) + 3


def check_slow_clients(d):
    host, port = d.url.split("//")[1].split(":")
    # slowloris: a header a byte at a time, never finished — closed after the idle time (2 s), not held forever
    s = socket.create_connection((host, int(port)), timeout=SAFETY_TIMEOUT)
    started = time.monotonic()
    closed = False
    for b in b"GET /api/v1/devices HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
        try:
            s.sendall(bytes([b]))
            time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        if time.monotonic() - started > SAFETY_TIMEOUT:
            break
    if not closed:
        s.settimeout(SAFETY_TIMEOUT)
        try:
            closed = s.recv(1) == b"" or True
        except (ConnectionResetError, socket.timeout):
            closed = True
    expect(closed and time.monotonic() - started < SAFETY_TIMEOUT, "slowloris: disconnected within the idle time")
    s.close()
    # a connection that sends nothing at all is closed too
    s = socket.create_connection((host, int(port)), timeout=SAFETY_TIMEOUT)
    try:
        expect(s.recv(1) == b"", "an idle connection is closed by the daemon")
    except ConnectionResetError:
        pass
    s.close()
    return 2


def control_is_served(d):
    status, info = curl(d, "GET", "/api/v1/daemon")
    expect(status == 200 and info["name"] == "aiopid", f"the daemon keeps serving: {status}")


def catalogue(aiopid, workdir):
    d = start(aiopid, workdir, CONFIG)
    control_is_served(d)
    baseline = rss_kib(d.proc.pid)
    total = 0
    for _ in range(2):  # twice: the second round must not grow the daemon
        total += asyncio.run(check_rpc_cases(d))
        control_is_served(d)
        total += asyncio.run(check_frames(d))
        control_is_served(d)
        total += check_http(d)
        control_is_served(d)
        after_first = rss_kib(d.proc.pid) if _ == 0 else after_first
    total += check_slow_clients(d)
    control_is_served(d)
    after = rss_kib(d.proc.pid)
    print(f"{total} malformed cases; RSS baseline {baseline} KiB, after round 1 {after_first} KiB, at end {after} KiB")
    expect(total // 2 >= 50, f"at least 50 cases in the catalogue: {total // 2}")
    if CHECK_RSS:
        expect(after <= after_first + 512, f"RSS stable across rounds: {after_first} KiB → {after} KiB")
        expect(after <= baseline + 4096, f"RSS back near its baseline: {baseline} KiB → {after} KiB")
    expect(d.stop() == 0, "exit 0")


def churn(aiopid, workdir, seconds):
    d = start(aiopid, workdir, CONFIG)
    control_is_served(d)
    pid = d.proc.pid
    base_rss, base_fds = rss_kib(pid), fd_count(pid)

    async def client(i):
        try:
            ws = await websockets.connect(d.ws_url)
            await ws.send(json.dumps({"jsonrpc": "2.0", "method": "subscribe", "params": {"topics": ["**"]}, "id": i}))
            await asyncio.wait_for(ws.recv(), SAFETY_TIMEOUT)
            ws.transport.abort()  # abruptly: no close handshake
            return True
        except Exception as e:  # noqa: BLE001  (counted, reported below)
            return repr(e)

    async def run():
        rounds, failures = 0, []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            results = await asyncio.gather(*(client(i) for i in range(200)))
            failures += [r for r in results if r is not True]
            rounds += 1
        return rounds, failures
    rounds, failures = asyncio.run(run())
    expect(not failures, f"every connection served: {failures[:5]}")
    # the daemon notices the aborted connections (reads fail); wait for its fds to come back
    deadline = time.monotonic() + SAFETY_TIMEOUT
    while fd_count(pid) > base_fds and time.monotonic() < deadline:
        time.sleep(0.05)
    rss, fds = rss_kib(pid), fd_count(pid)
    print(f"{rounds} rounds of 200 clients; fds {base_fds} → {fds}; RSS {base_rss} KiB → {rss} KiB")
    expect(fds <= base_fds, f"open fds back to baseline: {base_fds} → {fds}")
    if CHECK_RSS:
        expect(rss <= base_rss + 4096, f"RSS back near its baseline: {base_rss} KiB → {rss} KiB")
    control_is_served(d)
    expect(d.stop() == 0, "exit 0")


if __name__ == "__main__":
    import tempfile
    if len(sys.argv) < 3 or sys.argv[2] not in ("catalogue", "churn"):
        print(__doc__)
        sys.exit(64)
    with tempfile.TemporaryDirectory(prefix="aiopid-api-bad-") as tmp:
        if sys.argv[2] == "catalogue":
            catalogue(sys.argv[1], tmp)
        else:
            churn(sys.argv[1], tmp, float(sys.argv[3]) if len(sys.argv) > 3 else 60.0)
    print("PASS")
