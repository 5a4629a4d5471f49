"""The browser fixtures (browser, page, shot) live in tests/conftest.py, shared with tests/hostile."""

from __future__ import annotations

from tests.conftest import CHROMIUM, SCREENSHOTS

__all__ = ["CHROMIUM", "SCREENSHOTS"]
