"""marts.association_growth on the real national series (datasets/reference/reports/): a
comparison across the 2011-2012 re-registration is flagged as crossing a taxonomy break, and
the like-for-like change covers only the confessions counted under the same code on both
dates (datasets/reference/taxonomy_changes.csv)."""

from __future__ import annotations


def growth(con, family: str, start: str, end: str):
    return con.execute(
        "SELECT from_count, to_count, crosses_taxonomy_break, taxonomy_changes, "
        "like_for_like_from, like_for_like_to, like_for_like_confessions, not_compared_from, "
        "not_compared_to FROM marts.association_growth WHERE confession_family = ? "
        "AND from_date = ? AND to_date = ?", [family, start, end]).fetchone()


def test_the_re_registration_is_a_break_not_only_a_fall(demo_con):
    row = growth(demo_con, "ALL", "2011-01-01", "2012-10-25")
    assert row[:3] == (4551, 3088, True)
    assert "2012-reclassification" in row[3]
    assert "2012-counting-unit" in row[3]  # 2011 counts small groups, 2012 branches
    assert row[4:7] == (None, None, None)  # no confession is given on both dates


def test_2007_to_2017_like_for_like_is_islam_judaism_buddhism(demo_con):
    """The programme (2007) and the Ministry's table (2017) share three codes: ISL, JUD, BUD.
    Orthodoxy is not like for like (270 Russian Orthodox in 2007; 333 «Orthodoxy» with the Old
    Believers and Armenians in 2017), nor are the Protestants (a family total against
    denominations)."""
    row = growth(demo_con, "ALL", "2007-01-01", "2017-04-20")
    assert row[:3] == (3783, 3679, True)
    assert row[4:7] == (2144 + 27 + 4, 2570 + 7 + 2, "BUD,ISL,JUD")
    assert row[7:] == (3783 - 2175, 3679 - 2579)
    islam = growth(demo_con, "ISL", "2007-01-01", "2017-04-20")
    assert islam[:3] == (2144, 2570, True)  # Muslim groups folded into SAMK: flagged
    assert islam[4:7] == (2144, 2570, "ISL")  # but Islam's total is still comparable
    orthodox = growth(demo_con, "ORT", "2007-01-01", "2017-04-20")
    assert orthodox[:3] == (270, 333, True) and orthodox[4] is None


def test_before_the_law_nothing_is_flagged(demo_con):
    for family in ("ALL", "ISL", "ORT", "CAT", "PRO"):
        assert growth(demo_con, family, "1990-01-01", "2007-01-01")[2] is False
    flagged = demo_con.execute(
        "SELECT count(*) FROM marts.association_growth WHERE crosses_taxonomy_break "
        "AND to_date < DATE '2011-10-25'").fetchone()[0]
    assert flagged == 0


def test_the_programme_figures_are_unchanged(demo_con):
    assert growth(demo_con, "ALL", "1990-01-01", "2007-01-01")[:2] == (671, 3783)
    assert growth(demo_con, "ISL", "1990-01-01", "2007-01-01")[:2] == (46, 2144)
