"""A corpus of hostile inputs: what a careless or malicious client may send.

Each entry is (name, value). `BODIES` are article texts (some valid articles carrying a payload,
some that cannot be an article at all); `FIELDS` are values for the other fields of a
submission; `RAW` are whole request bodies that are not even well-formed. Every payload meant to
run in a browser sets `window.__pwned` or opens a dialog, so a browser test can tell.
"""

from __future__ import annotations

LEAD = "The ministry said on Monday that 40 people were evacuated from the coast."

SCRIPTS = [
    "<script>window.__pwned=1</script>",
    "<script src=//evil.example/x.js></script>",
    '<img src=x onerror="window.__pwned=1">',
    "<svg onload=window.__pwned=1>",
    "<svg><script>window.__pwned=1</script></svg>",
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    '<a href="javascript:window.__pwned=1">click</a>',
    '"><script>window.__pwned=1</script>',
    "'><img src=x onerror=window.__pwned=1>",
    "</textarea><script>window.__pwned=1</script>",
    "</title><script>window.__pwned=1</script>",
    "<body onload=window.__pwned=1>",
    "<details open ontoggle=window.__pwned=1>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=1>",
    "<scr<script>ipt>window.__pwned=1</scr</script>ipt>",
    "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
    "<style>body{background:url(javascript:window.__pwned=1)}</style>",
    '<object data="javascript:window.__pwned=1"></object>',
    "<input autofocus onfocus=window.__pwned=1>",
    "<video><source onerror=window.__pwned=1></video>",
    "{{ 7*7 }} {% debug %} {{ settings.SECRET_KEY }}",
    "${7*7} #{7*7} <%= 7*7 %>",
    '<meta http-equiv=refresh content="0;url=javascript:window.__pwned=1">',
    '<base href="javascript:window.__pwned=1//">',
    "<form action=javascript:window.__pwned=1><button>go</button></form>",
    "javascript:window.__pwned=1",
    "data:text/html,<script>window.__pwned=1</script>",
    "<!--<script>window.__pwned=1</script>-->",
    "<![CDATA[<script>window.__pwned=1</script>]]>",
    '<p style="x:expression(window.__pwned=1)">old IE</p>',
]

SQL = [
    "'; DROP TABLE sources_article; --",
    '" OR 1=1 --',
    "1; SELECT pg_sleep(10); --",
    "' UNION SELECT password FROM auth_user --",
    "Robert'); DELETE FROM claims_claim; --",
    "%' AND 1=1 AND '%'='",
    "\\'; TRUNCATE audit_auditchange; --",
    "$$; DROP SCHEMA public CASCADE; $$",
    "E'\\\\x00'",
    "100% of _all_ %s %(name)s {0} {}",
    "ORDER BY 1--",
    "'||(SELECT version())||'",
]

UNICODE = [
    "\u202eThe ministry said 40 people were evacuated\u202c",  # right-to-left override
    "\u2067\u0627\u0644\u0648\u0632\u0627\u0631\u0629\u2069 said 40 people fled.",  # isolate
    "\u0642\u0627\u0644\u062a \u0627\u0644\u0648\u0632\u0627\u0631\u0629 \u0625\u0646 40 \u0634\u062e\u0635\u0627 \u0641\u0631\u0648\u0627.",
    "\u05d4\u05de\u05e9\u05e8\u05d3 \u05d0\u05de\u05e8 \u05e9-40 \u05d0\u05e0\u05e9\u05d9\u05dd \u05e4\u05d5\u05e0\u05d5.",
    "Y\u043enhap said 40 troops moved.",  # Cyrillic o in Yonhap
    "\u0420\u0430\u0443tеrs said 40 troops moved.",  # Cyrillic letters passing for Reuters
    "The mini\u200bstry said 40 peo\u200dple were evac\u200cuated.",  # zero-width characters
    "\ufeffThe ministry said 40 people were evacuated.",  # byte order mark inside
    "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359a\u0300\u0301\u0302\u0303\u0304\u0305\u0306l\u0307\u0308\u0309go"
    * 20,
    "The ministry said \U0001f4a5\U0001f480 40 people \U0001f1f0\U0001f1f5 were evacuated.",
    "The ministry said\u2028that 40 people\u2029were evacuated.",
    "The ministry said \u0085 that 40 people were evacuated.",
    "The ministry said that \uff14\uff10 people were evacuated.",  # fullwidth digits
    "The ministry said that \u0664\u0660 people were evacuated.",  # Arabic-Indic digits
    "The ministry said that \u096a\u0966 people were evacuated.",  # Devanagari digits
    "The ministry said that 4\u2070 people were evacuated.",  # superscript
    "The mi\u0301nistry said that 40 people were evacuated.",  # combining accent, NFD
    "\u1e9b\u0323 NFC and NFKC differ: the ministry said 40 people fled.",
    "\U000e0041\U000e0042 tag characters: the ministry said 40 people fled.",
    "\ufff0\ufff9\ufffa\ufffb specials: the ministry said 40 people fled.",
    "\U0010ffff the last code point: the ministry said 40 people fled.",
    "\u00a0\u2002\u2003\u3000 unusual spaces: the ministry said 40 people fled.",
    "\u0130stanbul \u0131 dotless and dotted: the ministry said 40 people fled.",
    "\u1100\u1161\u11a8 decomposed Hangul: the ministry said 40 people fled.",
    "\u5317\u671d\u9c9c\u8bf4\uff0c40\u540d\u58eb\u5175\u5df2\u6d3e\u9063\u3002",
]

NUMBERS = [
    "The army said 1e400 troops were deployed.",
    "The army said 99999999999999999999999999999999999999 troops were deployed.",
    "The army said " + "9" * 5000 + " troops were deployed.",
    "The army said 1,000,000,000,000,000,000,000,000 troops were deployed.",
    "The army said 10^308 troops were deployed.",
    "The army said NaN troops and Infinity tanks were deployed.",
    "The army said -0 troops were deployed.",
    "The army said 1.7976931348623157e+309 troops were deployed.",
    "The army said 0x7fffffffffffffff troops were deployed.",
    "The army said between 10 and 9 quintillion troops were deployed.",
    "The army said 4.9e-324 tonnes of fuel were delivered.",
    "The army said 12 billion trillion troops were deployed.",
    "The army said 1" + ",000" * 200 + " troops were deployed.",
    "The army said -" + "9" * 400 + " troops were deployed.",
    "The army said 3.14159265358979323846264338327950288419716939937510 troops were deployed.",
    "The army said 40% of 1e999 percent of troops were deployed.",
]

DATES = [
    "The ministry said on February 30, 2024 that 40 people were evacuated.",
    "The ministry said on 31/31/2024 that 40 people were evacuated.",
    "The ministry said in the year 99999 that 40 people were evacuated.",
    "The ministry said on January 1, 0001 that 40 people were evacuated.",
    "The ministry said on December 31, 9999 that 40 people were evacuated.",
    "The ministry said on 0000-00-00 that 40 people were evacuated.",
    "The ministry said on 2024-13-45 that 40 people were evacuated.",
    "The ministry said 40 people will be evacuated by the 32nd of Smarch.",
    "The ministry said on Monday, Tuesday, Wednesday, Thursday and Friday that 40 people left.",
    "The ministry said 10,000 years ago that 40 people were evacuated.",
]

CONTROL = [
    "The ministry said\x00 40 people were evacuated.",
    "The ministry\x01\x02\x03 said 40 people were evacuated.",
    "The ministry said \x1b[31m40\x1b[0m people were evacuated.",
    "The ministry said\x7f 40 people were evacuated.",
    "The ministry\x0b said 40 people were evacuated.",
    "The ministry said \x08\x08\x08 40 people were evacuated.",
    "\x00" * 100,
    "The ministry said \x0c 40 people were evacuated.",  # form feed: allowed, as in old text files
]

NOT_ARTICLES = [
    "",
    " ",
    "\n\n\t  \r\n",
    "<p></p><div>  </div>",
    "<html><head><script>window.__pwned=1</script></head><body></body></html>",
    "<html><body><style>p{}</style><noscript>x</noscript></body></html>",
]

HTML_DOCS = [
    "<!doctype html><html><head><title><script>window.__pwned=1</script>Hostile</title></head>"
    "<body><p>The ministry said 40 people were evacuated.</p><script>window.__pwned=1</script></body></html>",
    "<html><body>"
    + "<div>" * 5000
    + "The ministry said 40 people were evacuated."
    + "</div>" * 5000
    + "</body></html>",
    "<p>The ministry said <b>40</b> people were <i onmouseover=window.__pwned=1>evacuated</i>.</p>",
    "<html><body><p>Unclosed <b><i><u> tags: the ministry said 40 people fled.",
    "<p>The ministry said &#x3C;script&#x3E;window.__pwned=1&#x3C;/script&#x3E; 40 people fled.</p>",
    "<article><p>&amp;lt;script&amp;gt; double-encoded: the ministry said 40 people fled.</p></article>",
    "<div><p>Entities &nbsp;&copy;&#0;&#xD800;&#x110000; the ministry said 40 people fled.</p></div>",
]


def bodies() -> list[tuple[str, str]]:
    """Article texts: name, body. Payload entries are wrapped in a real sentence so they get
    extracted, and a second time alone."""
    out: list[tuple[str, str]] = []
    for group, items in (
        ("script", SCRIPTS),
        ("sql", SQL),
        ("unicode", UNICODE),
        ("number", NUMBERS),
        ("date", DATES),
    ):
        for i, item in enumerate(items):
            out.append((f"{group}-{i}-in-text", f"{LEAD} Officials said {item} on Tuesday. {item}"))
    for i, item in enumerate(SCRIPTS + SQL):
        out.append((f"payload-{i}-alone", item))
    out += [(f"control-{i}", item) for i, item in enumerate(CONTROL)]
    out += [(f"not-article-{i}", item) for i, item in enumerate(NOT_ARTICLES)]
    out += [(f"html-{i}", item) for i, item in enumerate(HTML_DOCS)]
    return out


def field_values() -> list[tuple[str, str, object]]:
    """(name, field, value) for the title, outlet, url and published_at of a submission."""
    out: list[tuple[str, str, object]] = []
    for field in ("title", "outlet"):
        for i, item in enumerate(SCRIPTS[:12] + SQL[:4] + UNICODE[:6]):
            out.append((f"{field}-{i}", field, item))
        out += [
            (f"{field}-long", field, "x" * 5000),
            (f"{field}-nul", field, "a\x00b"),
            (f"{field}-control", field, "a\x1bb"),
            (f"{field}-number", field, 12),
            (f"{field}-list", field, ["a"]),
            (f"{field}-object", field, {"a": 1}),
        ]
    for i, item in enumerate(
        [
            "javascript:window.__pwned=1",
            "data:text/html,<script>x</script>",
            "file:///etc/passwd",
            "http://127.0.0.1:5432/",
            "http://[::1]/",
            "http://" + "a" * 3000 + ".com/",
            "http://exa mple.com/",
            "http://example.com/<script>",
            "https://example.com/\u202egpj.exe",
            "http://xn--80ak6aa92e.com/",
            "https://user:pass@example.com/",
            "ftp://example.com/",
            "//example.com/x",
            "http://example.com/" + "%00",
            "http://example.com:99999/",
        ]
    ):
        out.append((f"url-{i}", "url", item))
    for i, item in enumerate(
        [
            "2024-02-30",
            "2024-13-01",
            "0000-00-00",
            "9999-12-31",
            "0001-01-01",
            "-0001-01-01",
            "10000-01-01",
            "2024-11-07T25:61:00Z",
            "2024-11-07T12:00:00+99:00",
            "yesterday",
            "",
            "\uff12\uff10\uff12\uff14-01-01",
            "2024-11-0\x00",
            "1e10",
            99999999999999999999,
            -1,
            1.5,
            True,
            ["2024-11-07"],
            {"date": "2024-11-07"},
            "2024-11-07T12:00:00.123456789Z",
            "9999-12-31T23:59:59.999999+00:00",
            "0001-01-01T00:00:00+14:00",
            "2024-W45-4",
        ]
    ):
        out.append((f"published-{i}", "published_at", item))
    return out


def raw_requests() -> list[tuple[str, str, bytes]]:
    """(name, content type, raw request body) that are not well-formed submissions."""
    return [
        ("deep-array", "application/json", b"[" * 100_000 + b"]" * 100_000),
        (
            "deep-object",
            "application/json",
            b'{"body": ' + b'{"a":' * 50_000 + b"1" + b"}" * 50_000 + b"}",
        ),
        ("deep-in-body", "application/json", b'{"body": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"),
        (
            "invalid-utf8",
            "application/json",
            b'{"body": "The ministry \xff\xfe said 40 people fled."}',
        ),
        (
            "overlong-utf8",
            "application/json",
            b'{"body": "\xc0\xaf The ministry said 40 people fled."}',
        ),
        (
            "utf16",
            "application/json",
            '{"body": "The ministry said 40 people fled."}'.encode("utf-16"),
        ),
        ("binary", "application/json", bytes(range(256)) * 4),
        ("truncated", "application/json", b'{"body": "The ministry said'),
        ("not-json", "application/json", b"body=The ministry said 40 people fled."),
        ("nan", "application/json", b'{"body": NaN}'),
        ("huge-int", "application/json", b'{"body": "x", "title": 1' + b"0" * 5000 + b"}"),
        ("top-level-list", "application/json", b'["The ministry said 40 people fled."]'),
        ("top-level-string", "application/json", b'"The ministry said 40 people fled."'),
        ("top-level-null", "application/json", b"null"),
        ("empty", "application/json", b""),
        (
            "duplicate-keys",
            "application/json",
            b'{"body": "a", "body": "The ministry said 41 people fled."}',
        ),
        ("plain-text", "text/plain", b"The ministry said 40 people fled."),
        (
            "xml",
            "application/xml",
            b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
        ),
        ("form-binary", "application/x-www-form-urlencoded", b"body=%00%01%02&title=%ff%fe"),
        (
            "form-invalid-utf8",
            "application/x-www-form-urlencoded",
            b"body=The+ministry+\xff+said+40+people+fled.",
        ),
        (
            "multipart-no-boundary",
            "multipart/form-data",
            b"--x\r\nContent-Disposition: form-data; name=body\r\n\r\nx\r\n--x--",
        ),
        ("multipart-bad-boundary", "multipart/form-data; boundary=", b"garbage"),
        ("body-too-large", "application/json", b'{"body": "' + b"a" * 2_500_000 + b'"}'),
        # Lone surrogates can only arrive escaped: they are not encodable as UTF-8.
        (
            "surrogate-body",
            "application/json",
            b'{"body": "The ministry said \\ud800 40 people fled."}',
        ),
        (
            "surrogate-title",
            "application/json",
            b'{"body": "The ministry said 41 people fled.", "title": "\\udfff"}',
        ),
        (
            "surrogate-outlet",
            "application/json",
            b'{"body": "The ministry said 42 people fled.", "outlet": "\\ud83d"}',
        ),
        (
            "surrogate-pair-split",
            "application/json",
            b'{"body": "The ministry said 43 \\ud83d people \\udca5 fled."}',
        ),
    ]


def files() -> list[tuple[str, str, bytes]]:
    """(name, file name, content) for the upload field and the ingest command."""
    sentence = LEAD.encode()
    return [
        ("binary-nul", "a.txt", b"\x00\x01\x02" * 100),
        ("png", "a.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
        ("invalid-utf8", "a.txt", sentence + b" \xff\xfe\xfd"),
        (
            "latin1",
            "a.txt",
            "The ministry said 40 people fled from S\u00e3o Paulo.".encode("latin-1"),
        ),
        ("utf16-bom", "a.txt", "The ministry said 40 people fled.".encode("utf-16")),
        ("utf8-bom", "a.txt", b"\xef\xbb\xbf" + sentence),
        ("empty", "a.txt", b""),
        ("whitespace", "a.txt", b" \n\t \r\n"),
        ("too-large", "a.txt", b"a " * 600_000),
        ("exe", "a.exe", b"MZ\x90\x00"),
        ("double-extension", "a.txt.exe", sentence),
        ("no-extension", "README", sentence),
        (
            "script-html",
            "a.html",
            b"<html><body><p>" + sentence + b"</p><script>window.__pwned=1</script></body></html>",
        ),
        ("script-text", "a.txt", sentence + b" <script>window.__pwned=1</script>"),
        (
            "svg-named-txt",
            "a.txt",
            b"<svg xmlns='http://www.w3.org/2000/svg' onload='window.__pwned=1'/>",
        ),
        ("path-traversal-name", "../../etc/passwd.txt", sentence),
        ("rtl-name", "evil\u202etxt.exe", sentence),
        ("control-chars", "a.txt", sentence + b"\x1b[2J\x07"),
        ("deep-html", "a.html", b"<div>" * 20000 + sentence + b"</div>" * 20000),
        ("only-script", "a.html", b"<html><script>window.__pwned=1</script></html>"),
    ]
