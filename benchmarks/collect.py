"""Benchmark: collection throughput against the fake platform with added latency.

200 Weibo accounts × (profile + 2 post pages + comments of 5 posts) = 1600 requests, 100 ms
added per request, per-host concurrency 8. Prints the requests, the wall time, the lower bound
(requests × latency ÷ per-host cap), their ratio (target: within 1.3×), and a sequential
baseline (cap 1) measured in the same run on a sample of the accounts, per request.

Where the time beyond the bound goes: the CPU time of the collector and of the fake platform
(each in its own process), how long each waited for a CPU while runnable (Linux schedstat:
on a shared machine this, not govmon's code, is what stretches the wall time), and the time a
slot is held per request split into the added latency, the platform's own work and the rest
(the collector's work, the loopback transfer and waiting for a CPU). The load average is
stated before and after.

    python benchmarks/collect.py [--accounts 200] [--latency 0.1] [--cap 8] [--sample 12]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import multiprocessing
import os
import resource
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from collectors.base import AccountRef
from collectors.engine import collect_accounts
from collectors.fakeplatform import (
    FakeAccount,
    FakeComment,
    FakeContent,
    FakePlatform,
    FakePost,
    max_concurrency,
)
from collectors.settings import CollectorsSettings

NOW = dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)
POSTS_PER_ACCOUNT = 20  # two pages of 10
POSTS_WITH_COMMENTS = 5


def build_content(accounts: int) -> FakeContent:
    content = FakeContent()
    for a in range(accounts):
        uid = str(1_000_000_000 + a)
        posts = []
        for p in range(POSTS_PER_ACCOUNT):
            post_id = str(5_000_000_000_000_000 + a * 100 + p)
            young = p < POSTS_WITH_COMMENTS  # only these are within comment_refetch_days
            comments = [
                FakeComment(
                    id=str(6_000_000_000_000_000 + a * 10_000 + p * 100 + c),
                    user_id=str(3_000_000 + c),
                    user_name=f"网友{c}",
                    text="请问什么时候恢复通行？",
                    created_at=f"-{p}d1h",
                )
                for c in range(3 if young else 0)
            ]
            posts.append(
                FakePost(
                    id=post_id,
                    created_at=f"-{p}d" if young else f"-{10 + p}d",
                    text=f"示例通告 {a}-{p}",
                    comments=comments,
                )
            )
        content.add(FakeAccount("weibo", uid, f"示例交通 {a}", followers=1000 + a, posts=posts))
    return content


def cpu_seconds() -> float:
    """User + system CPU of this whole process (every thread)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def runnable_wait_seconds() -> float | None:
    """Time this process's live threads spent runnable but waiting for a CPU (Linux
    /proc/<pid>/task/*/schedstat, second field, ns); None where the kernel does not say."""
    total = 0
    try:
        for stat in Path("/proc/self/task").glob("*/schedstat"):
            total += int(stat.read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return total / 1e9


@dataclass(frozen=True)
class Usage:
    """What one process used between two moments."""

    cpu: float
    waited: float | None  # runnable, waiting for a CPU

    @staticmethod
    def now() -> Usage:
        return Usage(cpu_seconds(), runnable_wait_seconds())

    def since(self, start: Usage) -> Usage:
        waited = None
        if self.waited is not None and start.waited is not None:
            waited = self.waited - start.waited
        return Usage(self.cpu - start.cpu, waited)


@dataclass(frozen=True)
class ServerReport:
    peak: int  # most requests answered at one moment
    handled: float  # mean seconds from reading a request to writing its answer
    usage: Usage


def serve(content: FakeContent, latency: float, pipe: Connection) -> None:
    """Run the fake platform in its own process, as the real platform is: its Python HTTP
    parsing must not compete with the collector's event loop for the GIL."""
    with FakePlatform(content, clock=lambda: NOW, latency=latency) as fake:
        pipe.send(fake.url)
        began = Usage.now()
        while True:
            command = pipe.recv()
            if command == "stop":
                return
            if command == "clear":
                fake.clear_log()
                began = Usage.now()
                pipe.send(None)
            elif command == "report":
                log = fake.requests()
                handled = sum(r.ended - r.started for r in log) / max(len(log), 1)
                pipe.send(ServerReport(max_concurrency(log), handled, Usage.now().since(began)))


class Remote:
    def __init__(self, content: FakeContent, latency: float) -> None:
        self.pipe, child = multiprocessing.Pipe()
        context = multiprocessing.get_context("fork")
        self.process = context.Process(target=serve, args=(content, latency, child), daemon=True)
        self.process.start()
        self.url: str = self.pipe.recv()

    def call(self, command: str) -> object:
        self.pipe.send(command)
        return self.pipe.recv()

    def stop(self) -> None:
        self.pipe.send("stop")
        self.process.join(timeout=10)


def settings_for(fake: Remote, cap: int) -> CollectorsSettings:
    return CollectorsSettings.model_validate(
        {
            "max_concurrency": max(cap, 1) * 2,
            "per_host_concurrency": cap,
            "per_host_min_interval_seconds": 0,
            "timeout_seconds": 30,
            "comment_refetch_days": 7,
            "weibo": {"base_url": fake.url, "max_pages": 2, "max_comment_pages": 1},
        }
    )


@dataclass(frozen=True)
class Run:
    requests: int
    wall: float
    client: Usage  # the collector process
    server: ServerReport


def run(fake: Remote, accounts: list[AccountRef], cap: int) -> Run:
    fake.call("clear")
    began, usage = time.perf_counter(), Usage.now()
    outcomes = asyncio.run(collect_accounts(accounts, settings_for(fake, cap), clock=lambda: NOW))
    wall, client = time.perf_counter() - began, Usage.now().since(usage)
    failed = [o.error_text for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"{len(failed)} accounts failed, e.g. {failed[0]}")
    server = fake.call("report")
    assert isinstance(server, ServerReport)
    return Run(sum(o.requests for o in outcomes), wall, client, server)


def seconds(value: float | None) -> str:
    return "unknown (no schedstat)" if value is None else f"{value:.2f} s"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--cap", type=int, default=8)
    parser.add_argument("--sample", type=int, default=12, help="accounts in the sequential run")
    args = parser.parse_args()

    content = build_content(args.accounts)
    refs = [AccountRef("weibo", uid) for (_, uid) in content.accounts]
    load_before = load()
    fake = Remote(content, args.latency)
    try:
        main_run = run(fake, refs, args.cap)
        load_after = load()
        seq = run(fake, refs[: args.sample], 1)
    finally:
        fake.stop()

    requests, wall, client, server = (
        main_run.requests,
        main_run.wall,
        main_run.client,
        main_run.server,
    )
    bound = requests * args.latency / args.cap
    per_request_seq = seq.wall / seq.requests
    sequential_estimate = per_request_seq * requests
    held = wall * args.cap / requests  # a slot's time per request, if the slots were kept busy
    platform_work = server.handled - args.latency
    print(f"machine                  {os.cpu_count()} CPUs, load average {load_before} before")
    print(f"                         and {load_after} after the run (1 / 5 / 15 min)")
    print(f"accounts                 {args.accounts}")
    print(f"requests                 {requests}  ({requests / args.accounts:.1f} per account)")
    print(f"added latency            {args.latency * 1000:.0f} ms per request")
    print(f"per-host concurrency     {args.cap} (peak seen by the server: {server.peak})")
    print(f"wall time                {wall:.2f} s")
    print(f"lower bound              {bound:.2f} s  (requests × latency ÷ cap)")
    print(f"ratio to bound           {wall / bound:.3f}×  (target ≤ 1.3×)")
    print(
        f"per request in a slot    {held * 1000:.1f} ms = latency {args.latency * 1000:.0f}"
        f" + platform's own work {platform_work * 1000:.1f}"
        f" + collector, transfer and CPU waits {(held - server.handled) * 1000:.1f}"
    )
    print(
        f"CPU, collector           {client.cpu:.2f} s ({client.cpu / requests * 1000:.2f} ms per"
        f" request); waited for a CPU {seconds(client.waited)}"
    )
    print(
        f"CPU, fake platform       {server.usage.cpu:.2f} s"
        f" ({server.usage.cpu / requests * 1000:.2f} ms per request);"
        f" waited for a CPU {seconds(server.usage.waited)}"
    )
    print(
        f"sequential baseline      {per_request_seq * 1000:.1f} ms per request "
        f"({seq.requests} requests, {args.sample} accounts, cap 1)"
    )
    print(f"sequential, all requests {sequential_estimate:.1f} s (estimated from the baseline)")
    print(f"speed-up over sequential {sequential_estimate / wall:.2f}×")


if __name__ == "__main__":
    main()
