"""The pairs scorer's own arithmetic (bench/eval_pairs.py): dates from a meta, and the scores."""

from __future__ import annotations

import datetime as dt

from bench.eval_pairs import published, score


def test_a_meta_date_is_read_from_its_leading_iso_part() -> None:
    assert published({"date": "2013-09-22 (inferred: 'early Sunday')"}) == dt.date(2013, 9, 22)
    assert published({"date": "2017-07 (inferred)"}) == dt.date(2017, 7, 15)
    assert published({"date": "2019 (inferred from the id range)"}) == dt.date(2019, 6, 30)
    assert published({"date": "November 2024"}) is None
    assert published({}) is None


def test_same_and_corroborates_are_scored_as_one_agreeing_kind() -> None:
    gold = ["same", "corroborates", "contradicts", "unrelated", "unrelated"]
    predicted = ["corroborates", "unrelated", "contradicts", "same", "unrelated"]
    result = score(gold, predicted)
    assert result["same+corroborates"] == {
        "precision": 0.5,
        "recall": 0.5,
        "gold": 2,
        "predicted": 2,
    }
    assert result["same"]["recall"] == 0.0
    assert result["contradicts"]["precision"] == 1.0
    assert result["confusion"]["unrelated -> same"] == 1
