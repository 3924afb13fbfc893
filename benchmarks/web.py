"""Benchmark: the web app under a bounded load from a second process, on loopback.

`justicelink serve` runs in its own process (one uvicorn worker, as `serve` starts it) over
a demo warehouse and a fresh SQLite store. This script, a second process, signs in an
analyst and an agency officer (password and TOTP, as a browser would), then sends a fixed
number of requests per endpoint from a fixed number of concurrent clients and records each
request's latency. Endpoints: the dashboard page, the measures API, a person's timeline
page and the person API (each look-up writes an audit entry, as in production); and, as the
floor measured in the same run, /healthz (the framework with no work behind it).

    .venv/bin/python benchmarks/web.py                      # demo of 20,000 persons
    .venv/bin/python benchmarks/web.py --warehouse demo/justicelink.duckdb --requests 2000
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import httpx2 as httpx
import pyotp

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine

PASSWORD = "benchmark passphrase, synthetic"
PURPOSE = "load test of the person timeline"


def _cli(*args: str, stdin: str | None = None) -> str:
    return subprocess.run(
        [sys.executable, "-m", "justicelink", *args],
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    ).stdout


def _sign_in(base: str, link: str) -> httpx.Client:
    """Enrol by the one-time link (password, key off the page, code, own password)."""
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=True)
    csrf = r'name="csrf_token" value="([^"]+)"'
    page = client.get(link)
    # The answer is the key page (the key is shown this once, not on a reload).
    page = client.post(
        link, data={"password": PASSWORD, "csrf_token": re.findall(csrf, page.text)[0]}
    )
    secret = re.findall(r'id="totp-secret">([A-Z2-7]+)<', page.text)[0]
    page = client.post(
        "/login/code",
        data={"code": pyotp.TOTP(secret).now(), "csrf_token": re.findall(csrf, page.text)[0]},
    )
    own = PASSWORD + " of my own"
    done = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": own, "repeat": own,
              "csrf_token": re.findall(csrf, page.text)[0]},
    )  # fmt: skip
    if "/login" in str(done.url) or "/account/password" in str(done.url):
        raise SystemExit(f"could not sign in by {link}")
    return client


def _load(
    clients: list[httpx.Client], paths: Callable[[int], str], requests: int
) -> tuple[float, list[float]]:
    """``requests`` GETs shared by the clients (one thread each); (seconds, latencies in ms)."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker(client: httpx.Client) -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            started = time.perf_counter()
            response = client.get(paths(i))
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{paths(i)}: HTTP {response.status_code}")
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, help="a linked warehouse (default: a new demo)")
    parser.add_argument("--people", type=int, default=20_000, help="demo size without --warehouse")
    parser.add_argument("--requests", type=int, default=1000, help="per endpoint and repeat")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jl-web-bench-"))
    warehouse = args.warehouse
    if warehouse is None:
        print(f"building a demo of {args.people:,} persons in {work} ...", flush=True)
        _cli("demo", "--out", str(work / "demo"), "--people", str(args.people))
        warehouse = work / "demo" / "justicelink.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        persons = [
            r[0]
            for r in con.execute(
                "select distinct rp.person_id from record_person rp "
                "join person_record r using (record_id) where r.agency_id = 'police'"
            ).fetchall()
        ]
        records = con.execute("select count(*) from person_record").fetchone()[0]
    db = f"sqlite:///{work / 'store.sqlite'}"
    links = {}
    for name, role, agency in (("ana", "analyst", None), ("kim", "agency_officer", "police")):
        extra = ["--agency", agency, "--warehouse", str(warehouse)] if agency else []
        added = _cli("users", "add", name, "--role", role, "--db", db, "--password-stdin",
                     "--json", *extra, stdin=PASSWORD + "\n")  # fmt: skip
        links[name] = "/enrol/" + json.loads(added)["enrolment_link"].rsplit("/", 1)[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "justicelink", "serve", "--warehouse", str(warehouse),
         "--db", db, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(base + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        analysts = [_sign_in(base, links["ana"])]
        officers = [_sign_in(base, links["kim"])]
        # One session per role, shared by the concurrent clients (cookies copied).
        analyst_clients = [
            httpx.Client(base_url=base, cookies=analysts[0].cookies, timeout=60)
            for _ in range(args.concurrency)
        ]
        officer_clients = [
            httpx.Client(base_url=base, cookies=officers[0].cookies, timeout=60)
            for _ in range(args.concurrency)
        ]
        analyst_clients[0].get("/dashboard")  # the measures are computed once, on first use
        measures = [m["name"] for m in analyst_clients[0].get("/api/measures").json()]
        rng = random.Random(7)
        picks = [rng.choice(persons) for _ in range(args.requests)]
        endpoints: dict[str, tuple[list[httpx.Client], Callable[[int], str]]] = {
            "/healthz (floor)": (analyst_clients, lambda i: "/healthz"),
            "/dashboard": (
                analyst_clients,
                lambda i: f"/dashboard?measure={measures[i % len(measures)]}",
            ),
            "/api/measures/{name}": (
                analyst_clients,
                lambda i: f"/api/measures/{measures[i % len(measures)]}",
            ),
            "/persons/{id} (page)": (
                officer_clients,
                lambda i: f"/persons/{picks[i]}?purpose={PURPOSE}",
            ),
            "/api/persons/{id}": (
                officer_clients,
                lambda i: f"/api/persons/{picks[i]}?purpose={PURPOSE}",
            ),
        }
        results: dict[str, list[tuple[float, float, float]]] = {k: [] for k in endpoints}
        for repeat in range(args.repeats):
            for name, (clients, paths) in endpoints.items():
                seconds, latencies = _load(clients, paths, args.requests)
                results[name].append(
                    (
                        len(latencies) / seconds,
                        statistics.median(latencies),
                        _percentile(latencies, 0.99),
                    )
                )
                print(
                    f"repeat {repeat + 1} {name}: {len(latencies) / seconds:,.0f} req/s", flush=True
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print()
    print(f"Machine: {machine()}. Warehouse: {records:,} person records, {len(persons):,} "
          f"police-known persons. {args.requests:,} requests per endpoint and repeat, "
          f"{args.concurrency} concurrent clients, {args.repeats} repeats (medians).")  # fmt: skip
    print()
    print("| endpoint | requests/s | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for name, runs in results.items():
        rps = statistics.median(r[0] for r in runs)
        p50 = statistics.median(r[1] for r in runs)
        p99 = statistics.median(r[2] for r in runs)
        print(f"| {name} | {rps:,.0f} | {p50:.1f} | {p99:.1f} |")


if __name__ == "__main__":
    main()
