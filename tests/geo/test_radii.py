"""Range-ring radii as typed in the dialog: "10, 25 50"."""

import pytest

from sitrep_desktop.geo.units import RadiiError, parse_radii


def test_radii_are_read_sorted_and_checked():
    assert parse_radii("25, 10 50;10") == [10.0, 25.0, 50.0]
    for text in ("", "ten", "0", "nan", "-5", "inf"):
        with pytest.raises(RadiiError):
            parse_radii(text)
