"""The API's JSON renderer (orjson) writes what DRF's JSONRenderer wrote."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from core.access import Role
from core.api_tools import FastJSONRenderer
from tests.editorial.conftest import client_for


def test_it_writes_the_same_json_as_drfs_renderer_for_what_views_return() -> None:
    data = {
        "when": dt.datetime(2024, 11, 8, 12, 30, 15, 250, tzinfo=dt.UTC),
        "day": dt.date(2024, 11, 8),
        "lazy": gettext_lazy("Not found."),
        "amount": Decimal("1.5"),
        "text": "Zaporizhzhia — 5,000",
        "errors": {0: {"cue": ["Ensure this field has no more than 200 characters."]}},
        "none": None,
    }
    fast = json.loads(FastJSONRenderer().render(data))
    drf = json.loads(JSONRenderer().render(data))
    assert fast == drf
    assert fast["when"] == "2024-11-08T12:30:15.000250Z"


@pytest.mark.django_db
def test_a_validation_error_on_a_list_item_is_a_400_not_a_server_error() -> None:
    # DRF keys a list item's errors by its index; orjson refused int keys (a 500 found by schemathesis).
    response = client_for(Role.EDITOR).put(
        "/api/v1/claims/0/chain",
        {"links": [{"cue": "x" * 201}], "reason": "fix"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["fields"]["links"]["0"]["cue"]
