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
        "Print the claims of text files (or of the .txt files in folders) as JSON Lines "
        "(Contract 1), without touching the database."
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
        paths = _text_files(options["paths"])
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


def _text_files(paths: list[Path]) -> list[Path]:
    """The files as given; a folder stands for its .txt files, at any depth, sorted (as `ingest`
    takes folders). A folder with none is an error rather than an empty answer."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".txt")
            if not found:
                raise CommandError(f"{path} is a folder with no .txt file in it.")
            files.extend(found)
        else:
            files.append(path)  # a missing file is reported when it is read
    return files
