#!/usr/bin/env python
from __future__ import annotations

import os
import signal
import sys
from types import FrameType

_stopping = False


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (a supervisor, `docker stop`, `kill`) and SIGHUP (a closed terminal) end a command
    as a normal exit does, so its atexit hooks run: the last process using the embedded
    PostgreSQL stops it (provenance/embedded). Python's default for both ends the process on
    the spot. A second signal while exiting (make forwards SIGTERM to its child, which had it
    from the process group already) is ignored so it cannot cut the exit short; SIGKILL still
    ends a stuck process."""
    global _stopping
    if _stopping:
        return
    _stopping = True
    raise SystemExit(128 + signum)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "provenance.settings")
    # manage.py is how a checkout is used locally (`make run`, the README's commands), so it
    # gives development defaults: DEBUG on unless set, and with it an insecure development
    # SECRET_KEY. Production sets DEBUG=0 (docker-compose.yml, the image) and serves through
    # gunicorn and Celery, which start with DEBUG off: there SECRET_KEY is still required.
    os.environ.setdefault("DEBUG", "1")
    for signum in (signal.SIGTERM, signal.SIGHUP):
        # A disposition set by whoever started us (nohup ignores SIGHUP) is kept.
        if signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _exit_on_signal)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
