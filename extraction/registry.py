"""The source registry shipped with the product (`data/sources.json`).

Each entry is a source that geopolitical news cites often, with its kind, country, aliases and
a default Admiralty reliability grade. The extractor resolves mentions against it
("Yonhap" -> "Yonhap News Agency"); the platform seeds its `Source` table from it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal, cast

from .types import SourceKind

Reliability = Literal["A", "B", "C", "D", "E", "F"]
_GRADES = frozenset("ABCDEF")


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    name: str
    kind: SourceKind
    country: str | None
    aliases: tuple[str, ...]
    reliability: Reliability
    reason: str
    parent: str | None = None


class RegistryError(ValueError):
    """The shipped registry file is malformed; the message names the entry to fix."""


_TOKEN = re.compile(r"[a-z0-9]+")
_FOLD = str.maketrans({"’": "'", "‘": "'", "–": "-", "—": "-"})


def normalize(text: str) -> tuple[str, ...]:
    """Lower-case word tokens without a leading article or a possessive 's."""
    text = text.translate(_FOLD).lower()
    text = re.sub(r"'s\b", "", text)
    toks = _TOKEN.findall(text.replace("-", " "))
    while toks and toks[0] in ("the", "a", "an"):
        toks = toks[1:]
    return tuple(toks)


def _entry(raw: dict[str, object], where: str) -> RegistryEntry:
    try:
        name = str(raw["name"])
        kind = SourceKind(str(raw["kind"]))
        reliability = str(raw["reliability"])
        reason = str(raw["reason"])
    except (KeyError, ValueError) as exc:
        raise RegistryError(f"{where}: bad or missing field ({exc}); see sources.json") from exc
    if reliability not in _GRADES:
        raise RegistryError(
            f"{where} ({name}): reliability must be one of A-F, not {reliability!r}"
        )
    country = raw.get("country")
    parent = raw.get("parent")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list):
        raise RegistryError(f"{where} ({name}): aliases must be a list of strings")
    return RegistryEntry(
        name=name,
        kind=kind,
        country=str(country) if country else None,
        aliases=tuple(str(a) for a in aliases),
        reliability=cast(Reliability, reliability),
        reason=reason,
        parent=str(parent) if parent else None,
    )


@lru_cache(maxsize=1)
def load_registry() -> tuple[RegistryEntry, ...]:
    """All registry entries, in file order. Parsed once per process."""
    raw = json.loads(resources.files("extraction").joinpath("data/sources.json").read_text("utf-8"))
    if not isinstance(raw, list):
        raise RegistryError("sources.json must hold a JSON list of entries")
    entries = tuple(_entry(item, f"entry {i}") for i, item in enumerate(raw))
    names = {e.name for e in entries}
    for e in entries:
        if e.parent is not None and e.parent not in names:
            raise RegistryError(f"{e.name}: parent {e.parent!r} is not an entry name")
    return entries


class Registry:
    """Lookup of registry entries by any alias (normalised token tuples)."""

    def __init__(self, entries: tuple[RegistryEntry, ...]) -> None:
        self.entries = entries
        self._by_alias: dict[tuple[str, ...], RegistryEntry] = {}
        for entry in entries:
            for alias in (entry.name, *entry.aliases):
                key = normalize(alias)
                # Short aliases are case-sensitive acronyms in text ("IS", "AP"); they are
                # matched by `lookup_acronym`, never inside running words.
                if key:
                    self._by_alias.setdefault(key, entry)
        self.max_len = max((len(k) for k in self._by_alias), default=0)

    def lookup(self, text: str) -> RegistryEntry | None:
        return self._by_alias.get(normalize(text))

    def find_in(self, toks: tuple[str, ...]) -> tuple[RegistryEntry, int, int] | None:
        """The longest alias occurring inside a token tuple, with its token range."""
        best: tuple[RegistryEntry, int, int] | None = None
        for n in range(min(self.max_len, len(toks)), 0, -1):
            for i in range(len(toks) - n + 1):
                entry = self._by_alias.get(toks[i : i + n])
                if entry is not None:
                    return entry, i, i + n
        return best


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return Registry(load_registry())
