from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from extraction.types import SourceKind


class Reliability(models.TextChoices):
    """Admiralty source reliability."""

    A = "A", "A: completely reliable"
    B = "B", "B: usually reliable"
    C = "C", "C: fairly reliable"
    D = "D", "D: not usually reliable"
    E = "E", "E: unreliable"
    F = "F", "F: reliability cannot be judged"


SOURCE_KIND_CHOICES = [(k.value, k.value.replace("_", " ")) for k in SourceKind]


class SourceQuerySet(models.QuerySet["Source"]):
    def with_parent(self) -> SourceQuerySet:
        return self.select_related("parent")


class Source(models.Model):
    """Any agent that can say something: an outlet, an agency, a ministry, "officials"."""

    name = models.CharField(max_length=300)
    kind = models.CharField(
        max_length=32, choices=SOURCE_KIND_CHOICES, default=SourceKind.OTHER.value
    )
    country = models.CharField(max_length=8, blank=True, default="")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    reliability_reason = models.TextField(blank=True, default="")
    in_registry = models.BooleanField(default=False, help_text="Shipped in the source registry.")
    version = models.PositiveIntegerField(default=1, help_text="Optimistic concurrency counter.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("name"), name="source_name_ci_unique"),
        ]
        indexes = [
            models.Index(fields=["reliability", "id"]),
            models.Index(fields=["kind", "id"]),
            # The sources list's order: a page walks it instead of sorting every source.
            models.Index(fields=["name", "id"], name="source_name_order"),
        ]

    def __str__(self) -> str:
        return self.name


class SourceAlias(models.Model):
    """Another name for a source: "NIS" = "National Intelligence Service"."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("alias"), name="source_alias_ci_unique"),
        ]
        verbose_name_plural = "source aliases"

    def __str__(self) -> str:
        return self.alias


class ArticleStatus(models.TextChoices):
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class ArticleQuerySet(models.QuerySet["Article"]):
    def for_list(self) -> ArticleQuerySet:
        return self.select_related("outlet").defer("body")


class Article(models.Model):
    outlet = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    url = models.URLField(max_length=2000, blank=True, default="")
    title = models.CharField(max_length=500, blank=True, default="")
    body = models.TextField()
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    content_hash = models.CharField(
        max_length=64,
        unique=True,
        help_text="sha256 of the normalised body; duplicates are refused.",
    )
    status = models.CharField(
        max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    lease_owner = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text="Who holds the processing lease (a task id).",
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    extractor_version = models.CharField(max_length=32, blank=True, default="")
    submitted_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "lease_expires_at"], name="article_status_lease"),
            models.Index(fields=["-submitted_at", "-id"], name="article_submitted"),
            models.Index(fields=["published_at", "id"], name="article_published"),
        ]

    def __str__(self) -> str:
        return self.title or f"Article {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status in (ArticleStatus.QUEUED, ArticleStatus.PROCESSING)


class IdempotencyKey(models.Model):
    """An `Idempotency-Key` a client sent with an article submission, and what it produced.

    A retried request (same scope and key, same payload, within IDEMPOTENCY_KEY_TTL) gets the
    first answer back instead of a second submission. The scope is the authenticated user, or
    "anonymous", so two clients cannot read each other's results by guessing keys.
    """

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text="sha256 of the submitted payload.")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    status_code = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique"),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
