from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.postgresql import base

from provenance.embedded import ensure_server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        host, port = ensure_server(Path(self.settings_dict["OPTIONS_PGDATA"]))
        self.settings_dict["HOST"] = host
        self.settings_dict["PORT"] = str(port)
        params = super().get_connection_params()
        params["host"] = host
        params["port"] = port
        return params
