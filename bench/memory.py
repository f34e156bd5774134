"""Resident memory of a web worker after BENCH_MEMORY_REQUESTS (10,000) requests.

Starts the gateway under gunicorn with one worker (its usual threads, no recycling after
``max_requests``) on a scratch PostgreSQL database and sends it, from BENCH_CONCURRENCY
clients, one sale with a new customer for every four authenticated reads, then prints the
worker's RSS (``VmRSS``) against the 120 MB target, and its RSS after the first requests.
"""

from __future__ import annotations

import http.client
import itertools
import os
import threading
from pathlib import Path

import requests

from bench.harness import CONCURRENCY, SERVERS, gateway_with_merchant
from bench.ingest import PROGRAM, sale

REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "10000"))
TARGET_MB = 120
SALE_EVERY = 5


def worker_rss_mb(master_pid: int) -> float:
    """The largest resident set of the master's worker processes, in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = [_rss_kb(int(pid)) for pid in children]
    return max(sizes) / 1024


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise SystemExit(f"no VmRSS for {pid}")


def send(port: int, key: str, count: int) -> int:
    """Send ``count`` requests from CONCURRENCY clients; returns how many were not 2xx."""
    numbers = itertools.count()
    failures = [0]
    lock = threading.Lock()
    read_headers = {"Authorization": f"Bearer {key}"}
    sale_headers = {**read_headers, "Content-Type": "application/json"}

    def client(worker: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (n := next(numbers)) < count:
            if n % SALE_EVERY == 0:
                connection.request("POST", "/v1/sales", sale(worker, n), sale_headers)
            else:
                connection.request("GET", "/v1/merchant", headers=read_headers)
            response = connection.getresponse()
            response.read()
            if response.status >= 300:
                with lock:
                    failures[0] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures[0]


def main() -> None:
    """Warm up, measure, send the rest, measure again and print both."""
    options = ("--workers", "1", "--max-requests", "0")
    with gateway_with_merchant(options=options) as (port, key):
        headers = {"Authorization": f"Bearer {key}"}
        requests.post(
            f"http://127.0.0.1:{port}/v1/programs", json=PROGRAM, headers=headers, timeout=10
        ).raise_for_status()
        warm = 200
        failed = send(port, key, warm)
        early = worker_rss_mb(SERVERS[port])
        failed += send(port, key, REQUESTS - warm)
        late = worker_rss_mb(SERVERS[port])
    print(f"worker RSS after {warm} requests     {early:7.1f} MB")
    print(f"worker RSS after {REQUESTS} requests  {late:7.1f} MB   (target <= {TARGET_MB} MB)")
    if failed:
        raise SystemExit(f"{failed} requests failed")


if __name__ == "__main__":
    main()
