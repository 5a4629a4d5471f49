from __future__ import annotations

import pytest

from extraction.registry import Registry, load_registry, normalize
from extraction.types import SourceKind


def test_the_registry_ships_at_least_150_sources_with_unique_names() -> None:
    entries = load_registry()
    names = [e.name for e in entries]
    assert len(entries) >= 150
    assert len(names) == len(set(names))


def test_every_entry_has_a_grade_a_reason_and_a_known_parent() -> None:
    entries = load_registry()
    names = {e.name for e in entries}
    for entry in entries:
        assert entry.reliability in "ABCDEF"
        assert entry.reason
        assert entry.parent is None or entry.parent in names
        assert entry.country is None or len(entry.country) == 2


@pytest.mark.parametrize(
    ("mention", "name", "kind"),
    [
        ("Yonhap", "Yonhap News Agency", SourceKind.NEWS_AGENCY),
        ("the Associated Press", "Associated Press", SourceKind.NEWS_AGENCY),
        ("RIA Novosti", "RIA Novosti", SourceKind.STATE_MEDIA),
        ("KCNA", "Korean Central News Agency", SourceKind.STATE_MEDIA),
        ("NIS", "National Intelligence Service", SourceKind.INTELLIGENCE),
        ("the Pentagon", "Pentagon", SourceKind.MILITARY),
        ("al-Shabaab", "al-Shabab", SourceKind.ARMED_GROUP),
        ("IAEA", "International Atomic Energy Agency", SourceKind.INTERNATIONAL_ORG),
        ("Human Rights Watch", "Human Rights Watch", SourceKind.NGO),
    ],
)
def test_aliases_resolve_to_the_canonical_entry(mention: str, name: str, kind: SourceKind) -> None:
    entry = Registry(load_registry()).lookup(mention)
    assert entry is not None
    assert (entry.name, entry.kind) == (name, kind)


def test_state_media_names_its_parent_holding() -> None:
    entry = Registry(load_registry()).lookup("RIA Novosti")
    assert entry is not None
    assert entry.parent == "Rossiya Segodnya"


def test_an_alias_is_found_inside_a_longer_mention() -> None:
    found = Registry(load_registry()).find_in(normalize("South Korea's Yonhap news agency"))
    assert found is not None
    assert found[0].name == "Yonhap News Agency"


def test_normalize_drops_articles_and_possessives() -> None:
    assert normalize("The Kremlin's press office") == ("kremlin", "press", "office")
