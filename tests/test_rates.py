"""The IAE aide au poste table: figures by date in force, with their sources."""

from decimal import Decimal

import pytest

from finplan.rates import UnknownRate, aide_au_poste


def test_figure_of_a_year_with_one_arrete():
    rate = aide_au_poste("ACI", 2025)
    assert rate.amount == Decimal("23921.00")
    assert rate.sources == ("Arrêté du 4 décembre 2024",)
    # a year straddling two texts names both.
    assert aide_au_poste("ACI", 2024).sources == ("Arrêté du 30 avril 2024",
                                                  "Arrêté du 4 décembre 2024")
    assert rate.warning is None


def test_year_with_two_figures_is_averaged_by_month():
    # 2023: 22 692 in January-April, 23 196 from May: (4 × 22 692 + 8 × 23 196) / 12.
    assert aide_au_poste("ACI", 2023).amount == Decimal("23028.00")
    # EI 2024: 10 months at 12 218, 2 at 12 459 -> 12 258.17.
    assert aide_au_poste("EI", 2024).amount == Decimal("12258.17")


def test_later_year_uses_the_latest_figure_with_a_warning():
    rate = aide_au_poste("EI", 2026)
    assert rate.amount == Decimal("13304.00")
    assert "aucun montant connu pour 2026" in rate.warning
    assert "en vigueur depuis le 1er janvier 2025" in rate.warning


def test_unknown_before_the_first_figure():
    with pytest.raises(UnknownRate, match="avant le 1er novembre 2024"):
        aide_au_poste("EITI", 2024)
