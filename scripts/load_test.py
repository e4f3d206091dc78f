#!/usr/bin/env python
"""Bounded load test of `spinscan serve` on loopback: latency, throughput, errors, memory.

Starts the server itself (127.0.0.1, a free port), then
1. for 1, 4 and 16 concurrent clients, sends the example article N times per level and
   reports p50/p95 latency, requests per second and the count of 4xx/5xx answers;
2. a soak of --soak requests of a short article (4 clients), sampling the server's RSS,
   to show whether memory stays flat.
Every loop is bounded in count and time; nothing leaves the machine.

Usage: python scripts/load_test.py --example ARTICLE [--per-level 24] [--soak 2000] [--model DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

SHORT = "A headline\n\nThe corrupt elite betrayed the nation again, as always, and nobody will stop them.\n"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run_level(url: str, body: dict, clients: int, total: int, deadline: float) -> dict:
    lat: list[float] = []
    codes: dict[int, int] = {}
    queue = list(range(total))

    async def worker(client: httpx.AsyncClient) -> None:
        while queue and time.time() < deadline:
            queue.pop()
            t0 = time.perf_counter()
            r = await client.post(url + "/v1/analyze", json=body)
            lat.append(time.perf_counter() - t0)
            codes[r.status_code] = codes.get(r.status_code, 0) + 1

    t0 = time.perf_counter()
    async with httpx.AsyncClient(timeout=600) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    wall = time.perf_counter() - t0
    lat.sort()
    return {
        "clients": clients,
        "requests": len(lat),
        "p50_s": round(statistics.median(lat), 3),
        "p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 3),
        "rps": round(len(lat) / wall, 2),
        "codes": codes,
    }


async def soak(url: str, pid: int, total: int, deadline: float) -> dict:
    samples = [rss_mb(pid)]
    done = 0
    codes: dict[int, int] = {}
    async with httpx.AsyncClient(timeout=600) as client:
        while done < total and time.time() < deadline:
            rs = await asyncio.gather(
                *(client.post(url + "/v1/analyze", json={"text": SHORT}) for _ in range(4))
            )
            for r in rs:
                codes[r.status_code] = codes.get(r.status_code, 0) + 1
            done += len(rs)
            if done % 200 == 0:
                samples.append(rss_mb(pid))
    samples.append(rss_mb(pid))
    return {"requests": done, "rss_mb_samples": [round(s) for s in samples], "codes": codes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--example", required=True)
    ap.add_argument("--model", default=None)
    ap.add_argument("--per-level", type=int, default=24)
    ap.add_argument("--soak", type=int, default=2000)
    ap.add_argument("--max-seconds", type=float, default=3600)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "spinscan", "serve", "--port", str(port)]
    if args.model:
        cmd += ["--model", args.model]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(url + "/healthz", timeout=2).json().get("status") == "ok":
                    break
            except (httpx.HTTPError, ValueError):
                time.sleep(0.5)
        model = httpx.get(url + "/healthz").json()["model"]
        body = {"text": Path(args.example).read_text(encoding="utf-8")}
        deadline = time.time() + args.max_seconds
        httpx.post(url + "/v1/analyze", json=body, timeout=600)  # warm-up (lazy model parts)
        levels = [asyncio.run(run_level(url, body, c, args.per_level, deadline)) for c in (1, 4, 16)]
        rss_before = rss_mb(proc.pid)
        s = asyncio.run(soak(url, proc.pid, args.soak, deadline))
        print(
            json.dumps(
                {"model": model, "levels": levels, "rss_after_levels_mb": round(rss_before), "soak": s},
                indent=2,
            )
        )
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
