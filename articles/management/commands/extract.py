from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from extraction import ModelNotInstalledError, load_extractor, result_to_contract


class Command(BaseCommand):
    help = (
        "Print the claims of text files as JSON Lines (Contract 1), without touching the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--published",
            type=dt.date.fromisoformat,
            default=None,
            help="Publication date (YYYY-MM-DD) to resolve relative dates against.",
        )
        parser.add_argument(
            "--outlet", default=None, help="The publisher (never listed as a source)."
        )

    def handle(self, *args: object, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        texts = []
        for path in paths:
            try:
                texts.append(path.read_text(encoding="utf-8-sig"))
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {path}: {exc}") from None
        try:
            extractor = load_extractor(settings.SPACY_MODEL)
        except ModelNotInstalledError as exc:
            raise CommandError(str(exc)) from None
        items = [(text, options["published"], options["outlet"]) for text in texts]
        for path, result in zip(paths, extractor.extract_many(items), strict=True):
            self.stdout.write(
                json.dumps(result_to_contract(result, path=str(path)), ensure_ascii=False)
            )
