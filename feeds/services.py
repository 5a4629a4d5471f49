"""Writes for feeds (URL submissions: feeds/url_submissions.py). Keyword-only, typed; named
<entity>_<action>.

Both doors end in articles.services.article_submit, the one submission service: it stores the
article as `queued`, refuses a duplicate text by content hash and enqueues the extraction after
commit. What happens here is getting the text: fetching (feeds.fetch, the only outbound HTTP),
parsing feeds (feedparser) and extracting pages (trafilatura, feeds.extract).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import feedparser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from articles.services import article_submit
from audit.services import audit_context
from core import queue
from core.errors import ApplicationError
from feeds.extract import ExtractedPage
from feeds.fetch import FetchResult, fetch, page_fetch_extract
from feeds.models import (
    MAX_POLL_MINUTES,
    MIN_POLL_MINUTES,
    Feed,
    FeedEntry,
    FeedEntryStatus,
    UrlSubmission,
)
from feeds.selectors import feed_ids_due
from sources.text import html_to_text

logger = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
# An entry failing this many times (its page is gone, it has no text) is no longer retried.
FEED_ENTRY_MAX_ATTEMPTS = 3
# Entries taken from one poll; a feed dumping its whole archive is read over several polls.
MAX_ENTRIES_PER_POLL = 100
# Entry content at least this long is the article itself (content:encoded, Atom <content>);
# shorter is a teaser ("Officials said... Read more") and the linked page is fetched instead.
FULL_CONTENT_MIN_CHARS = 500

_url_validator = URLValidator(schemes=["http", "https"])


class RetryableFetchError(Exception):
    """A URL fetch failed transiently with attempts left; the task retries with backoff."""


def valid_url(url: str, *, field: str = "url") -> str:
    url = url.strip()
    if not url:
        raise ApplicationError("Enter the URL.", code="required", field=field)
    if len(url) > 2000:
        raise ApplicationError("The URL is longer than 2,000 characters.", field=field)
    try:
        _url_validator(url)
    except ValidationError:
        raise ApplicationError(f"{url[:200]!r} is not an http(s) URL.", field=field) from None
    return url


def _valid_interval(minutes: int) -> int:
    if not MIN_POLL_MINUTES <= minutes <= MAX_POLL_MINUTES:
        raise ApplicationError(
            f"The polling interval must be between {MIN_POLL_MINUTES} and {MAX_POLL_MINUTES} minutes.",
            field="poll_interval_minutes",
        )
    return minutes


def _valid_text(value: str, *, field: str, limit: int) -> str:
    value = " ".join(value.split())
    if len(value) > limit:
        raise ApplicationError(
            f"The {field.replace('_', ' ')} is longer than {limit} characters.", field=field
        )
    return value


def _duplicate_feed(url: str) -> ApplicationError:
    other = Feed.objects.filter(url=url).only("pk").first()
    return ApplicationError(
        f"The feed {url} is already registered" + (f" (feed {other.pk})." if other else "."),
        code="duplicate",
        field="url",
        status_code=409,
    )


# ------------------------------------------------------------------------------ feeds


def feed_create(
    *,
    actor: Any = None,
    url: str,
    name: str = "",
    outlet: str = "",
    poll_interval_minutes: int = 60,
    is_active: bool = True,
) -> Feed:
    """Register a feed; an active one is polled for the first time right after commit. Audited
    with `actor` (the signed-in user; None for the system, e.g. a fixture or a script)."""
    url = valid_url(url)
    fields = {
        "name": _valid_text(name, field="name", limit=300),
        "outlet": _valid_text(outlet, field="outlet", limit=300),
        "poll_interval_minutes": _valid_interval(poll_interval_minutes),
        "is_active": is_active,
    }
    if Feed.objects.filter(url=url).exists():
        raise _duplicate_feed(url)
    try:
        with audit_context(actor=actor, action="feed.create"):
            feed: Feed = Feed.objects.create(url=url, **fields)
            if feed.is_active:
                _enqueue_poll_on_commit(feed.pk)
    except IntegrityError:
        # Registered by someone else between the check and the insert.
        raise _duplicate_feed(url) from None
    return feed


def feed_update(
    *,
    actor: Any = None,
    feed: Feed,
    url: str | None = None,
    name: str | None = None,
    outlet: str | None = None,
    poll_interval_minutes: int | None = None,
    is_active: bool | None = None,
) -> Feed:
    """Change what an editor may change; None leaves a field as it is.

    Saved with update_fields only: the poller writes the health columns of the same row at any
    moment, and a whole-row save would put back the values this request read. Audited with
    `actor`, as `feed_create`.
    """
    changed: list[str] = []
    if url is not None and (url := valid_url(url)) != feed.url:
        if Feed.objects.filter(url=url).exclude(pk=feed.pk).exists():
            raise _duplicate_feed(url)
        feed.url, feed.etag, feed.last_modified, feed.next_poll_at = url, "", "", None
        changed += ["url", "etag", "last_modified", "next_poll_at"]
    if name is not None:
        feed.name = _valid_text(name, field="name", limit=300)
        changed.append("name")
    if outlet is not None:
        feed.outlet = _valid_text(outlet, field="outlet", limit=300)
        changed.append("outlet")
    if poll_interval_minutes is not None and poll_interval_minutes != feed.poll_interval_minutes:
        feed.poll_interval_minutes = _valid_interval(poll_interval_minutes)
        changed.append("poll_interval_minutes")
        if feed.last_polled_at and feed.consecutive_failures == 0:
            feed.next_poll_at = feed.last_polled_at + dt.timedelta(
                minutes=feed.poll_interval_minutes
            )
            changed.append("next_poll_at")
    if is_active is not None and is_active != feed.is_active:
        feed.is_active = is_active
        changed.append("is_active")
        if is_active:
            # Re-activated: poll now rather than after a backoff computed while it was broken.
            feed.next_poll_at = None
            changed.append("next_poll_at")
    if not changed:
        return feed
    try:
        with audit_context(actor=actor, action="feed.update"):
            feed.save(update_fields=sorted(set(changed)))
            if feed.is_active and feed.next_poll_at is None:
                _enqueue_poll_on_commit(feed.pk)
    except IntegrityError:
        raise _duplicate_feed(feed.url) from None
    return feed


def feed_poll_request(*, feed: Feed) -> None:
    """Make an active feed due now and enqueue its poll ("Poll now"); a paused one stays paused."""
    if not feed.is_active:
        raise ApplicationError("This feed is paused; activate it to poll it.", code="paused")
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
    transaction.on_commit(lambda: _enqueue_poll(feed.pk))


@dataclass
class PollReport:
    feed_id: int
    polled: bool = False  # False: not due, inactive or being polled by another worker
    ok: bool = False
    not_modified: bool = False
    added: int = 0
    duplicates: int = 0
    failed: int = 0
    known: int = 0  # already seen, skipped
    unfinished: int = 0  # left for the next poll: the time budget ran out
    error: str = ""


def feed_claim_for_poll(*, feed_id: int, force: bool = False) -> Feed | None:
    """Take the polling lease on a feed, or return None when it is not ours to poll.

    The conditional UPDATE is the lock: beat may enqueue the same feed twice (a slow worker, a
    manual poll) and exactly one of the tasks sees a row updated. A worker that dies mid-poll
    leaves a lease that expires after the longest a task may run, and the feed is due again.
    """
    now = timezone.now()
    lease = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    rows = Feed.objects.filter(pk=feed_id).filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    )
    if not force:
        rows = rows.filter(
            Q(is_active=True), Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
        )
    if not rows.update(lease_expires_at=now + lease, last_polled_at=now):
        return None
    feed: Feed = Feed.objects.get(pk=feed_id)
    return feed


def feed_poll(*, feed_id: int, force: bool = False) -> PollReport:
    """Fetch a due feed, turn its new entries into articles, and record the feed's health."""
    report = PollReport(feed_id=feed_id)
    feed = feed_claim_for_poll(feed_id=feed_id, force=force)
    if feed is None:
        return report
    report.polled = True
    try:
        result = fetch(feed.url, accept=FEED_ACCEPT, headers=_conditional_headers(feed))
        parsed = None if result.status == 304 else _feed_parse(feed.url, result)
        channel_title = ""
        if parsed is None:
            report.not_modified = True
        else:
            channel_title = " ".join(str(parsed.feed.get("title", "")).split())
            _feed_entries_ingest(
                feed=feed,
                entries=parsed.entries[:MAX_ENTRIES_PER_POLL],
                outlet=(feed.outlet or channel_title)[:300],
                report=report,
            )
    except ApplicationError as exc:
        report.error = exc.message
        _feed_record_failure(feed=feed, message=exc.message)
        return report
    except DatabaseError:
        raise  # the task retries; the lease expires if it never comes back
    except Exception as exc:
        # Never leave the feed leased by a bug: record it like any failure and let it back off.
        logger.exception("Polling feed %s failed unexpectedly", feed.pk)
        report.error = f"Internal error while polling: {type(exc).__name__}: {exc}"
        _feed_record_failure(feed=feed, message=report.error)
        return report
    _feed_record_success(feed=feed, result=result, channel_title=channel_title, report=report)
    report.ok = True
    return report


def _conditional_headers(feed: Feed) -> dict[str, str]:
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    return headers


def _feed_parse(url: str, result: FetchResult) -> Any:
    # Bytes, never a string: feedparser.parse(str) treats a URL-looking string as something
    # to download itself, past every check in feeds.fetch.
    parsed = feedparser.parse(
        result.body,
        response_headers={"content-type": result.headers.get("content-type", "application/xml")},
    )
    if not parsed.version and not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise ApplicationError(
            f"{url} is not an RSS or Atom feed"
            + (f" ({reason})." if reason else ".")
            + " Check the address: it should point to the feed itself, not to a web page.",
            code="not_a_feed",
            field="url",
        )
    return parsed


def _feed_record_success(
    *, feed: Feed, result: FetchResult, channel_title: str, report: PollReport
) -> None:
    now = timezone.now()
    update: dict[str, Any] = {
        "lease_expires_at": None,
        "last_success_at": now,
        "consecutive_failures": 0,
        "next_poll_at": now + dt.timedelta(minutes=feed.poll_interval_minutes),
    }
    if result.status != 304:
        # With entries still to retry or not reached, the next poll must read the feed again
        # rather than be answered "304 Not Modified" and never see them.
        complete = report.failed == 0 and report.unfinished == 0
        update["etag"] = result.headers.get("etag", "")[:500] if complete else ""
        update["last_modified"] = result.headers.get("last-modified", "")[:100] if complete else ""
    if not feed.name and channel_title:
        update["name"] = channel_title[:300]
    Feed.objects.filter(pk=feed.pk).update(**update)


def feed_backoff(*, interval_minutes: int, failures: int) -> dt.timedelta:
    """How long a feed that failed `failures` times in a row waits before its next poll.

    Its interval doubled per failure, capped at FEED_BACKOFF_MAX_SECONDS (or the interval
    itself when that is longer), so a dead feed costs a few requests a day, not one a minute.
    """
    interval = interval_minutes * 60
    cap = max(settings.FEED_BACKOFF_MAX_SECONDS, interval)
    return dt.timedelta(seconds=min(interval * 2 ** min(failures, 20), cap))


def _feed_record_failure(*, feed: Feed, message: str) -> None:
    now = timezone.now()
    failures = feed.consecutive_failures + 1
    Feed.objects.filter(pk=feed.pk).update(
        lease_expires_at=None,
        last_error=message[:5000],
        last_error_at=now,
        consecutive_failures=failures,
        next_poll_at=now
        + feed_backoff(interval_minutes=feed.poll_interval_minutes, failures=failures),
    )
    logger.warning("Feed %s failed (%s in a row): %s", feed.pk, failures, message)


def _entry_guid(entry: Any) -> str:
    key = str(entry.get("id") or entry.get("link") or "").strip()
    if not key:
        key = (
            "sha256:"
            + hashlib.sha256(
                f"{entry.get('title', '')}\n{entry.get('summary', '')}".encode()
            ).hexdigest()
        )
    if len(key) > 2000:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _entry_link(entry: Any) -> str:
    link = str(entry.get("link") or "").strip()
    try:
        return valid_url(link) if link else ""
    except ApplicationError:
        return ""


def _entry_published(entry: Any) -> dt.datetime | None:
    # feedparser normalises every date format it knows to a UTC struct_time.
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), tz=dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _entry_content_text(entry: Any) -> str:
    # RSS puts the teaser in <description> (feedparser's summary) and the full text, if any,
    # in <content:encoded>; Atom in <summary> and <content>. The longer one is the text.
    values = [str(c.get("value", "")) for c in entry.get("content", []) or []]
    raw = max([*values, str(entry.get("summary", ""))], key=len)
    return html_to_text(raw)[1] if "<" in raw else raw.strip()


def _feed_entries_ingest(
    *, feed: Feed, entries: list[Any], outlet: str, report: PollReport
) -> None:
    by_guid = {_entry_guid(entry): entry for entry in entries}
    # One query for what this feed has seen, one for links any feed has already turned into
    # an article: an agency story syndicated in two feeds is fetched once.
    seen = {e.guid: e for e in FeedEntry.objects.filter(feed=feed, guid__in=list(by_guid))}
    links = {link for entry in by_guid.values() if (link := _entry_link(entry))}
    linked = articles_by_url(links)
    # Stop before the task's soft time limit; entries not reached are read at the next poll.
    deadline = time.monotonic() + max(
        10, settings.CELERY_TASK_SOFT_TIME_LIMIT - settings.FETCH_TIMEOUT_SECONDS - 15
    )
    for guid, entry in by_guid.items():
        previous = seen.get(guid)
        if previous is not None and (
            previous.status != FeedEntryStatus.FAILED
            or previous.attempts >= FEED_ENTRY_MAX_ATTEMPTS
        ):
            report.known += 1
            continue
        if time.monotonic() > deadline:
            report.unfinished += 1
            continue
        status = _feed_entry_ingest(
            feed=feed,
            guid=guid,
            entry=entry,
            outlet=outlet,
            previous=previous,
            linked_article_id=linked.get(_entry_link(entry)),
        )
        if status == FeedEntryStatus.ADDED:
            report.added += 1
        elif status == FeedEntryStatus.DUPLICATE:
            report.duplicates += 1
        else:
            report.failed += 1


def articles_by_url(urls: set[str]) -> dict[str, int]:
    """Articles already fetched from these URLs, by a feed or the URL door (two queries).

    Article.url itself has no index, so the lookup goes through the two tables that do.
    """
    if not urls:
        return {}
    found: dict[str, int] = dict(
        UrlSubmission.objects.filter(url__in=urls, article__isnull=False)
        .order_by("url", "id")
        .distinct("url")
        .values_list("url", "article_id")
    )
    found.update(
        FeedEntry.objects.filter(url__in=urls, article__isnull=False)
        .order_by("url", "id")
        .distinct("url")
        .values_list("url", "article_id")
    )
    return found


def _feed_entry_ingest(
    *,
    feed: Feed,
    guid: str,
    entry: Any,
    outlet: str,
    previous: FeedEntry | None,
    linked_article_id: int | None,
) -> str:
    link = _entry_link(entry)
    title = " ".join(str(entry.get("title", "")).split())[:500]
    entry_fields: dict[str, Any] = {"url": link, "title": title}
    if linked_article_id is not None:
        _feed_entry_record(
            feed=feed,
            guid=guid,
            previous=previous,
            status=FeedEntryStatus.DUPLICATE,
            article_id=linked_article_id,
            **entry_fields,
        )
        return FeedEntryStatus.DUPLICATE
    try:
        # The network first, outside any transaction: a slow page must not hold a connection
        # and row locks open.
        text, page = _entry_text(entry=entry, link=link)
        published = _entry_published(entry) or (page.published if page else None)
        with transaction.atomic():
            # The article and the entry that records it commit together; the extraction is
            # enqueued by article_submit after this outer block commits.
            result = article_submit(
                body=text,
                title=title or (page.title if page else ""),
                url=link,
                published_at=published,
                outlet=outlet or (page.outlet if page else ""),
            )
            status = FeedEntryStatus.ADDED if result.created else FeedEntryStatus.DUPLICATE
            _feed_entry_record(
                feed=feed,
                guid=guid,
                previous=previous,
                status=status,
                article_id=result.article.pk,
                **entry_fields,
            )
            if result.created:
                Feed.objects.filter(pk=feed.pk).update(articles_added=F("articles_added") + 1)
    except ApplicationError as exc:
        _feed_entry_record(
            feed=feed,
            guid=guid,
            previous=previous,
            status=FeedEntryStatus.FAILED,
            error=exc.message,
            **entry_fields,
        )
        return FeedEntryStatus.FAILED
    except DatabaseError:
        raise
    except Exception as exc:
        # One odd page (a parser crash in trafilatura, say) fails its entry, not the whole feed.
        logger.exception("Feed %s entry %r failed unexpectedly", feed.pk, guid)
        _feed_entry_record(
            feed=feed,
            guid=guid,
            previous=previous,
            status=FeedEntryStatus.FAILED,
            error=f"Internal error: {type(exc).__name__}: {exc}",
            **entry_fields,
        )
        return FeedEntryStatus.FAILED
    return status


def _entry_text(*, entry: Any, link: str) -> tuple[str, ExtractedPage | None]:
    text = _entry_content_text(entry)
    if len(text) >= FULL_CONTENT_MIN_CHARS or (not link and text):
        return text, None
    if not link:
        raise ApplicationError(
            "The entry has neither text nor a link to an article.", code="no_text"
        )
    page, _ = page_fetch_extract(url=link)
    return page.text, page


def _feed_entry_record(
    *,
    feed: Feed,
    guid: str,
    previous: FeedEntry | None,
    status: str,
    url: str,
    title: str,
    article_id: int | None = None,
    error: str = "",
) -> None:
    if previous is None:
        FeedEntry.objects.create(
            feed=feed,
            guid=guid,
            url=url,
            title=title,
            status=status,
            error=error[:5000],
            article_id=article_id,
            attempts=1,
        )
        return
    FeedEntry.objects.filter(pk=previous.pk).update(
        url=url,
        title=title,
        status=status,
        error=error[:5000],
        article_id=article_id,
        attempts=F("attempts") + 1,
        updated_at=timezone.now(),
    )


def feeds_poll_due(*, now: dt.datetime | None = None) -> int:
    """Enqueue a poll for every due feed (beat, every minute). Returns how many."""
    ids = feed_ids_due(now=now or timezone.now())
    for feed_id in ids:
        _enqueue_poll(feed_id)
    return len(ids)


def _enqueue_poll(feed_id: int) -> None:
    queue.send("feeds.poll_feed", args=[feed_id])


def _enqueue_poll_on_commit(feed_id: int) -> None:
    transaction.on_commit(lambda: _enqueue_poll(feed_id))
