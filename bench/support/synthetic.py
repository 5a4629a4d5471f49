"""A synthetic knowledge base for benchmarks: sources, articles, claims with their chains.

`synthetic_generate(claims=1_000_000, articles=100_000, sources=10_000)` fills PostgreSQL in a
few minutes with data shaped like extraction output, so the API can be measured at scale:

- sources: the first tenth are outlets, news agencies and state media (they publish articles
  and relay claims); the rest are governments, militaries, officials, NGOs... Reliability A-F
  with a realistic spread (few A, many C, some F).
- articles: each published by an outlet (a skewed choice: a few outlets publish most), dated
  over five years (2% undated), `done`, with a body that is its claims' sentences in order, so
  every claim's offsets point at its own text.
- claims: about claims/articles per article, from wire-style templates with varied places,
  figures, units, topics and dates; a quarter to a half hedged ("alleged", "expected to",
  "unconfirmed reports"). Each has a chain of 1-3 sources, origin at position 0 (skewed: a few
  origins say most things, as "officials" do), relays taken from the outlets.
- figures and dates where the sentence states one, at their offsets; a few figures flagged.
- claim links between random claims (2% of claims by default).

Everything is generated inside PostgreSQL with `INSERT ... SELECT generate_series`, one chunk
of articles (and their claims) per transaction, so nothing crosses the wire row by row. Ids
continue after the rows already there, so the generator can add to a non-empty database.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models, transaction

from bench.support.news import Fact, NewsText
from claims.models import Attribution, Claim, ClaimDate, ClaimLink, ClaimSource, Figure
from sources.models import Article, Source

PLACES = [
    "Kherson",
    "Donetsk",
    "Odesa",
    "Kharkiv",
    "Zaporizhzhia",
    "Mariupol",
    "Gaza",
    "Rafah",
    "Khan Younis",
    "Aleppo",
    "Idlib",
    "Raqqa",
    "Mosul",
    "Kirkuk",
    "Sanaa",
    "Hodeidah",
    "Aden",
    "Marib",
    "Tripoli",
    "Benghazi",
    "Misrata",
    "Khartoum",
    "Omdurman",
    "El Fasher",
    "Goma",
    "Bunia",
    "Mogadishu",
    "Kismayo",
    "Bamako",
    "Gao",
    "Timbuktu",
    "Niamey",
    "Maiduguri",
    "Kabul",
    "Kandahar",
    "Herat",
    "Nagorno-Karabakh",
    "Stepanakert",
    "Pyongyang",
    "Kaesong",
    "Panmunjom",
    "Taipei",
    "Kinmen",
    "the Spratly Islands",
    "Scarborough Shoal",
    "Yangon",
    "Mandalay",
    "Sittwe",
    "Port-au-Prince",
    "Caracas",
    "Tigray",
    "Mekelle",
    "Juba",
    "Malakal",
    "Beirut",
    "Tyre",
    "Baalbek",
    "Hebron",
    "Jenin",
    "Nablus",
]
UNITS = [
    "troops",
    "civilians",
    "soldiers",
    "refugees",
    "tanks",
    "drones",
    "missiles",
    "trucks",
    "aid workers",
    "fighters",
    "people",
    "tonnes of grain",
    "vessels",
    "artillery shells",
    "prisoners",
    "families",
    "children",
    "armoured vehicles",
]
EVENTS = [
    "killed",
    "wounded",
    "evacuated",
    "detained",
    "deployed",
    "displaced",
    "captured",
    "released",
    "moved",
    "sighted",
]
TOPICS = [
    "a ceasefire",
    "grain exports",
    "prisoner exchanges",
    "sanctions relief",
    "the nuclear programme",
    "border demarcation",
    "humanitarian corridors",
    "gas transit",
    "the withdrawal of foreign forces",
    "reconstruction funding",
    "port access",
    "the release of hostages",
]
ARMED = [
    "rebel fighters",
    "militia units",
    "separatist forces",
    "insurgents",
    "paramilitary groups",
    "unidentified gunmen",
]
NAME_STEMS = [
    "Northern",
    "Eastern",
    "Central",
    "Coastal",
    "Federal",
    "Republic",
    "Global",
    "Daily",
    "National",
    "Free",
    "United",
    "Western",
    "Southern",
    "Capital",
    "Harbour",
    "Highland",
]
# (kind, noun) pairs: outlets first (they publish and relay), then every other kind of source.
OUTLET_KINDS = [
    ("outlet", "Herald"),
    ("outlet", "Times"),
    ("news_agency", "News Agency"),
    ("outlet", "Broadcaster"),
    ("state_media", "State Television"),
    ("news_agency", "Press Service"),
    ("outlet", "Tribune"),
]
OTHER_KINDS = [
    ("government", "Ministry of Defence"),
    ("military", "Army Command"),
    ("official", "Governor's Office"),
    ("intelligence", "Intelligence Service"),
    ("international_org", "UN Mission"),
    ("ngo", "Relief Committee"),
    ("expert", "Institute for Security Studies"),
    ("armed_group", "Liberation Front"),
    ("unnamed", "Officials"),
    ("media_reports", "Local Media"),
    ("government", "Foreign Ministry"),
    ("person", "Spokesperson"),
]
LINK_KINDS = ["same", "corroborates", "contradicts", "updates"]
EXTRACTOR_VERSION = "synthetic-1"
NEWS_EXTRACTOR_VERSION = "synthetic-news-1"
TEXT_MODES = ("templates", "news")
# The latest publication time; articles spread over the five years before it.
LAST_PUBLISHED = dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC)


@dataclass(frozen=True)
class SyntheticReport:
    sources: int
    articles: int
    claims: int
    attributions: int
    figures: int
    dates: int
    links: int
    first_claim_id: int
    first_source_id: int
    planted_pairs: int = 0


def _max_id(cursor, table: str) -> int:  # type: ignore[no-untyped-def]
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (our table names)
    return int(cursor.fetchone()[0])


def _count(cursor, sql: str, params: dict[str, object]) -> int:  # type: ignore[no-untyped-def]
    cursor.execute(sql, params)
    return int(cursor.fetchone()[0])


def _fast_load(cursor) -> None:  # type: ignore[no-untyped-def]
    """Skip per-row triggers (foreign-key checks, the audit trail's insert triggers, which do
    nothing outside an editorial context anyway) for this transaction when we are allowed to:
    they are most of the insert cost. Every row is generated consistent by construction, and
    tests/bench checks the foreign keys and constraints on the result."""
    cursor.execute("SELECT current_setting('is_superuser') = 'on'")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")


SOURCES_SQL = """
INSERT INTO sources_source (id, name, kind, country, reliability, reliability_reason,
                            in_registry, created_at, parent_id, version/*cols*/)
SELECT %(sbase)s + i, (%(stems)s::text[])[1 + (i * 7) %% %(n_stems)s] || ' ' || k.noun || ' '
           || lpad((%(sbase)s + i)::text, 5, '0'),
       k.kind, (ARRAY['UA','RU','IL','PS','SY','IQ','YE','LY','SD','CD','SO','ML','NG','AF',
                      'KP','KR','TW','CN','MM','US','GB','FR'])[1 + (i %% 22)],
       CASE WHEN u < 0.05 THEN 'A' WHEN u < 0.25 THEN 'B' WHEN u < 0.60 THEN 'C'
            WHEN u < 0.75 THEN 'D' WHEN u < 0.85 THEN 'E' ELSE 'F' END, 'synthetic rating', false, now(), NULL, 1/*vals*/
FROM (SELECT i, random() AS u FROM generate_series(1, %(n)s) AS i) AS g  -- u: A 5 in 100, B 20, C 35, D 15, E 10, F 15
CROSS JOIN LATERAL (
    SELECT CASE WHEN g.i <= %(n_out)s THEN (%(out_kinds)s::text[])[1 + g.i %% %(n_out_kinds)s]
                ELSE (%(other_kinds)s::text[])[1 + g.i %% %(n_other_kinds)s] END AS kind,
           CASE WHEN g.i <= %(n_out)s THEN (%(out_nouns)s::text[])[1 + g.i %% %(n_out_kinds)s]
                ELSE (%(other_nouns)s::text[])[1 + g.i %% %(n_other_kinds)s] END AS noun
) AS k
"""

# One chunk of claims (0-based claim numbers lo..hi-1) into a temporary table: their article,
# origin source, template, figure, date and sentence offsets inside the article body.
CHUNK_SQL = """
CREATE TEMP TABLE synth_claims AS
WITH b AS (
    SELECT %(cbase)s + 1 + i AS id,
           %(abase)s + 1 + (i * %(n_articles)s) / %(n_claims)s AS article_id,
           %(sbase)s + 1 + floor(%(n_sources)s * power(random(), 2.5))::bigint AS origin_id,
           floor(random() * 100)::int AS tpl,
           1 + (random() > 0.55)::int + (random() > 0.85)::int AS hops,
           power(10, 1 + random() * 4)::bigint AS n,
           (%(units)s::text[])[1 + floor(random() * %(n_units)s)::int] AS unit,
           (%(events)s::text[])[1 + floor(random() * %(n_events)s)::int] AS ev,
           (%(places)s::text[])[1 + floor(random() * %(n_places)s)::int] AS place,
           (%(topics)s::text[])[1 + floor(random() * %(n_topics)s)::int] AS topic,
           (%(armed)s::text[])[1 + floor(random() * %(n_armed)s)::int] AS armed,
           DATE '2025-06-30' - floor(random() * 1825)::int AS day,
           random() AS u
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) AS i
), t AS (
    SELECT b.*, s.name AS actor, b.n::text || ' ' || b.unit AS fig,
           'on ' || to_char(b.day, 'FMDD FMMonth YYYY') AS dtext
    FROM b JOIN sources_source s ON s.id = b.origin_id
), x AS (
    SELECT t.*,
           CASE WHEN tpl < 20 THEN actor || ' said ' || fig || ' had been ' || ev || ' near '
                                   || place || ' ' || dtext || '.'
                WHEN tpl < 40 THEN initcap(left(fig, 1)) || substr(fig, 2) || ' were ' || ev
                                   || ' in ' || place || ', according to ' || actor || '.'
                WHEN tpl < 55 THEN actor || ' denied that its forces had shelled ' || place || '.'
                WHEN tpl < 70 THEN actor || ' said talks on ' || topic
                                   || ' were expected to resume in ' || place || ' ' || dtext || '.'
                WHEN tpl < 85 THEN 'Unconfirmed reports said ' || place || ' had been attacked by '
                                   || armed || '.'
                ELSE actor || ' alleged that ' || fig || ' had crossed into ' || place || '.'
           END AS text,
           CASE WHEN tpl < 40 OR tpl >= 85 THEN 'figure' WHEN tpl < 55 THEN 'statement'
                WHEN tpl < 70 THEN 'assessment' ELSE 'event' END AS kind,
           CASE WHEN tpl < 55 THEN ARRAY[]::text[] WHEN tpl < 70 THEN ARRAY['expected to']
                WHEN tpl < 85 THEN ARRAY['unconfirmed reports'] ELSE ARRAY['alleged'] END AS cues,
           (tpl < 40 OR tpl >= 85) AS has_figure,
           (tpl < 20 OR (tpl >= 55 AND tpl < 70)) AS has_date,
           CASE WHEN tpl < 55 OR tpl >= 70 THEN 'said' ELSE 'according to' END AS cue,
           false AS approximate, ''::text AS qualifier
    FROM t
)
SELECT x.*, (row_number() OVER w - 1)::int AS sentence_index,
       (sum(length(text) + 1) OVER w - length(text) - 1)::int AS start
FROM x WINDOW w AS (PARTITION BY article_id ORDER BY id)
"""

ARTICLES_SQL = """
INSERT INTO sources_article (id, url, title, body, published_at, language, content_hash, status,
                             attempts, lease_owner, lease_expires_at, enqueued_at, error,
                             extractor_version, submitted_at, processed_at, outlet_id/*cols*/)
SELECT a.id, 'https://synthetic.example/article/' || a.id, COALESCE(left(g.first_text, 120), ''),
       COALESCE(g.body, 'No claims.'), a.published, 'en',
       encode(sha256(convert_to('synthetic:' || a.id || ':' || %(seed)s, 'UTF8')), 'hex'),
       'done', 1, '', NULL, NULL, '', %(version)s,
       COALESCE(a.published, TIMESTAMPTZ '2025-06-30 12:00+00') + interval '1 hour',
       COALESCE(a.published, TIMESTAMPTZ '2025-06-30 12:00+00') + interval '1 hour 1 minute',
       a.outlet_id/*vals*/
FROM /*articles*/ AS a
LEFT JOIN (
    SELECT article_id, string_agg(text, ' ' ORDER BY id) AS body,
           (array_agg(text ORDER BY id))[1] AS first_text
    FROM synth_claims GROUP BY article_id
) AS g ON g.article_id = a.id
"""

# The articles' rows in the template mode; the news mode copies its own (synth_articles).
TEMPLATE_ARTICLES = """(
    SELECT i AS id,
           CASE WHEN random() < 0.02 THEN NULL
                ELSE TIMESTAMPTZ '2025-06-30 12:00+00' - random() * interval '1825 days' END AS published,
           %(sbase)s + 1 + floor(%(n_out)s * power(random(), 1.5))::bigint AS outlet_id
    FROM generate_series(%(a_lo)s::bigint, %(a_hi)s::bigint) AS i
)"""

CLAIMS_SQL = """
INSERT INTO claims_claim (id, text, start, "end", sentence_index, sentence_start, sentence_end,
                          kind, cue, hedged, hedge_cues, credibility, credibility_override,
                          verification_status, extractor_version, version, created_at,
                          article_id, edited, published_on, published_sort, weakest_reliability/*cols*/)
SELECT c.id, text, start, start + length(text), sentence_index, start, start + length(text),
       kind, cue, cardinality(cues) > 0, cues,
       CASE WHEN u < 0.1 THEN 6 WHEN cardinality(cues) > 0 THEN 4 ELSE 3 END,
       CASE WHEN u > 0.998 THEN 2 END,
       CASE WHEN u > 0.995 THEN 'confirmed' WHEN u > 0.99 THEN 'disputed' ELSE 'unverified' END,
       %(version)s, 1, now(), article_id, false, (a.published_at AT TIME ZONE 'UTC')::date,
       COALESCE(a.published_at, TIMESTAMPTZ '0001-01-01 00:00+00'),
       -- The chain is inserted first (same transaction, deferred foreign keys), so the weakest
       -- link is computed here rather than by updating every claim afterwards.
       GREATEST(COALESCE((SELECT o.reliability FROM sources_source o WHERE o.id = a.outlet_id), 'F'),
                (SELECT max(s.reliability) FROM claims_attribution t
                   JOIN sources_source s ON s.id = t.source_id WHERE t.claim_id = c.id))/*vals*/
FROM synth_claims c JOIN sources_article a ON a.id = c.article_id
"""

CLAIM_SOURCES_SQL = """
INSERT INTO claims_claimsource (claim_id, source_id, published_sort, origin, relay/*cols*/)
SELECT claim_id, source_id, min(published_sort), bool_or(origin), bool_or(relay)/*vals*/
  FROM (SELECT t.claim_id, t.source_id, c.published_sort, t.position = 0, t.position > 0
          FROM claims_attribution t JOIN claims_claim c ON c.id = t.claim_id
         WHERE t.claim_id IN (SELECT id FROM synth_claims)
        UNION ALL
        SELECT c.id, a.outlet_id, c.published_sort, false, true
          FROM claims_claim c JOIN sources_article a ON a.id = c.article_id
         WHERE c.id IN (SELECT id FROM synth_claims) AND a.outlet_id IS NOT NULL
       ) AS m(claim_id, source_id, published_sort, origin, relay)
 GROUP BY claim_id, source_id
"""

# Links are made last, between claims of any chunk: the claims they join count them here.
CORROBORATION_SQL = """
UPDATE claims_claim c SET corroboration = n.n
  FROM (SELECT id, count(*) AS n
          FROM (SELECT from_claim_id AS id FROM claims_claimlink
                 WHERE kind IN ('same', 'corroborates') AND status <> 'rejected' AND id > %(lbase)s
                UNION ALL
                SELECT to_claim_id FROM claims_claimlink
                 WHERE kind IN ('same', 'corroborates') AND status <> 'rejected' AND id > %(lbase)s) AS e
         GROUP BY id) AS n
 WHERE c.id = n.id
"""

ATTRIBUTIONS_SQL = """
INSERT INTO claims_attribution (claim_id, source_id, position, mention, cue, start, "end", inherited/*cols*/)
SELECT c.id, s.id, p, s.name, CASE WHEN p = 0 THEN 'said' ELSE 'reported' END,
       CASE WHEN p = 0 AND strpos(c.text, s.name) > 0 THEN c.start + strpos(c.text, s.name) - 1 END,
       CASE WHEN p = 0 AND strpos(c.text, s.name) > 0
            THEN c.start + strpos(c.text, s.name) - 1 + length(s.name) END,
       false/*vals*/
FROM synth_claims c
CROSS JOIN LATERAL generate_series(0, c.hops - 1) AS p
CROSS JOIN LATERAL (
    SELECT CASE WHEN p = 0 THEN c.origin_id
                ELSE %(sbase)s + 1 + floor(%(n_out)s * power(random(), 1.5))::bigint END AS sid
) AS pick
JOIN sources_source s ON s.id = pick.sid
"""

FIGURES_SQL = """
INSERT INTO claims_figure (claim_id, value, low, high, unit, text, approximate, qualifier,
                           start, "end", status, version/*cols*/)
SELECT id, n, NULL, NULL, unit, fig, approximate, qualifier,
       start + strpos(text, fig) - 1, start + strpos(text, fig) - 1 + length(fig),
       CASE WHEN u > 0.97 THEN 'unconfirmed' WHEN u > 0.95 THEN 'confirmed' ELSE 'unreviewed' END, 1/*vals*/
FROM synth_claims WHERE has_figure
"""

DATES_SQL = """
INSERT INTO claims_claimdate (claim_id, text, value, start, "end"/*cols*/)
SELECT id, dtext, day, start + strpos(text, dtext) - 1, start + strpos(text, dtext) - 1 + length(dtext)/*vals*/
FROM synth_claims WHERE has_date
"""

LINKS_SQL = """
INSERT INTO claims_claimlink (from_claim_id, to_claim_id, kind, score, status, created_at/*cols*/)
SELECT f, %(cbase)s + 1 + (f - %(cbase)s - 1 + 1 + floor(random() * (%(n_claims)s - 1))::bigint)
              %% %(n_claims)s,
       (%(link_kinds)s::text[])[1 + floor(random() * 4)::int], round(random()::numeric, 3),
       CASE WHEN random() < 0.05 THEN 'rejected' WHEN random() < 0.3 THEN 'confirmed'
            ELSE 'proposed' END, now()/*vals*/
FROM (SELECT %(cbase)s + 1 + floor(random() * %(n_claims)s)::bigint AS f
      FROM generate_series(1, %(n_links)s)) AS g
ON CONFLICT DO NOTHING
"""

# The news mode: Python writes the sentences (bench/support/news.py) and COPYs one chunk's
# articles and claims into these, in the columns CHUNK_SQL gives the template mode; the same
# INSERTs then make every row.
NEWS_TABLES_SQL = """
DROP TABLE IF EXISTS synth_articles, synth_news;
CREATE TEMP TABLE synth_articles (id bigint, published timestamptz, outlet_id bigint);
CREATE TEMP TABLE synth_news (id bigint, article_id bigint, origin_id bigint, hops int, n bigint,
                              unit text, fig text, day date, dtext text, u float8, text text,
                              kind text, cues text[], has_figure bool, has_date bool, cue text,
                              approximate bool, qualifier text);
"""
NEWS_CHUNK_SQL = """
CREATE TEMP TABLE synth_claims AS
SELECT x.*, (row_number() OVER w - 1)::int AS sentence_index,
       (sum(length(text) + 1) OVER w - length(text) - 1)::int AS start
FROM synth_news x WINDOW w AS (PARTITION BY article_id ORDER BY id)
"""
# Which stored claim each claim of a follow-up article restates: bench_match.py's ground truth.
# A plain table, not a model: it exists only in benchmark databases.
PLANTED_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS bench_planted_pair (
    new_claim_id bigint PRIMARY KEY, old_claim_id bigint NOT NULL
)
"""


def _with_defaults(sql: str, model: type[models.Model]) -> tuple[str, dict[str, object]]:
    """Complete an INSERT with every column it does not name, set to the model field's default.

    The statements above name the columns a benchmark cares about; a column added later (with a
    default, as migrations add them) is filled from the model instead of breaking the generator.
    """
    head = sql.split("/*cols*/", 1)[0]
    named = {c.strip().strip('"') for c in head.split("(", 1)[1].split(",")}
    cols, vals, params = [], [], {}
    for field in model._meta.concrete_fields:
        if field.column in named or field.primary_key or field.generated:
            continue
        key = f"default_{model._meta.db_table}_{field.column}"
        cols.append(f', "{field.column}"')
        vals.append(f", %({key})s")
        params[key] = field.get_db_prep_save(field.get_default(), connection)
    return (sql.replace("/*cols*/", "".join(cols)).replace("/*vals*/", "".join(vals)), params)


def _vocabulary() -> dict[str, object]:
    return {
        "places": PLACES,
        "n_places": len(PLACES),
        "units": UNITS,
        "n_units": len(UNITS),
        "events": EVENTS,
        "n_events": len(EVENTS),
        "topics": TOPICS,
        "n_topics": len(TOPICS),
        "armed": ARMED,
        "n_armed": len(ARMED),
        "version": EXTRACTOR_VERSION,
    }


@dataclass
class _NewsArticle:
    published: dt.datetime | None
    facts: list[tuple[int, Fact]]  # (claim id, fact)


def _copy(cursor, table: str, rows: list[tuple[object, ...]]) -> None:  # type: ignore[no-untyped-def]
    """COPY rows of plain values (no tab, newline or backslash in any text) into a table."""

    def cell(value: object) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, tuple):
            return "{" + ",".join(f'"{v}"' for v in value) + "}"
        return str(value)

    buffer = io.StringIO("".join("\t".join(map(cell, row)) + "\n" for row in rows))
    cursor.copy_expert(f"COPY {table} FROM STDIN", buffer)


def _news_chunk(  # type: ignore[no-untyped-def]
    cursor,
    news: NewsText,
    *,
    articles: range,
    claims_of: Callable[[int], range],
    recent: list[_NewsArticle],
    follow_ups: float,
    ids: dict[str, int],
) -> int:
    """One chunk of the news mode into synth_articles, synth_claims and bench_planted_pair.

    An article is a follow-up with probability `follow_ups` when a recent dated article exists:
    published up to three days after it, its first 2-5 claims restate that article's claims.
    Returns the planted pairs written.
    """
    rnd = news.rnd
    n_out, n_other = ids["n_out"], ids["n_sources"] - ids["n_out"]
    article_rows, claim_rows, planted = [], [], []
    for j in articles:
        article_id = ids["abase"] + 1 + j
        claim_ids = [ids["cbase"] + 1 + k for k in claims_of(j)]
        source = rnd.choice(recent) if recent and rnd.random() < follow_ups else None
        if source is not None and source.published is not None:
            published: dt.datetime | None = source.published + dt.timedelta(
                hours=rnd.uniform(0.5, 72)
            )
            told = rnd.sample(source.facts, min(len(source.facts), rnd.randint(2, 5)))
        else:
            published = (
                None
                if rnd.random() < 0.02
                else LAST_PUBLISHED - dt.timedelta(days=rnd.random() * 1825)
            )
            told = []
        facts: list[tuple[int, Fact]] = []
        for i, claim_id in enumerate(claim_ids):
            if i < len(told):
                old_id, old_fact = told[i]
                fact = news.restate(old_fact)
                planted.append((claim_id, old_id))
            else:
                fact = news.fact(published=published)
            facts.append((claim_id, fact))
            r = news.render(fact)
            u = rnd.random()
            claim_rows.append(
                (
                    claim_id,
                    article_id,
                    ids["sbase"] + 1 + n_out + fact.speaker_key % n_other,
                    1 + (u > 0.55) + (u > 0.85),
                    r.number,
                    r.unit,
                    r.figure_text,
                    r.day,
                    r.date_text,
                    rnd.random(),
                    r.text,
                    r.kind,
                    r.hedge_cues,
                    bool(r.figure_text),
                    bool(r.date_text),
                    r.cue,
                    r.approximate,
                    r.qualifier,
                )
            )
        outlet = ids["sbase"] + 1 + int(n_out * rnd.random() ** 1.5)
        article_rows.append((article_id, published, outlet))
        if published is not None and facts:
            recent.append(_NewsArticle(published=published, facts=facts))
            del recent[:-500]  # follow-ups restate recent articles (in generation order)
    cursor.execute(NEWS_TABLES_SQL)
    _copy(cursor, "synth_articles", article_rows)
    _copy(cursor, "synth_news", claim_rows)
    cursor.execute(NEWS_CHUNK_SQL)
    if planted:
        _copy(cursor, "bench_planted_pair", planted)
    return len(planted)


def synthetic_generate(
    *,
    claims: int,
    articles: int,
    sources: int,
    link_ratio: float = 0.02,
    seed: float = 0.42,
    chunk_claims: int = 50_000,
    text: str = "templates",
    follow_ups: float = 0.05,
    progress: Callable[[str, int, int], None] | None = None,
) -> SyntheticReport:
    """Add `sources` sources, `articles` articles and `claims` claims (with chains, figures,
    dates and links) to the database, then ANALYZE (VACUUM ANALYZE outside a transaction, so
    the visibility map allows index-only scans at once).

    `text="news"` writes news-like sentences (bench/support/news.py) instead of the templates,
    and makes a share `follow_ups` of the articles restate claims of a recent one, recorded in
    the table bench_planted_pair.

    `progress(stage, done, total)` is called after each chunk (the command draws a tqdm bar).
    """
    if claims < 1 or articles < 1 or sources < 2:
        raise ValueError("Ask for at least 1 claim, 1 article and 2 sources.")
    if not -1 <= seed <= 1:
        raise ValueError("seed must be between -1 and 1 (PostgreSQL setseed).")
    if text not in TEXT_MODES:
        raise ValueError(f"text must be one of {', '.join(TEXT_MODES)}, not {text!r}.")
    news = NewsText(seed=round((seed + 1) * 1_000_000)) if text == "news" else None
    recent: list[_NewsArticle] = []
    planted = 0
    report_progress = progress or (lambda stage, done, total: None)
    n_out = max(1, sources // 10)
    with connection.cursor() as cursor:
        sbase = _max_id(cursor, "sources_source")
        abase = _max_id(cursor, "sources_article")
        cbase = _max_id(cursor, "claims_claim")
        counts_before = {
            t: _count(cursor, f"SELECT count(*) FROM {t}", {})  # noqa: S608
            for t in ("claims_attribution", "claims_figure", "claims_claimdate", "claims_claimlink")
        }
        # setseed makes random() repeatable within this session: the same arguments on an
        # empty database give the same data.
        cursor.execute("SELECT setseed(%s)", [seed])
        params: dict[str, object] = {
            **_vocabulary(),
            "version": NEWS_EXTRACTOR_VERSION if news else EXTRACTOR_VERSION,
            "seed": str(seed),
            "sbase": sbase,
            "abase": abase,
            "cbase": cbase,
            "n_sources": sources,
            "n_articles": articles,
            "n_claims": claims,
            "n_out": n_out,
            "stems": NAME_STEMS,
            "n_stems": len(NAME_STEMS),
            "out_kinds": [k for k, _ in OUTLET_KINDS],
            "out_nouns": [n for _, n in OUTLET_KINDS],
            "n_out_kinds": len(OUTLET_KINDS),
            "other_kinds": [k for k, _ in OTHER_KINDS],
            "other_nouns": [n for _, n in OTHER_KINDS],
            "n_other_kinds": len(OTHER_KINDS),
            "link_kinds": LINK_KINDS,
        }
        with transaction.atomic():
            _fast_load(cursor)
            sql, extra = _with_defaults(SOURCES_SQL, Source)
            cursor.execute(sql, {**params, **extra, "n": sources})
        report_progress("sources", sources, sources)

        # Chunks of whole articles: claim k belongs to article floor(k * A / C), so the claims of
        # articles a0..a1-1 are the claim numbers ceil(a0 * C / A) .. ceil(a1 * C / A) - 1.
        articles_sql = ARTICLES_SQL.replace(
            "/*articles*/", "synth_articles" if news else TEMPLATE_ARTICLES
        )
        inserts = {
            model: _with_defaults(sql, model)
            for model, sql in (
                (Article, articles_sql),
                (Claim, CLAIMS_SQL),
                (Attribution, ATTRIBUTIONS_SQL),
                (Figure, FIGURES_SQL),
                (ClaimDate, DATES_SQL),
                (ClaimSource, CLAIM_SOURCES_SQL),
            )
        }
        per_chunk = max(1, chunk_claims * articles // claims)
        if news:
            cursor.execute(PLANTED_TABLE_SQL)
        for a0 in range(0, articles, per_chunk):
            a1 = min(articles, a0 + per_chunk)
            lo, hi = -(-a0 * claims // articles), -(-a1 * claims // articles)
            with transaction.atomic():
                _fast_load(cursor)
                cursor.execute("DROP TABLE IF EXISTS synth_claims")
                if news:
                    planted += _news_chunk(
                        cursor,
                        news,
                        articles=range(a0, a1),
                        claims_of=lambda j: range(
                            -(-j * claims // articles), -(-(j + 1) * claims // articles)
                        ),
                        recent=recent,
                        follow_ups=follow_ups,
                        ids={
                            "abase": abase,
                            "cbase": cbase,
                            "sbase": sbase,
                            "n_out": n_out,
                            "n_sources": sources,
                        },
                    )
                else:
                    cursor.execute(CHUNK_SQL, {**params, "lo": lo, "hi": hi})
                sql, extra = inserts[Article]
                cursor.execute(sql, {**params, **extra, "a_lo": abase + 1 + a0, "a_hi": abase + a1})
                for model in (Attribution, Claim, Figure, ClaimDate, ClaimSource):
                    sql, extra = inserts[model]
                    cursor.execute(sql, {**params, **extra})
                cursor.execute("DROP TABLE synth_claims")
                cursor.execute("DROP TABLE IF EXISTS synth_articles, synth_news")
            report_progress("articles", a1, articles)

        n_links = round(claims * link_ratio) if claims > 1 else 0
        with transaction.atomic():
            _fast_load(cursor)
            if n_links:
                lbase = _max_id(cursor, "claims_claimlink")
                sql, extra = _with_defaults(LINKS_SQL, ClaimLink)
                cursor.execute(sql, {**params, **extra, "n_links": n_links})
                cursor.execute(CORROBORATION_SQL, {"lbase": lbase})
            for table in ("sources_source", "sources_article", "claims_claim"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )
        report_progress("links", n_links, n_links)

        if connection.in_atomic_block:
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE")
        report_progress("analyze", 1, 1)
        after = {
            t: _count(cursor, f"SELECT count(*) FROM {t}", {})  # noqa: S608
            for t in counts_before
        }
    return SyntheticReport(
        sources=sources,
        articles=articles,
        claims=claims,
        attributions=after["claims_attribution"] - counts_before["claims_attribution"],
        figures=after["claims_figure"] - counts_before["claims_figure"],
        dates=after["claims_claimdate"] - counts_before["claims_claimdate"],
        links=after["claims_claimlink"] - counts_before["claims_claimlink"],
        first_claim_id=cbase + 1,
        first_source_id=sbase + 1,
        planted_pairs=planted,
    )
