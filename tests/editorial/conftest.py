from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from core.access import Role


def make_user(role: Role, name: str | None = None) -> User:
    name = name or f"{role.name.lower()}-user"
    existing = User.objects.filter(username=name).first()
    if existing is not None:
        return existing
    if role == Role.ADMIN:
        return User.objects.create_superuser(name, f"{name}@example.org", "pw-not-used-123")
    user = User.objects.create_user(name, f"{name}@example.org", "pw-not-used-123")
    if role == Role.EDITOR:
        user.groups.add(Group.objects.get_or_create(name="editor")[0])
    elif role == Role.ANALYST:
        user.groups.add(Group.objects.get_or_create(name="analyst")[0])
    return user


def client_for(role: Role) -> APIClient:
    client = APIClient()
    if role != Role.ANONYMOUS:
        client.force_authenticate(make_user(role))
    return client


@pytest.fixture
def editor() -> User:
    return make_user(Role.EDITOR, "edna")


@pytest.fixture
def editor_api(editor: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(editor)
    return client
