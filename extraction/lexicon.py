"""Word lists shared by the extraction components.

Kept in one place so the rules in the other modules read as grammar, not as vocabulary.
Everything here is lower-case and compared against `token.lower_` or `token.lemma_`.
"""

from __future__ import annotations

from .types import SourceKind

# Verbs that introduce reported content only through a clause, a quote or a parenthetical:
# "officials said (that) ...", "..., the ministry added". With a plain noun-phrase object they
# report an event instead ("the cabinet announced a two-week curfew").
SPEECH_VERBS = frozenset(
    """say tell report claim allege note emphasize emphasise warn announce add insist confirm
    indicate state write stress explain argue assert declare acknowledge admit reiterate maintain
    contend reply remark testify disclose complain charge concede speculate caution promise
    pledge recall tweet post inform assure estimate predict suggest learn hear observe
    mention conclude order assess believe suspect fear think determine find respond counter
    comment recount underline highlight point question doubt""".split()
)
# Of those, the verbs of belief and assessment also hedge what they introduce ("U.S. officials
# believe the missile was fired from Yemen"); their speaker is still the source.

# Stance verbs whose noun-phrase object already carries a proposition: "accused her of ...",
# "rejected the charges", "described the man as a courier", "has vowed to retaliate".
STANCE_VERBS = frozenset(
    """accuse deny reject describe view dub denounce brand label reveal vow hint blame
    characterize characterise portray regard attribute condemn consider link dismiss criticize
    criticise dispute""".split()
)

# Passive participles that name a relay or an origin with a by-phrase:
# "as reported by local media", "a document seen by Reuters", "figures cited by the agency".
RELAY_PARTICIPLES = frozenset(
    "report cite carry see obtain quote publish broadcast air relay release".split()
)

# Nouns for documents that speak for their author: "a statement by the army said ...".
DOCUMENT_NOUNS = frozenset(
    """statement report communique communiqué release post letter document assessment
    assessments readout transcript video message bulletin notice estimate estimates figures
    tally advisory alert findings survey study""".split()
)

# Verbs that state an inference when their subject is a thing ("the shootdown indicates ...",
# "the findings show ..."), and an attribution only when it is someone.
EVIDENTIAL_VERBS = frozenset(
    "indicate suggest show reveal demonstrate prove signal confirm".split()
)

# Nouns for what someone said, carried by a relay: "in comments reported by Interfax".
WORDS_NOUNS = frozenset("comment comments remark remarks interview speech address".split())

# "X released a video showing ...": publishing one of these attributes its content to X.
PUBLISHED_THINGS = frozenset(
    "photo photos video videos footage image images statement recording audio communique".split()
)
PUBLISH_VERBS = frozenset("publish release post issue broadcast air circulate".split())

# The publisher's own reporters are addressees, never relays ("told reporters").
NON_RELAY_ADDRESSEES = frozenset(
    "reporters journalists correspondents lawmakers parliament committee audience crowd".split()
)

PERSON_PRONOUNS = frozenset("he she him her".split())
THING_PRONOUNS = frozenset("it its".split())
PLURAL_PRONOUNS = frozenset("they them".split())
FIRST_SECOND_PRONOUNS = frozenset("i we you me us".split())

DEMONSTRATIVES = frozenset("the this that these those".split())

# Head nouns that make an unnamed or unknown mention a source of a given kind.
HEAD_KINDS: dict[str, SourceKind] = {
    **dict.fromkeys(
        """official officials spokesman spokeswoman spokesperson spokesmen minister secretary
        president governor chief commander ambassador diplomat diplomats envoy lawmaker
        lawmakers senator mayor premier chancellor general admiral colonel lieutenant
        captain prosecutor prosecutors judge adviser advisor advisers aide aides
        representative representatives negotiator negotiators""".split(),
        SourceKind.OFFICIAL,
    ),
    **dict.fromkeys(
        """source sources resident residents witness witnesses people survivor survivors
        member members activist activists doctor doctors villagers relatives insider
        insiders person""".split(),
        SourceKind.UNNAMED,
    ),
    **dict.fromkeys(
        "media press newspaper newspapers reports report outlets coverage".split(),
        SourceKind.MEDIA_REPORTS,
    ),
    **dict.fromkeys(
        "tv television channel broadcaster radio daily outlet network service paper".split(),
        SourceKind.OUTLET,
    ),
    "agency": SourceKind.NEWS_AGENCY,
    **dict.fromkeys(
        """ministry government police embassy presidency office council department cabinet
        administration kremlin parliament authorities authority municipality""".split(),
        SourceKind.GOVERNMENT,
    ),
    **dict.fromkeys(
        "military army forces force navy command troops coalition guard militia".split(),
        SourceKind.MILITARY,
    ),
    **dict.fromkeys(
        """analyst analysts expert experts researcher researchers institute scholar scholars
        observers observatory monitor monitors""".split(),
        SourceKind.EXPERT,
    ),
    **dict.fromkeys(
        "group militants rebels insurgents fighters jihadists".split(),
        SourceKind.ARMED_GROUP,
    ),
}

# Abbreviated titles and the word a later description uses: "Rear Adm. John Kirby" ... "the
# admiral said".
TITLE_WORDS = {
    "adm.": "admiral", "gen.": "general", "col.": "colonel", "capt.": "captain",
    "lt.": "lieutenant", "sgt.": "sergeant", "maj.": "major", "cmdr.": "commander",
    "cdr.": "commander", "gov.": "governor", "sen.": "senator", "rep.": "representative",
    "amb.": "ambassador", "brig.": "brigadier", "pres.": "president", "sec.": "secretary",
}  # fmt: skip

# Words inside a report mention that make it unconfirmed ("unconfirmed local reports",
# "unverified reports", "rumours").
UNCONFIRMED_WORDS = frozenset("unconfirmed unverified rumors rumours rumour rumor".split())

# Descriptions that re-mention a source of a compatible kind: "the channel" for a
# broadcaster, "the armed group" for a militia, "the report" for a news outlet.
DESCRIPTION_KINDS: dict[str, frozenset[SourceKind]] = {
    "service": frozenset({SourceKind.OUTLET, SourceKind.STATE_MEDIA, SourceKind.NEWS_AGENCY}),
    "channel": frozenset({SourceKind.OUTLET, SourceKind.STATE_MEDIA}),
    "broadcaster": frozenset({SourceKind.OUTLET, SourceKind.STATE_MEDIA}),
    "network": frozenset({SourceKind.OUTLET, SourceKind.STATE_MEDIA}),
    # (a government agency too: "The Treasury Department ... The agency said")
    "agency": frozenset(
        {
            SourceKind.NEWS_AGENCY,
            SourceKind.STATE_MEDIA,
            SourceKind.INTELLIGENCE,
            SourceKind.GOVERNMENT,
            SourceKind.INTERNATIONAL_ORG,
        }
    ),
    "group": frozenset({SourceKind.ARMED_GROUP, SourceKind.NGO}),
    "militants": frozenset({SourceKind.ARMED_GROUP}),
    "insurgents": frozenset({SourceKind.ARMED_GROUP}),
    "rebels": frozenset({SourceKind.ARMED_GROUP}),
    "organization": frozenset(
        {SourceKind.NGO, SourceKind.INTERNATIONAL_ORG, SourceKind.ARMED_GROUP}
    ),
    "report": frozenset(
        {
            SourceKind.OUTLET,
            SourceKind.NEWS_AGENCY,
            SourceKind.STATE_MEDIA,
            SourceKind.MEDIA_REPORTS,
        }
    ),
    "newspaper": frozenset({SourceKind.OUTLET, SourceKind.STATE_MEDIA}),
    "daily": frozenset({SourceKind.OUTLET, SourceKind.STATE_MEDIA}),
    "statement": frozenset(
        {
            SourceKind.GOVERNMENT,
            SourceKind.MILITARY,
            SourceKind.INTELLIGENCE,
            SourceKind.INTERNATIONAL_ORG,
            SourceKind.NGO,
            SourceKind.ARMED_GROUP,
            SourceKind.OTHER,
        }
    ),
    "government": frozenset({SourceKind.GOVERNMENT}),
    "military": frozenset({SourceKind.MILITARY}),
    "army": frozenset({SourceKind.MILITARY}),
}

MONTHS = (
    "january february march april may june july august september october november december"
).split()
# Demonyms for the country of an unknown source ("Afghan army officials" -> AF). Country names
# and capitals come from the registry's government entries instead.
DEMONYMS: dict[str, str] = {
    "afghan": "AF", "american": "US", "u.s.": "US", "us": "US", "british": "GB", "u.k.": "GB",
    "uk": "GB", "chinese": "CN", "egyptian": "EG", "french": "FR", "german": "DE",
    "indian": "IN", "iranian": "IR", "iraqi": "IQ", "israeli": "IL", "japanese": "JP",
    "jordanian": "JO", "lebanese": "LB", "libyan": "LY", "malaysian": "MY", "nigerian": "NG",
    "north korean": "KP", "pakistani": "PK", "palestinian": "PS", "qatari": "QA",
    "russian": "RU", "saudi": "SA", "somali": "SO", "south korean": "KR", "sudanese": "SD",
    "syrian": "SY", "turkish": "TR", "ukrainian": "UA", "yemeni": "YE", "belarusian": "BY",
    "polish": "PL", "georgian": "GE", "armenian": "AM", "azerbaijani": "AZ", "ethiopian": "ET",
    "kenyan": "KE", "congolese": "CD", "malian": "ML", "venezuelan": "VE", "colombian": "CO",
    "mexican": "MX", "brazilian": "BR", "filipino": "PH", "philippine": "PH", "taiwanese": "TW",
    "vietnamese": "VN", "indonesian": "ID", "burmese": "MM", "myanmar": "MM", "bangladeshi": "BD",
    "emirati": "AE", "kuwaiti": "KW", "omani": "OM", "bahraini": "BH", "algerian": "DZ",
    "moroccan": "MA", "tunisian": "TN", "canadian": "CA", "australian": "AU", "italian": "IT",
    "spanish": "ES", "dutch": "NL", "swedish": "SE", "finnish": "FI", "norwegian": "NO",
}  # fmt: skip
