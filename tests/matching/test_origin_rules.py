"""Counting independent origins never counts one statement twice (`matching.origins_counted`)."""

from __future__ import annotations

from claims.matching import OriginVerdict, origins_counted

NIS, YONHAP, PENTAGON, MEDIA, OFFICIALS = 1, 2, 3, 4, 5
OUTLET_A, OUTLET_B = 10, 11
named, generic, unnamed = "intelligence", "media_reports", "unnamed"


def _counted(verdicts: dict[str, OriginVerdict]) -> list[str]:
    return sorted(k for k, v in verdicts.items() if v.counts)


def test_a_chain_that_lost_its_origin_does_not_add_one() -> None:
    # "NIS said, according to Yonhap" in one outlet; "Yonhap said" in another.
    verdicts = origins_counted(
        [([(NIS, named), (YONHAP, "agency")], OUTLET_A), ([(YONHAP, "agency")], OUTLET_B)]
    )
    assert _counted(verdicts) == [f"source:{NIS}"]
    assert verdicts[f"source:{YONHAP}"] == OriginVerdict(
        counts=False, reason="relays_another", other=f"source:{NIS}"
    )


def test_a_generic_relay_beside_a_named_origin_does_not_add_one() -> None:
    verdicts = origins_counted([([(NIS, named)], OUTLET_A), ([(MEDIA, generic)], None)])
    assert _counted(verdicts) == [f"source:{NIS}"]
    assert verdicts[f"source:{MEDIA}@None"].reason == "generic_relay"


def test_generic_relays_alone_still_count() -> None:
    verdicts = origins_counted([([(MEDIA, generic)], OUTLET_A)])
    assert _counted(verdicts) == [f"source:{MEDIA}@{OUTLET_A}"]


def test_two_named_origins_both_count() -> None:
    verdicts = origins_counted([([(NIS, named)], OUTLET_A), ([(PENTAGON, "military")], OUTLET_B)])
    assert _counted(verdicts) == [f"source:{NIS}", f"source:{PENTAGON}"]


def test_an_outlets_own_words_do_not_count_beside_the_origin_it_relays() -> None:
    # Outlet A relays the NIS in one article and states the same figure unattributed in another.
    verdicts = origins_counted([([(NIS, named)], OUTLET_A), ([], OUTLET_A)])
    assert _counted(verdicts) == [f"source:{NIS}"]
    assert verdicts[f"outlet:{OUTLET_A}"].reason == "relays_another"


def test_another_outlets_own_reporting_counts() -> None:
    verdicts = origins_counted([([(NIS, named)], OUTLET_A), ([], OUTLET_B)])
    assert _counted(verdicts) == [f"outlet:{OUTLET_B}", f"source:{NIS}"]


def test_unnamed_officials_relayed_by_an_agency_are_an_origin_of_their_own() -> None:
    verdicts = origins_counted(
        [
            ([(NIS, named), (YONHAP, "agency")], OUTLET_A),
            ([(OFFICIALS, unnamed), (YONHAP, "agency")], OUTLET_B),
        ]
    )
    assert _counted(verdicts) == [f"source:{NIS}", f"source:{OFFICIALS}@{YONHAP}"]


def test_sources_relaying_each_other_all_round_still_count() -> None:
    verdicts = origins_counted(
        [([(NIS, named), (YONHAP, "agency")], None), ([(YONHAP, "agency"), (NIS, named)], None)]
    )
    assert _counted(verdicts) == [f"source:{NIS}", f"source:{YONHAP}"]
