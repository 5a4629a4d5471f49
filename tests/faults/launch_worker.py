"""Start a Celery worker with configuration overrides from FAULTS_CELERY_CONF (JSON).

Only the fault tests use this: to give a private Redis a visibility timeout of a second (the
production value is derived from the task's time limit in provenance/settings.py), or to park
tasks a test is not about on a queue no worker consumes.
"""

from __future__ import annotations

import json
import os
import sys

from provenance.celery import app

if __name__ == "__main__":
    app.conf.update(json.loads(os.environ["FAULTS_CELERY_CONF"]))
    app.worker_main(["worker", *sys.argv[1:]])
