"""A partitioned roster on one host: one process per partition, as one worker per partition queue.

python bench/bench_scale.py [--volunteers 20000] [--partitions 4] [--vacancies 100] [--single-runs 30]
python bench/bench_scale.py --volunteers 1000000     # the full size of issue #10 (about 3 GB a partition)

1. Fits the corpus statistics once, on the whole synthetic roster, in a process of its
   own (`fit_statistics`: one pass, counts only), as `matching.index_cache.vocabulary_refit` does.
2. Starts one process per partition (volunteer number modulo --partitions); each generates
   its own profiles (seeded per profile, so the roster is the same however it is split),
   builds its index with the shared statistics, and prints its build time and memory.
3. Ranks one vacancy over all partitions (each its top 200, reasons for the best
   --explain-top; merged exactly by `merge_ranked`), --single-runs times: median and p90.
4. Re-ranks --vacancies vacancies over all partitions (`rank_many` in each, then merged).

On one host the partitions share its cores: with 4 partitions on 2 cores a vacancy waits
for two partitions' turns. "slowest partition" is what separate hosts would take (plus the merge).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import Generator

from matching.engine import Fitted, ProfileIndex, ProgrammeRules, fit_statistics, merge_ranked, rank, rank_many
from matching.engine.types import Profile, Vacancy

TODAY = date(2026, 11, 30)
RULES = ProgrammeRules(residence_outside_duty_country=True)
TOP_K = 200


def rss_mb() -> float:
    """Current resident set size of this process (Linux)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def profiles(seed: int, total: int, partition: int = 0, partitions: int = 1) -> Iterator[Profile]:
    """Profiles number i of the roster with i % partitions == partition, each from its own seed."""
    gen = Generator(seed)
    for i in range(partition, total, partitions):
        gen.rng.seed(seed * 1_000_003 + i)
        yield gen.profile(i)


def vacancies(seed: int, n: int) -> list[Vacancy]:
    gen = Generator(seed + 1)
    return [gen.vacancy(i) for i in range(n)]


def _fit(seed: int, total: int, out: Connection) -> None:
    started = time.perf_counter()
    fitted = fit_statistics(profiles(seed, total))
    out.send((fitted.to_bytes(), time.perf_counter() - started, peak_mb()))
    out.close()


def _partition(seed: int, total: int, partition: int, partitions: int, blob: bytes, conn: Connection) -> None:
    fitted = Fitted.from_bytes(blob)
    started = time.perf_counter()
    ProfileIndex.build([], fitted=fitted)  # the fixed part: lexicon, ESCO occupations, their sectors
    fixed_s, base_mb = time.perf_counter() - started, rss_mb()
    started = time.perf_counter()
    plist = list(profiles(seed, total, partition, partitions))
    generated = time.perf_counter() - started
    started = time.perf_counter()
    index = ProfileIndex.build(plist, fitted=fitted)
    del plist  # the index keeps the profiles it needs
    built = time.perf_counter() - started
    rank(index, vacancies(seed, 1)[0], rules=RULES, today=TODAY)  # warm caches
    conn.send(
        {
            "partition": partition,
            "size": len(index),
            "generate_s": generated,
            "fixed_s": fixed_s,
            "build_s": built,
            "base_mb": base_mb,
            "rss_mb": rss_mb(),
        }
    )
    while True:
        message: tuple[Any, ...] = conn.recv()
        if message[0] == "rank":
            _, vacancy, explain_top = message
            t = time.perf_counter()
            ranked = rank(index, vacancy, rules=RULES, today=TODAY, top_k=TOP_K, explain_top=explain_top)
            conn.send((ranked, time.perf_counter() - t))
        elif message[0] == "rank_many":
            _, batch, explain_top = message
            t = time.perf_counter()
            many = rank_many(index, batch, rules_for=RULES, today=TODAY, top_k=TOP_K, explain_top=explain_top)
            conn.send((many, time.perf_counter() - t))
        else:
            conn.send({"rss_mb": rss_mb(), "peak_mb": peak_mb()})
            return


def _p90(values: list[float]) -> float:
    return sorted(values)[int(0.9 * (len(values) - 1))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--volunteers", type=int, default=20_000)
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--vacancies", type=int, default=100, help="vacancies re-ranked together (default 100)")
    ap.add_argument("--single-runs", type=int, default=30)
    ap.add_argument("--explain-top", type=int, default=50, help="reasons for this many of each list (default 50)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    ctx = mp.get_context("fork")
    n, parts = args.volunteers, args.partitions
    print(f"bench_scale: {n:,} synthetic volunteers in {parts} partitions, one process each")

    receive, send = ctx.Pipe(duplex=False)
    fitter = ctx.Process(target=_fit, args=(args.seed, n, send))
    fitter.start()
    blob, fit_s, fit_peak = receive.recv()
    fitter.join()
    print(
        f"fit the shared statistics once on all {n:,}: {fit_s:.1f} s, {len(blob) / 2**20:.1f} MB stored, "
        f"fitting process peak {fit_peak:,.0f} MB"
    )

    conns: list[Connection] = []
    workers = []
    started = time.perf_counter()
    for k in range(parts):
        mine, theirs = ctx.Pipe()
        worker = ctx.Process(target=_partition, args=(args.seed, n, k, parts, blob, theirs))
        worker.start()
        conns.append(mine)
        workers.append(worker)
    ready = [conn.recv() for conn in conns]
    print(f"partitions ready in {time.perf_counter() - started:.1f} s (built side by side on {mp.cpu_count()} cores)")
    for info in ready:
        per_100k = (info["rss_mb"] - info["base_mb"]) * 100_000 / max(info["size"], 1)
        print(
            f"  partition {info['partition']}: {info['size']:,} volunteers, index built in {info['build_s']:.1f} s "
            f"(+ {info['fixed_s']:.1f} s loading lexicon and ESCO once; generating the profiles "
            f"{info['generate_s']:.1f} s), resident {info['rss_mb']:,.0f} MB: {info['base_mb']:,.0f} MB fixed "
            f"+ {per_100k:,.0f} MB per 100,000 volunteers"
        )

    queries = vacancies(args.seed, max(args.single_runs, args.vacancies))
    walls, slowest = [], []
    for vacancy in queries[: args.single_runs]:
        t = time.perf_counter()
        for conn in conns:
            conn.send(("rank", vacancy, args.explain_top))
        answers = [conn.recv() for conn in conns]
        merged = merge_ranked((ranked for ranked, _ in answers), TOP_K)
        walls.append(time.perf_counter() - t)
        slowest.append(max(seconds for _, seconds in answers))
        assert len(merged) <= TOP_K
    print(
        f"one vacancy x {n:,} over {parts} partitions, top {TOP_K}, reasons for the top {args.explain_top}: "
        f"median {statistics.median(walls) * 1e3:.1f} ms, p90 {_p90(walls) * 1e3:.1f} ms "
        f"(slowest partition alone: median {statistics.median(slowest) * 1e3:.1f} ms, "
        f"p90 {_p90(slowest) * 1e3:.1f} ms; target <= 100 ms at 1,000,000)"
    )

    batch = queries[: args.vacancies]
    t = time.perf_counter()
    for conn in conns:
        conn.send(("rank_many", batch, args.explain_top))
    answers = [conn.recv() for conn in conns]
    ranked = {v.id: merge_ranked((many[v.id] for many, _ in answers), TOP_K) for v in batch}
    wall = time.perf_counter() - t
    print(
        f"rematch {len(batch)} vacancies x {n:,} over {parts} partitions, top {TOP_K} each, reasons for the top "
        f"{args.explain_top}: {wall:.2f} s (slowest partition alone {max(s for _, s in answers):.2f} s); "
        f"{sum(len(c) for c in ranked.values()):,} candidates merged"
    )

    for conn in conns:
        conn.send(("stop",))
    for conn, info in zip(conns, ready, strict=True):
        final = conn.recv()
        print(
            f"  partition {info['partition']} process: resident {final['rss_mb']:,.0f} MB after ranking, "
            f"peak {final['peak_mb']:,.0f} MB"
        )
    for worker in workers:
        worker.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
