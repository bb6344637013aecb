"""Engine speed benchmarks on a seeded synthetic roster; prints its figures.

python bench/bench_engine.py [--volunteers 100000] [--vacancies 1000] [--seed 7] [--explain-top 50]

Ranking is timed twice: with reasons for all 200 candidates of a list (the engine's
default), and with reasons for the best --explain-top only, as the workers store
them (MATCHING_EXPLAIN_TOP; the rest are explained when read). The batch is timed
once more as the worker pool runs the nightly rematch: in batches of 64 vacancies
(matching.rank.REMATCH_BATCH) shared by --processes worker processes, each holding the
index (forked once it is built), and checked to give the lists of one process.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import Generator

from matching.engine import EngineConfig, ProfileIndex, ProgrammeRules, rank, rank_many, score_profile
from matching.engine.reference import prepare, query_dicts, score_pair
from matching.engine.scoring import build_query

TODAY = date(2026, 11, 30)
RULES = ProgrammeRules(residence_outside_duty_country=True)


REMATCH_BATCH = 64  # vacancies a nightly task ranks together (matching.rank.REMATCH_BATCH)
_SHARED: dict[str, Any] = {}  # what forked worker processes inherit: the index and the vacancies


def _rank_batch(job: tuple[int, int, int]) -> list[tuple[str, list[str]]]:
    """One nightly batch in a worker process: each vacancy's ranked ids."""
    start, stop, top = job
    ranked = rank_many(
        _SHARED["index"], _SHARED["vacancies"][start:stop], rules_for=RULES, today=TODAY, top_k=200, explain_top=top
    )
    return [(vid, [c.profile_id for c in cands]) for vid, cands in ranked.items()]


def rank_in_processes(
    index: ProfileIndex, vacancies: list[Any], processes: int, top: int
) -> tuple[float, dict[str, list[str]], float]:
    """(seconds, ids per vacancy, peak MB of a worker process) of the batches shared by
    `processes` forked processes, each holding the index as a worker process does."""
    _SHARED.update(index=index, vacancies=vacancies)
    jobs = [(i, min(i + REMATCH_BATCH, len(vacancies)), top) for i in range(0, len(vacancies), REMATCH_BATCH)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(time.sleep, [0.01] * processes)  # every process started before the clock
        t = time.perf_counter()
        results = pool.map(_rank_batch, jobs, chunksize=1)
        elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, {vid: ids for batch in results for vid, ids in batch}, peak


def rss_mb() -> float:
    """Current resident set size (Linux)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--volunteers", type=int, default=100_000)
    ap.add_argument("--vacancies", type=int, default=1_000)
    ap.add_argument("--single-runs", type=int, default=50)
    ap.add_argument("--reference-sample", type=int, default=2_000)
    ap.add_argument("--upserts", type=int, default=200)
    ap.add_argument("--open-vacancies", type=int, default=200, help="open vacancies a rescored profile meets")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--explain-top", type=int, default=50, help="reasons for this many, as stored (default 50)")
    ap.add_argument(
        "--processes", type=int, default=os.cpu_count() or 1, help="worker processes for the nightly batches (cores)"
    )
    ap.add_argument(
        "--no-sector-floor",
        action="store_true",
        help="without engine 2.3's sector floor (to measure what it costs; the shipped weights are fitted with it)",
    )
    args = ap.parse_args()

    gen = Generator(args.seed)
    t = time.perf_counter()
    profiles = [gen.profile(i) for i in range(args.volunteers)]
    vacancies = [gen.vacancy(i) for i in range(args.vacancies)]
    print(f"generated {len(profiles):,} volunteers, {len(vacancies):,} vacancies in {time.perf_counter() - t:.1f} s")

    rss_data = rss_mb()
    print(f"resident memory with the generated data alone: {rss_data:,.0f} MB")
    t = time.perf_counter()
    index = ProfileIndex.build(profiles, EngineConfig(use_sector_floor=not args.no_sector_floor))
    build_s = time.perf_counter() - t
    print(f"build index: {build_s:.1f} s  ({index.n_features:,} features, {index.base.nnz:,} non-zeros)")

    rank(index, vacancies[0], rules=RULES, today=TODAY)  # warm caches
    times = []
    for vac in vacancies[: args.single_runs]:
        t = time.perf_counter()
        rank(index, vac, rules=RULES, today=TODAY, top_k=200)
        times.append(time.perf_counter() - t)
    single = statistics.median(times)
    print(
        f"rank one vacancy x {len(profiles):,}, top 200 with reasons: median {single * 1e3:.1f} ms, "
        f"p90 {sorted(times)[int(0.9 * len(times))] * 1e3:.1f} ms"
    )
    top = args.explain_top
    lazy_times = []
    for vac in vacancies[: args.single_runs]:
        t = time.perf_counter()
        rank(index, vac, rules=RULES, today=TODAY, top_k=200, explain_top=top)
        lazy_times.append(time.perf_counter() - t)
    single_lazy = statistics.median(lazy_times)
    print(
        f"rank one vacancy x {len(profiles):,}, top 200, reasons for the top {top}: "
        f"median {single_lazy * 1e3:.1f} ms, p90 {sorted(lazy_times)[int(0.9 * len(lazy_times))] * 1e3:.1f} ms"
    )

    t = time.perf_counter()
    rank_many(index, vacancies, rules_for=RULES, today=TODAY, top_k=200)
    batch = time.perf_counter() - t
    print(f"rank_many {len(vacancies):,} x {len(profiles):,}, top 200 each with reasons: {batch:.2f} s")
    t = time.perf_counter()
    one_process = rank_many(index, vacancies, rules_for=RULES, today=TODAY, top_k=200, explain_top=top)
    batch_lazy = time.perf_counter() - t
    print(
        f"rank_many {len(vacancies):,} x {len(profiles):,}, top 200 each, reasons for the top {top}: {batch_lazy:.2f} s"
    )
    if args.processes > 1:
        pooled, ids, peak = rank_in_processes(index, vacancies, args.processes, top)
        same = ids == {vid: [c.profile_id for c in cands] for vid, cands in one_process.items()}
        print(
            f"  the same in batches of {REMATCH_BATCH} over {args.processes} worker processes (the nightly rematch): "
            f"{pooled:.2f} s; lists {'identical to' if same else 'DIFFERENT from'} one process'; "
            f"worker process peak {peak:,.0f} MB"
        )

    sample = profiles[: args.reference_sample]
    refs = [prepare(index, p) for p in sample]
    pairs, t = 0, time.perf_counter()
    for vac in vacancies[:3]:
        query = build_query(index, vac)
        comps = query_dicts(query)
        for ref in refs:
            score_pair(index, query, comps, ref, RULES, TODAY)
            pairs += 1
    per_pair = (time.perf_counter() - t) / pairs
    print(f"reference per-pair loop: {per_pair * 1e6:.1f} us/pair ({pairs:,} pairs)")
    print(
        f"  speed-up single: {per_pair * len(profiles) / single:,.0f}x  "
        f"(loop would take {per_pair * len(profiles):.1f} s)"
    )
    print(
        f"  speed-up batch:  {per_pair * len(profiles) * len(vacancies) / batch:,.0f}x  "
        f"(loop would take {per_pair * len(profiles) * len(vacancies) / 60:.0f} min)"
    )
    print(
        f"  with reasons for the top {top}: single {per_pair * len(profiles) / single_lazy:,.0f}x, "
        f"batch {per_pair * len(profiles) * len(vacancies) / batch_lazy:,.0f}x"
    )

    up = []
    for i in range(args.upserts):
        p = (
            gen.profile(args.volunteers + i)
            if i % 2
            else dataclasses.replace(profiles[i], headline=profiles[i].headline + " lead")
        )
        t = time.perf_counter()
        index.upsert(p)
        up.append(time.perf_counter() - t)
    print(f"upsert one profile: median {statistics.median(up) * 1e3:.2f} ms, max {max(up) * 1e3:.2f} ms")
    t = time.perf_counter()
    rank(index, vacancies[1], rules=RULES, today=TODAY)
    print(f"rank after {args.upserts} upserts: {(time.perf_counter() - t) * 1e3:.1f} ms")

    # A profile edited: rescored against every open vacancy (matching/rescore.py). The
    # first call compiles the vacancies' queries for this index; later edits reuse them.
    open_now = vacancies[: args.open_vacancies]
    t = time.perf_counter()
    score_profile(index, open_now, profiles[0].id, rules_for=RULES, today=TODAY)
    first = time.perf_counter() - t
    rescores = []
    for p in profiles[1 : 1 + args.single_runs]:
        t = time.perf_counter()
        score_profile(index, open_now, p.id, rules_for=RULES, today=TODAY)
        rescores.append(time.perf_counter() - t)
    print(
        f"one profile scored against {len(open_now):,} open vacancies (a rescore): median "
        f"{statistics.median(rescores) * 1e3:.1f} ms, p90 {sorted(rescores)[int(0.9 * len(rescores))] * 1e3:.1f} ms "
        f"(the first, compiling the queries: {first * 1e3:.0f} ms)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory (ru_maxrss, whole run incl. generated data): {peak:,.0f} MB; "
        f"engine share about {peak - rss_data:,.0f} MB; resident now {rss_mb():,.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
