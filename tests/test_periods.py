from datetime import date

import pytest

from ahual.flows.periods import Period, last_closed


def test_quarters_and_half_years():
    q = Period.parse("2008q4")
    assert (str(q), q.start, q.end) == ("2008Q4", date(2008, 10, 1), date(2008, 12, 31))
    h = Period.parse("2008H1")
    assert (h.start, h.end, str(h.next())) == (date(2008, 1, 1), date(2008, 6, 30), "2008H2")
    assert str(Period.parse("2008H2").next()) == "2009H1"


def test_last_closed_period():
    assert str(last_closed("Q", date(2009, 1, 1))) == "2008Q4"
    assert str(last_closed("Q", date(2008, 12, 31))) == "2008Q3"
    assert str(last_closed("H", date(2009, 1, 10))) == "2008H2"
    assert str(last_closed("H", date(2009, 7, 10))) == "2009H1"


@pytest.mark.parametrize("text", ["2008", "2008Q5", "2008H3", "Q4 2008", ""])
def test_bad_periods_say_how_to_write_them(text):
    with pytest.raises(ValueError, match="2008Q4"):
        Period.parse(text)
