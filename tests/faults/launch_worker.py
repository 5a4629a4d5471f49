"""Start a Celery worker with broker transport options from FAULTS_TRANSPORT_OPTIONS (JSON).

Only the fault tests use this, to give a private Redis a visibility timeout of a second: the
production setting is derived from the task's time limit in provenance/settings.py.
"""

from __future__ import annotations

import json
import os
import sys

from provenance.celery import app

if __name__ == "__main__":
    app.conf.broker_transport_options = json.loads(os.environ["FAULTS_TRANSPORT_OPTIONS"])
    app.worker_main(["worker", *sys.argv[1:]])
