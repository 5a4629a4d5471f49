from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from articles.services import article_submit_file
from core import queue
from core.errors import ApplicationError

_SUFFIXES = {".txt", ".text", ".html", ".htm", ".md"}


class Command(BaseCommand):
    help = "Submit article files (.txt, .html) or folders of them for extraction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--outlet", default="", help="The publisher of these articles.")
        parser.add_argument(
            "--published",
            type=dt.date.fromisoformat,
            default=None,
            help="Publication date (YYYY-MM-DD) for all files.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args: object, **options: Any) -> None:
        files: list[Path] = []
        paths: list[Path] = options["paths"]
        for path in paths:
            if path.is_dir():
                files.extend(
                    sorted(
                        p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _SUFFIXES
                    )
                )
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path} does not exist.")
        created = duplicate = 0
        failed: list[str] = []
        bar = tqdm(files, unit="file", disable=bool(options["no_progress"]), file=self.stderr._out)
        for path in bar:
            bar.set_postfix_str(path.name[:30])
            try:
                result = article_submit_file(
                    data=path.read_bytes(),
                    filename=path.name,
                    title=path.stem.replace("_", " "),
                    outlet=str(options["outlet"]),
                    published_at=options["published"],
                )
            except (ApplicationError, OSError) as exc:
                failed.append(str(path))
                tqdm.write(f"failed: {path}: {getattr(exc, 'message', exc)}", file=self.stderr._out)
                continue
            if result.created:
                created += 1
            else:
                duplicate += 1
        if queue.in_process() and created:
            # No broker: extraction and matching run in this process's worker thread. Wait for
            # them, or the process would end with the articles half done.
            self._wait_for_work(created, quiet=bool(options["no_progress"]))
        self.stdout.write(
            f"{created} created, {duplicate} duplicate, {len(failed)} failed ({len(files)} files)"
        )
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(files)} files could not be ingested: " + ", ".join(failed)
            )

    def _wait_for_work(self, count: int, *, quiet: bool) -> None:
        with tqdm(
            total=None, desc=f"extracting and matching {count} articles", unit="s",
            disable=quiet, file=self.stderr._out, bar_format="{desc}: {elapsed}",
        ) as bar:  # fmt: skip
            while not queue.drain(timeout=1):
                bar.update(1)
