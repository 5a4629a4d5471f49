from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def spacy_model_installed(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Fail at start-up, naming the fix, when the configured spaCy model is not installed."""
    import spacy.util  # here, not at the top: every manage.py command loads this module, few need spaCy

    if spacy.util.is_package(settings.SPACY_MODEL):
        return []
    return [
        Error(
            f"The spaCy model {settings.SPACY_MODEL!r} (setting SPACY_MODEL) is not installed.",
            hint="Install the pinned dependencies: .venv/bin/pip install --require-hashes -r requirements.lock "
            "(or run `make install`).",
            id="provenance.E001",
        )
    ]
