#!/usr/bin/env python3
"""REST throughput of aiopid's API with wrk: `GET /api/v1/devices/led` on loopback against the real daemon on
the sim board (each request crosses from the API thread to the loop and back). One JSON line per figure.

    bench/api/api_rest.py AIOPID [--duration SECONDS] [--connections N]
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

CONFIG = """
[daemon]
board = "sim"
log_level = "warn"

[api]
listen = ["127.0.0.1"]
port = 0
requests_per_second = 100000

[devices.led]
type = "digital_out"
chip = "sim"
line = 17
"""


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 64
    aiopid = args[0]
    duration = int(args[args.index("--duration") + 1]) if "--duration" in args else 5
    connections = int(args[args.index("--connections") + 1]) if "--connections" in args else 32
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        cfg = os.path.join(tmp, "aiopid.toml")
        with open(cfg, "w") as f:
            f.write(CONFIG.replace('log_level = "warn"', 'log_level = "info"'))
        log = open(os.path.join(tmp, "log"), "w+")
        proc = subprocess.Popen([aiopid, "--config", cfg, "--state-dir", tmp], stdout=log, stderr=subprocess.STDOUT)
        url = None
        deadline = time.monotonic() + 20
        while url is None and time.monotonic() < deadline:
            log.seek(0)
            m = re.search(r"API: listening on (http://[^ \n]+)", log.read())
            url = m.group(1) if m else None
            time.sleep(0.02)
        if url is None:
            proc.kill()
            print(json.dumps({"name": "api_rest_get_device", "error": "aiopid did not start its API"}))
            return 1
        rss_before = rss_kib(proc.pid)
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency",
                              url + "/api/v1/devices/led"], capture_output=True, text=True).stdout
        rss_after = rss_kib(proc.pid)
        proc.terminate()
        proc.wait(timeout=20)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {}
    for pct, value, unit in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        lat[pct] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    print(json.dumps({"name": "api_rest_get_device", "requests_per_s": round(rps), "unit": "requests/s",
                      "connections": connections, "p50_ms": lat.get("50"), "p99_ms": lat.get("99"),
                      "non_2xx": int(errors.group(1)) if errors else 0,
                      "rss_kib_before": rss_before, "rss_kib_after": rss_after, "allocs_per_op": None}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
