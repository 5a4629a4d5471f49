from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Upper

from extraction.types import ClaimKind
from sources.models import Article, Reliability, Source

CLAIM_KIND_CHOICES = [(k.value, k.value) for k in ClaimKind]

# Claims of an undated article sort as if published at the beginning of time, so the list's
# keyset cursor never meets a NULL (a NULL breaks `<` comparisons on the cursor).
NO_DATE = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified"
    CORROBORATED = "corroborated"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    FALSE = "false"
    RETRACTED = "retracted"


class Credibility(models.IntegerChoices):
    """Admiralty information credibility."""

    CONFIRMED = 1, "1: confirmed by other sources"
    PROBABLY_TRUE = 2, "2: probably true"
    POSSIBLY_TRUE = 3, "3: possibly true"
    DOUBTFUL = 4, "4: doubtful"
    IMPROBABLE = 5, "5: improbable"
    CANNOT_BE_JUDGED = 6, "6: truth cannot be judged"


class ClaimQuerySet(models.QuerySet["Claim"]):
    def for_list(self) -> ClaimQuerySet:
        """Everything a list row shows, in a fixed number of queries whatever the page size."""
        return self.select_related("article", "article__outlet").prefetch_related(
            models.Prefetch(
                "attributions",
                queryset=Attribution.objects.select_related("source").order_by("position"),
            ),
            "figures",
            "dates",
        )


class Claim(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    text = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    sentence_index = models.PositiveIntegerField()
    sentence_start = models.PositiveIntegerField()
    sentence_end = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=CLAIM_KIND_CHOICES)
    cue = models.CharField(max_length=200, blank=True, default="")
    hedged = models.BooleanField(default=False)
    hedge_cues = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.CANNOT_BE_JUDGED
    )
    credibility_override = models.PositiveSmallIntegerField(
        choices=Credibility.choices, null=True, blank=True
    )
    verification_status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.UNVERIFIED
    )
    extractor_version = models.CharField(max_length=32)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic concurrency counter.")
    edited = models.BooleanField(
        default=False,
        help_text="An editor changed this claim or its figures; re-extraction keeps it as it is.",
    )
    credibility_reason = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Why the computed credibility is what it is (the rule's reason).",
    )
    independent_origins = models.PositiveSmallIntegerField(
        default=1,
        help_text="Distinct first sources behind this claim and its same/corroborating matches "
        "(denormalized; recomputed when links or chains change).",
    )
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text="The article's publication day, copied here so matching finds claims by words and "
        "date window in one index scan.",
    )
    # The list's sort keys, stored so that every ordering of the claims list is a walk down one
    # index (derived values: `claims.links.claims_refresh_sort_keys` keeps them, the audit
    # trigger ignores them).
    published_sort = models.DateTimeField(
        default=NO_DATE,
        help_text="The article's publication time (NO_DATE when undated): the list's default order.",
    )
    weakest_reliability = models.CharField(
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text="The chain's weakest reliability, the outlet included (F without an outlet).",
    )
    corroboration = models.PositiveIntegerField(
        default=0,
        help_text="Same/corroborates links to other claims that an editor has not rejected.",
    )
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="claim_span_not_empty"
            ),
        ]
        indexes = [
            models.Index(fields=["article", "start"], name="claim_article_start"),
            # One index per list ordering (claims.selectors.CLAIM_ORDERING_FIELDS): a page is
            # the first rows of an index walk, whatever the table's size. A btree walks both
            # ways, so newest and oldest share the first.
            models.Index(fields=["-published_sort", "-id"], name="claim_newest"),
            models.Index(
                fields=["weakest_reliability", "-published_sort", "-id"], name="claim_most_reliable"
            ),
            models.Index(
                fields=["-weakest_reliability", "-published_sort", "-id"],
                name="claim_least_reliable",
            ),
            models.Index(
                fields=["-corroboration", "-published_sort", "-id"], name="claim_most_corroborated"
            ),
            models.Index(
                fields=["corroboration", "-published_sort", "-id"], name="claim_least_corroborated"
            ),
            models.Index(
                fields=["-independent_origins", "-published_sort", "-id"], name="claim_most_origins"
            ),
            models.Index(
                fields=["independent_origins", "-published_sort", "-id"],
                name="claim_fewest_origins",
            ),
            # Matching: claims sharing rare words AND published within the window, intersected
            # inside one GIN scan (btree_gin gives the date column a GIN operator class), so the
            # rows read do not grow with the years of claims outside the window. Full-text search
            # uses it too: a multicolumn GIN index answers a condition on any of its columns.
            # On the stored vector: an index on the expression computed to_tsvector a second
            # time for every claim written, and a second GIN index held the same words again.
            GinIndex(fields=["published_on", "search_vector"], name="claim_day_text_search"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def effective_credibility(self) -> int:
        return self.credibility_override or self.credibility


class Attribution(models.Model):
    """One link of a claim's chain. Position 0 is the origin; each later one relays the one before.

    The publishing outlet is the implicit last relay of every claim and is not stored here.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attributions")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="attributions")
    position = models.PositiveSmallIntegerField()
    mention = models.CharField(max_length=300)
    cue = models.CharField(max_length=200, blank=True, default="")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    inherited = models.BooleanField(default=False)

    class Meta:
        ordering = ["claim", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "position"], name="attribution_position_unique"
            ),
        ]
        indexes = [models.Index(fields=["source", "position"], name="attribution_source_pos")]

    def __str__(self) -> str:
        return f"{self.mention} ({self.position})"


class ClaimSource(models.Model):
    """Each source a claim names in its chain or was published by, once per claim: the index of
    a source's claims, newest first (`source=` in the claims list, a source's claims page).

    Derived from the chain and the article (kept by `claims.links.claims_refresh_sort_keys`
    and written with the claims at extraction), with the claim's publication time copied so
    that "this source's claims, newest first" is one walk down one index whatever its size.
    """

    # No single-column indexes: the unique (claim, source) and (source, time, claim) lead with them.
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="source_entries", db_index=False
    )
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+", db_index=False)
    published_sort = models.DateTimeField()
    origin = models.BooleanField(help_text="The source is the chain's origin (position 0).")
    relay = models.BooleanField(help_text="The source relays it: a later link, or the outlet.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["claim", "source"], name="claim_source_unique")
        ]
        indexes = [
            models.Index(fields=["source", "-published_sort", "-claim"], name="claim_source_newest")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} in {self.claim_id}"


class FigureStatus(models.TextChoices):
    UNREVIEWED = "unreviewed"
    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class Figure(models.Model):
    """A quantity stated in a claim; editors verify figures one by one, not only whole claims."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="figures")
    value = models.FloatField()
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=200, blank=True, default="")
    text = models.CharField(max_length=200)
    approximate = models.BooleanField(default=False)
    qualifier = models.CharField(max_length=50, blank=True, default="")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=FigureStatus.choices, default=FigureStatus.UNREVIEWED
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["claim", "start"]
        indexes = [
            models.Index(fields=["unit", "value"], name="figure_unit_value"),
            # `unit__icontains` (figure tracks, the figure list) is UPPER(unit) LIKE '%...%'.
            GinIndex(OpClass(Upper("unit"), name="gin_trgm_ops"), name="figure_unit_trgm"),
        ]

    def __str__(self) -> str:
        return self.text


class ClaimDate(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="dates")
    text = models.CharField(max_length=100)
    value = models.DateField(null=True, blank=True)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["claim", "start"]

    def __str__(self) -> str:
        return self.text


class LinkKind(models.TextChoices):
    SAME = "same"
    CORROBORATES = "corroborates"
    CONTRADICTS = "contradicts"
    UPDATES = "updates"


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class ClaimLink(models.Model):
    """A relation between claims of different articles (same, corroborates, contradicts...)."""

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_out")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=LinkKind.choices)
    score = models.FloatField(default=0.0)
    status = models.CharField(
        max_length=16, choices=LinkStatus.choices, default=LinkStatus.PROPOSED
    )
    evidence = models.JSONField(
        default=dict,
        blank=True,
        help_text="Why the matcher proposed it: shared words, figures, dates, similarity.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_claim", "to_claim"], name="claim_link_unique"),
            models.CheckConstraint(
                condition=~models.Q(from_claim=models.F("to_claim")), name="claim_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_claim_id} {self.kind} {self.to_claim_id}"


CORROBORATING = (LinkKind.SAME, LinkKind.CORROBORATES)
