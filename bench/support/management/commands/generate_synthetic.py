"""Fill the database with a synthetic knowledge base for benchmarks (see bench/support/synthetic.py)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from bench.support.synthetic import TEXT_MODES, synthetic_generate


class Command(BaseCommand):
    help = (
        "Add synthetic sources, articles and claims (chains of 1-3 sources, figures, dates, "
        "links) for benchmarks: --claims 1000000 --articles 100000 --sources 10000."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--claims", type=int, default=10_000)
        parser.add_argument("--articles", type=int, default=1_000)
        parser.add_argument("--sources", type=int, default=500)
        parser.add_argument(
            "--link-ratio", type=float, default=0.02, help="Claim links per claim (default 0.02)."
        )
        parser.add_argument("--seed", type=float, default=0.42, help="PostgreSQL setseed, -1..1.")
        parser.add_argument(
            "--text",
            choices=TEXT_MODES,
            default="templates",
            help="templates: six wire-style sentences (default); news: news-like vocabulary, "
            "with follow-up articles restating earlier claims (bench/support/news.py).",
        )
        parser.add_argument(
            "--follow-ups",
            type=float,
            default=0.05,
            help="News text: the share of articles that restate claims of a recent one.",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        bars: dict[str, tqdm] = {}  # type: ignore[type-arg]

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(
                    total=total,
                    desc=stage,
                    unit="row" if stage != "analyze" else "",
                    disable=bool(options["no_progress"]),
                    file=self.stderr._out,
                )
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        started = time.monotonic()
        try:
            report = synthetic_generate(
                claims=options["claims"],
                articles=options["articles"],
                sources=options["sources"],
                link_ratio=options["link_ratio"],
                seed=options["seed"],
                text=options["text"],
                follow_ups=options["follow_ups"],
                progress=progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{report.sources} sources, {report.articles} articles, {report.claims} claims, "
            f"{report.attributions} attributions, {report.figures} figures, {report.dates} dates, "
            f"{report.links} links, {report.planted_pairs} planted pairs "
            f"in {time.monotonic() - started:.0f}s"
        )
