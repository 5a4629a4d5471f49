"""Writes for sources and articles. Keyword-only, typed; named <entity>_<action>."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection
from django.db.models.functions import Lower

from extraction.registry import load_registry
from extraction.types import SourceKind
from sources.models import Reliability, Source, SourceAlias

logger = logging.getLogger(__name__)

# Admiralty reliability a source gets before an editor rates it, by kind. Unnamed and
# second-hand sources "cannot be judged" (F) until someone knows who they are. The grades are
# Reliability's stored letters: without Django's type stubs mypy reads `Reliability.B` as the
# ("B", label) tuple that declares it, not as the str it is.
DEFAULT_RELIABILITY: dict[str, str] = {
    SourceKind.NEWS_AGENCY: "B",
    SourceKind.OUTLET: "C",
    SourceKind.STATE_MEDIA: "D",
    SourceKind.GOVERNMENT: "C",
    SourceKind.INTELLIGENCE: "C",
    SourceKind.MILITARY: "C",
    SourceKind.OFFICIAL: "C",
    SourceKind.PERSON: "F",
    SourceKind.INTERNATIONAL_ORG: "B",
    SourceKind.NGO: "C",
    SourceKind.EXPERT: "C",
    SourceKind.ARMED_GROUP: "E",
    SourceKind.UNNAMED: "F",
    SourceKind.MEDIA_REPORTS: "F",
    SourceKind.UNCONFIRMED_REPORTS: "F",
    SourceKind.OTHER: "F",
}


@dataclass(frozen=True)
class SourceSpec:
    name: str
    kind: str = SourceKind.OTHER.value
    country: str = ""


@dataclass(frozen=True)
class RegistryRow:
    name: str
    kind: str
    country: str
    aliases: tuple[str, ...]
    reliability: str
    reason: str
    parent: str | None


@lru_cache(maxsize=1)
def _registry() -> dict[str, RegistryRow]:
    """The shipped source registry, keyed by lower-cased name and alias."""
    index: dict[str, RegistryRow] = {}
    for entry in load_registry():
        row = RegistryRow(
            name=entry.name,
            kind=str(entry.kind),
            country=entry.country or "",
            aliases=tuple(entry.aliases),
            reliability=entry.reliability,
            reason=entry.reason,
            parent=entry.parent,
        )
        for key in (entry.name, *entry.aliases):
            index.setdefault(key.casefold(), row)
    return index


def _registry_row(name: str) -> RegistryRow | None:
    return _registry().get(name.casefold())


def sources_resolve(*, specs: Iterable[SourceSpec]) -> dict[str, Source]:
    """Find or create the sources for these specs; returns {spec name casefolded: Source}.

    Lookup is by name or alias, case-insensitively; a name the registry knows is created with
    the registry's kind, country, reliability and aliases. Runs in bulk: a constant number of
    queries whatever the number of specs, because the worker resolves every source of an
    article at once.
    """
    wanted = {spec.name.casefold(): spec for spec in specs if spec.name.strip()}
    if not wanted:
        return {}
    found = sources_by_key(wanted.keys())
    missing = [key for key in wanted if key not in found]
    if missing:
        # Registry entries are created under their canonical name with their aliases.
        rows = {key: _registry_row(key) for key in missing}
        new_sources: list[Source] = []
        for key in missing:
            row = rows[key]
            if row is not None:
                new_sources.append(
                    Source(
                        name=row.name,
                        kind=row.kind,
                        country=row.country,
                        reliability=row.reliability,
                        reliability_reason=row.reason,
                        in_registry=True,
                    )
                )
            else:
                spec = wanted[key]
                new_sources.append(
                    Source(
                        name=spec.name.strip()[:300],
                        kind=spec.kind,
                        country=spec.country[:8],
                        reliability=DEFAULT_RELIABILITY.get(spec.kind, Reliability.F),
                        reliability_reason=f"Default for a source of kind '{spec.kind}'; not yet rated.",
                    )
                )
        # Another worker may create the same source at the same moment; the case-insensitive
        # unique constraint makes that a no-op here and the re-read below finds its row. Rows go
        # in name order whoever inserts them: two workers inserting A, B and B, A would each wait
        # on the row the other inserted first, a deadlock PostgreSQL breaks by failing one.
        written = dict(zip(missing, new_sources, strict=True))
        new_sources.sort(key=lambda source: source.name.casefold())
        Source.objects.bulk_create(new_sources, ignore_conflicts=True)
        registry_rows = [row for row in rows.values() if row is not None]
        if registry_rows:
            _registry_aliases_create(registry_rows)
        found.update(sources_by_key(missing))
        # The lookups compare casefold() keys with the database's lower(), which differ for a
        # few letters (µ, ß, ﬁ, final sigma...): such a name is found as its row was written,
        # by the lower() its case-insensitive unique index compares.
        unfound = {written[key].name.lower(): key for key in missing if key not in found}
        if unfound:
            for source in Source.objects.annotate(key=Lower("name")).filter(key__in=list(unfound)):
                if (unfound_key := unfound.get(source.name.lower())) is not None:
                    found.setdefault(unfound_key, source)
    return found


def sources_by_key(keys: Iterable[str]) -> dict[str, Source]:
    keys = list(keys)
    result: dict[str, Source] = {}
    # Names and aliases in one statement, names first (a name wins over another source's alias),
    # each side answered by its case-insensitive unique index. The ORM's two querysets cost
    # every submission ~0.5 ms of CPU in query compilation and a second round trip whenever a
    # name was missing (bench/README.md, ingestion).
    fields = Source._meta.concrete_fields
    columns = ", ".join(f"s.{connection.ops.quote_name(f.column)}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.key, {columns} FROM ("  # noqa: S608  (our column names; keys are parameters)
            "  SELECT lower(name) AS key, id, 0 AS rank FROM sources_source WHERE lower(name) = ANY(%s)"
            "  UNION ALL"
            "  SELECT lower(alias), source_id, 1 FROM sources_sourcealias WHERE lower(alias) = ANY(%s)"
            ") AS m JOIN sources_source AS s ON s.id = m.id ORDER BY m.rank",
            [keys, keys],
        )
        rows = cursor.fetchall()
    attnames = [f.attname for f in fields]
    for key, *values in rows:
        if key not in result:
            result[key] = Source.from_db(connection.alias, attnames, values)
    # Names that resolved through the registry to a canonical row already in the database.
    rest = [k for k in keys if k not in result]
    canonical = {k: row.name.casefold() for k in rest if (row := _registry_row(k)) is not None}
    if canonical:
        for source in Source.objects.annotate(key=Lower("name")).filter(
            key__in=set(canonical.values())
        ):
            for key, name in canonical.items():
                if name == source.name.casefold():
                    result[key] = source
    return result


def _registry_aliases_create(rows: list[RegistryRow]) -> None:
    by_name = {
        s.name.casefold(): s
        for s in Source.objects.annotate(key=Lower("name")).filter(
            key__in=[row.name.casefold() for row in rows]
        )
    }
    aliases = sorted(
        (
            SourceAlias(source=by_name[row.name.casefold()], alias=alias)
            for row in rows
            if row.name.casefold() in by_name
            for alias in row.aliases
            if alias.casefold() != row.name.casefold()
        ),
        key=lambda alias: alias.alias.casefold(),
    )  # in one order, as the sources above
    SourceAlias.objects.bulk_create(aliases, ignore_conflicts=True)


def sources_sync_registry() -> int:
    """Load every registry entry (sources, aliases, parents). Editor ratings are kept."""
    rows = {row.name: row for row in _registry().values()}
    created = sources_resolve(specs=[SourceSpec(name=name) for name in rows])
    by_name = {s.name: s for s in created.values()}
    parents = []
    for row in rows.values():
        source, parent = by_name.get(row.name), by_name.get(row.parent or "")
        if source is not None and parent is not None and source.parent_id != parent.pk:
            source.parent = parent
            parents.append(source)
    Source.objects.bulk_update(parents, ["parent"])
    return len(rows)


# ------------------------------------------------------------------------------ articles
