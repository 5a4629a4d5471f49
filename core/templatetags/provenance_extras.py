from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`{{ row|get_item:key }}`: a dict lookup by a variable key (audit before/after)."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return None
