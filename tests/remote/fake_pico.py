#!/usr/bin/env python3
"""A fake aiopi-pico: the Pico's side of the tether (docs/design/pico-tether.md) on a pseudo-terminal, for tests
of aiopid's board links. Python's standard library only.

The interface a test uses (a real Pico in an emulator can stand behind the same one):

    pico = FakePico()            # opens a pty; pico.path is the /dev/pts/N for `[boards.NAME] uart`
    pico.start()                 # answers requests from a thread until close()
    pico.requests()              # every request read so far, decoded: [{"id":..,"method":..,"params":..}, ...]
    pico.wait_request(pred)      # the first request (after `since`) with pred(request), or AssertionError
    pico.devices                 # name -> {"type", "params", "value"}: what the daemon opened and set
    pico.notify(device, what, data)   # sends device.DEVICE.WHAT (mono_us = now on the Pico's clock)
    pico.set_value(device, volts)     # what an adc reads from now on (1.65 V until then)
    pico.go_silent() / pico.resume()  # stops / resumes answering (requests are still read and recorded)
    pico.restart()               # a reset: new `boot`, devices forgotten, clock from zero, a `#` banner
    pico.close()

As a program (`fake_pico.py`), it prints `path /dev/pts/N`, then one JSON line per request it reads, and takes
commands on stdin: `silent`, `resume`, `restart`, `notify DEVICE WHAT {json data}`, `value DEVICE VOLTS`, `quit`.
"""
import errno
import json
import os
import random
import select
import sys
import threading
import time
import tty

MAX_LINE = 512
TYPES = {
    "digital_out": ("output", False),
    "digital_in": ("input", False),
    "pwm": ("output", 0.0),
    "adc": ("sensor", 0.0),
    "pushbutton": ("input", False),
    "htu21d": ("sensor", None),
}


class FakePico:
    def __init__(self):
        self.master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no line editing: bytes as the daemon writes them
        self.path = os.ttyname(slave)
        os.close(slave)  # the daemon opens it by path; while nobody has it open, reads of the master fail (EIO)
        os.set_blocking(self.master, False)
        self.lock = threading.Lock()
        # notify() and restart() write from the caller's thread, answers from the serve thread: a line goes out
        # whole (a write the pty takes only in part must not let another line in between).
        self._write_lock = threading.Lock()
        self._requests = []
        self.devices = {}
        self.adc_volts = {}  # name -> what its adc reads (the input's level: kept across a restart)
        self.answering = True
        self.boot = random.randrange(1, 2**31)
        self.started = time.monotonic()
        self._stop = False
        self._thread = None
        self.on_request = None  # called with each request (the program's stdout log)

    # ---- the interface ----------------------------------------------------------------------------------
    def start(self):
        self._thread = threading.Thread(target=self._serve, name="fake-pico", daemon=True)
        self._thread.start()

    def close(self):
        self._stop = True
        if self._thread:
            self._thread.join(5)
        os.close(self.master)

    def requests(self):
        with self.lock:
            return list(self._requests)

    def wait_request(self, predicate, what="a request", since=0, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for r in self.requests()[since:]:
                if predicate(r):
                    return r
            time.sleep(0.01)
        raise AssertionError(f"fake pico: {what} not seen within {timeout}s; requests: {self.requests()}")

    def notify(self, device, what, data=None):
        self._send({"jsonrpc": "2.0", "method": "notify",
                    "params": {"topic": f"device.{device}.{what}", "mono_us": self.uptime_us(),
                               "data": data if data is not None else {}}})

    def set_value(self, device, volts):
        with self.lock:
            self.adc_volts[device] = float(volts)

    def go_silent(self):
        self.answering = False

    def resume(self):
        self.answering = True

    def restart(self):
        with self.lock:
            self.boot = random.randrange(1, 2**31)
            self.devices = {}
            self.started = time.monotonic()
        self._write(b"#aiopi-pico 0.1.0 (fake) booting\n")

    def uptime_us(self):
        return int((time.monotonic() - self.started) * 1e6)

    # ---- the protocol -----------------------------------------------------------------------------------
    def _serve(self):
        buf = b""
        discarding = False
        while not self._stop:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.05)
                if not ready:
                    continue
                chunk = os.read(self.master, 4096)
            except BlockingIOError:
                continue
            except OSError as e:
                if e.errno == errno.EIO:  # the daemon has the port closed: wait for it to open it again
                    time.sleep(0.02)
                    continue
                raise
            for byte in chunk:
                if byte == 0x0A:
                    if discarding:
                        self._error(None, -32600, "line too long")
                    elif buf.strip():
                        self._line(buf.rstrip(b"\r").decode("ascii", "replace"))
                    buf, discarding = b"", False
                elif not discarding:
                    buf += bytes([byte])
                    if len(buf) >= MAX_LINE:
                        buf, discarding = b"", True

    def _line(self, text):
        try:
            req = json.loads(text)
        except ValueError:
            return self._error(None, -32700, "parse error")
        if not isinstance(req, dict) or not isinstance(req.get("method"), str):
            return self._error(req.get("id") if isinstance(req, dict) else None, -32600, "invalid request")
        with self.lock:
            self._requests.append(req)
        if self.on_request:
            self.on_request(req)
        if not self.answering:
            return
        ident, method, params = req.get("id"), req["method"], req.get("params") or {}
        handler = {
            "daemon.info": self._info, "devices.open": self._open, "devices.close": self._close,
            "devices.list": self._list, "devices.get": self._get, "devices.set": self._set,
            "devices.read": self._read,
        }.get(method)
        if handler is None:
            return self._error(ident, -32601, f"method not found: {method}")
        result = handler(params)
        if isinstance(result, tuple):
            return self._error(ident, *result)
        self._send({"jsonrpc": "2.0", "id": ident, "result": result})

    def _info(self, params):
        return {"name": "aiopi-pico", "version": "0.1.0", "protocol": 1, "boot": self.boot,
                "uptime_us": self.uptime_us(), "devices": len(self.devices), "max_devices": 16}

    def _object(self, name):
        d = self.devices[name]
        return {"name": name, "type": d["type"], "direction": TYPES[d["type"]][0], "state": "open",
                "value": d["value"]}

    def _open(self, params):
        name, kind, p = params.get("name"), params.get("type"), params.get("params", {})
        if kind not in TYPES:
            return (-32602, f"type: unknown type {kind!r}")
        pins = [p[k] for k in ("pin", "sda", "scl") if k in p]
        for pin in pins:
            if not isinstance(pin, int) or not 0 <= pin <= 29:
                return (-32602, f"pin: {pin!r} is not a GPIO 0-29")
            if pin in (0, 1):
                return (-32602, f"pin: GP{pin} is the tether's UART0")
            for other, d in self.devices.items():
                if other != name and pin in [d["params"].get(k) for k in ("pin", "sda", "scl")]:
                    return (-32602, f"pin: GP{pin} is already used by {other}")
        value = TYPES[kind][1]
        if kind == "digital_out":
            value = bool(p.get("initial", False))
        if kind == "htu21d":
            value = {"temperature": None, "humidity": None}
        with self.lock:
            self.devices[name] = {"type": kind, "params": p, "value": value}
        return self._object(name)

    def _close(self, params):
        name = params.get("name")
        if name not in self.devices:
            return (-32004, f"no device named {name!r}")
        with self.lock:
            del self.devices[name]
        return {"name": name, "closed": True}

    def _list(self, params):
        return [self._object(n) for n in self.devices]

    def _get(self, params):
        name = params.get("name")
        return self._object(name) if name in self.devices else (-32004, f"no device named {name!r}")

    def _set(self, params):
        name = params.get("name")
        if name not in self.devices:
            return (-32004, f"no device named {name!r}")
        d = self.devices[name]
        if TYPES[d["type"]][0] != "output":
            return (-32005, f"device {name!r} is an input")
        with self.lock:
            d["value"] = params.get("value")
        return self._object(name)

    def _read(self, params):
        name = params.get("name")
        if name not in self.devices:
            return (-32004, f"no device named {name!r}")
        d = self.devices[name]
        if d["type"] == "adc":
            return {"name": name, "value": self.adc_volts.get(name, 1.65), "unit": "V"}
        if d["type"] == "htu21d":
            return {"name": name, "value": {"temperature": 21.5, "humidity": 45.0},
                    "unit": {"temperature": "°C", "humidity": "%RH"}}
        return {"name": name, "value": d["value"]}

    def _error(self, ident, code, message):
        self._send({"jsonrpc": "2.0", "id": ident, "error": {"code": code, "message": message}})

    def _send(self, message):
        self._write((json.dumps(message, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii"))

    def _write(self, data):
        with self._write_lock:
            self._write_whole(data)

    def _write_whole(self, data):
        deadline = time.monotonic() + 5
        while data and time.monotonic() < deadline:
            try:
                data = data[os.write(self.master, data):]
            except BlockingIOError:
                time.sleep(0.005)
            except OSError:
                return  # nobody has the port open: the bytes are lost, as on a wire


def main():
    pico = FakePico()
    pico.on_request = lambda r: print(json.dumps(r), flush=True)
    print("path", pico.path, flush=True)
    pico.start()
    for line in sys.stdin:
        words = line.split(None, 3)
        if not words:
            continue
        if words[0] == "silent":
            pico.go_silent()
        elif words[0] == "resume":
            pico.resume()
        elif words[0] == "restart":
            pico.restart()
        elif words[0] == "notify" and len(words) >= 3:
            pico.notify(words[1], words[2], json.loads(words[3]) if len(words) > 3 else {})
        elif words[0] == "value" and len(words) >= 3:
            pico.set_value(words[1], words[2])
        elif words[0] == "quit":
            break
    pico.close()


if __name__ == "__main__":
    main()
