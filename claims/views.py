from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from claims.selectors import claim_list_latest


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "claims/home.html", {"claims": claim_list_latest(limit=50)})
