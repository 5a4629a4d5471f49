"""What a Celery worker process does once, when it starts."""

from __future__ import annotations

import gc

from articles.tasks import _load_model


def test_a_worker_process_freezes_what_it_loaded_out_of_the_garbage_collectors_reach() -> None:
    # The model and Django live as long as the process; every full collection walked them again.
    gc.unfreeze()
    try:
        _load_model()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
