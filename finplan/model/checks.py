"""The checks of a plan, each with an id, a pass/fail and a French message (spec §4).

``fixed_honoured`` is a warning: it is reported (``ok`` false) but does not
make the plan fail.

>>> check = balanced("operating", "Fonctionnement", [2027, 2028], [0, 150000])
>>> check.ok, check.message
(False, 'Besoin « Fonctionnement » non couvert : 1 500 € en 2028.')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from finplan.model.bridging import TIED_KINDS
from finplan.model.money import Cents, format_euros, to_cents
from finplan.model.vocabulary import fold

__all__ = ["Check", "approved_short", "balanced", "bridge_advice", "caps", "cash",
           "fixed_honoured", "one_off_repeated", "per_fte_surplus", "public_share",
           "received_more"]


@dataclass(frozen=True)
class Check:
    id: str
    ok: bool
    message: str
    severity: str = "error"  # "error" fails the plan, "warning" does not
    member: str | None = None  # a collective: the member whose plan it checks

    @property
    def fails(self) -> bool:
        """True when this check makes the plan fail."""
        return not self.ok and self.severity == "error"


def _by_year(years: Sequence[int], amounts: Sequence[Cents]) -> str:
    parts = [f"{format_euros(amount)} en {year}"
             for year, amount in zip(years, amounts) if amount]
    return ", ".join(parts)


def balanced(need_id: str, label: str, years: Sequence[int],
             unfunded: Sequence[Cents]) -> Check:
    """``balanced.<need>``: no unfunded amount in any year."""
    if not any(unfunded):
        return Check(f"balanced.{need_id}", True, f"Besoin « {label} » entièrement couvert.")
    return Check(f"balanced.{need_id}", False,
                 f"Besoin « {label} » non couvert : {_by_year(years, unfunded)}.")


@dataclass(frozen=True)
class CapExcess:
    """A funder paid above one of its ceilings (a ``per_fte`` entitlement)."""

    funder: str
    kind: str  # "cap" (year given) or "cap_total"
    paid: Cents
    ceiling: Cents
    year: int | None = None


def caps(excesses: Sequence[CapExcess]) -> Check:
    """``caps``: no funder above its yearly ``cap`` or its ``cap_total``."""
    if not excesses:
        return Check("caps", True, "Aucun plafond de financeur n'est dépassé.")
    parts = []
    for excess in excesses:
        where = f"en {excess.year}" if excess.year else "sur la durée du plan"
        ceiling = "plafond annuel" if excess.kind == "cap" else "plafond total"
        parts.append(f"« {excess.funder} » verse {format_euros(excess.paid)} {where}, "
                     f"au-delà de son {ceiling} de {format_euros(excess.ceiling)}")
    return Check("caps", False, "Plafond dépassé : " + " ; ".join(parts) + ".")


def public_share(need_id: str, label: str, share: str, years: Sequence[int],
                 public: Sequence[Cents], ceilings: Sequence[Cents]) -> Check:
    """``public_share.<need>``: public funding within the need's ceiling each year."""
    over = [f"{format_euros(paid)} de financements publics en {year} pour un plafond "
            f"de {format_euros(ceiling)}"
            for year, paid, ceiling in zip(years, public, ceilings) if paid > ceiling]
    check_id = f"public_share.{need_id}"
    if not over:
        return Check(check_id, True, f"Part publique du besoin « {label} » dans la limite "
                     f"de {share}.")
    return Check(check_id, False, f"Part publique du besoin « {label} » au-delà de "
                 f"{share} : " + " ; ".join(over) + ".")


def cash(years: Sequence[int], balances: Sequence[Cents]) -> Check:
    """``cash``: no year ends with negative cash."""
    negative = [(year, balance) for year, balance in zip(years, balances) if balance < 0]
    if not negative:
        return Check("cash", True, "Trésorerie positive à chaque fin d'année.")
    parts = ", ".join(f"{format_euros(balance)} fin {year}" for year, balance in negative)
    return Check("cash", False, f"Trésorerie négative : {parts}.")


def cash_monthly(low: Cents, month: str, cause: str | None,
                 bridges: Sequence[str] = ()) -> Check:
    """``cash_monthly``: the balance never goes below zero at the end of a month, after
    the bridging facilities (``bridges``: their labels), which are named as exhausted
    when they are not enough.

    >>> text = cash_monthly(-150000, "mars 2028", None, ["Découvert"]).message
    >>> "(« Découvert ») étant épuisés" in text, text.endswith("1 500 € de plus.")
    (True, True)
    """
    named = ", ".join(f"« {label} »" for label in bridges)
    if low >= 0:
        helped = f", avec les financements relais ({named})" if bridges else ""
        return Check("cash_monthly", True, f"Trésorerie mensuelle positive tous les mois"
                     f"{helped} (point bas : {format_euros(low)} en {month}).")
    because = f", surtout à cause du versement tardif de « {cause} »" if cause else ""
    if bridges:
        because += (f", les financements relais prévus ({named}) étant épuisés ou pas "
                    "encore ouverts")
    return Check("cash_monthly", False, f"Trésorerie négative en {month} : "
                 f"{format_euros(low)} au plus bas{because} ; il faut un financement "
                 f"relais d'au moins {format_euros(-low)}{' de plus' if bridges else ''}.")


def fixed_honoured(cuts: Sequence[tuple[str, int, Cents, Cents]]) -> Check:
    """``fixed_honoured`` (warning): no fixed amount cut by the need.

    ``cuts`` are ``(funder, year, offered, paid)``.
    """
    if not cuts:
        return Check("fixed_honoured", True, "Chaque montant fixe est versé en entier.",
                     "warning")
    parts = [f"« {name} » : {format_euros(paid)} sur {format_euros(offered)} proposés "
             f"en {year}" for name, year, offered, paid in cuts]
    return Check("fixed_honoured", False, "Montant fixe réduit au besoin restant : "
                 + " ; ".join(parts) + ".", "warning")


def per_fte_surplus(label: str, years: Sequence[int], surplus: Sequence[Cents],
                    entitled: Sequence[str], others: Sequence[str],
                    earmarked: bool = False, decided: Sequence[str] = ()) -> str | None:
    """Why a need shows an « Excédent », in words (None: it has none): its per-FTE aids,
    paid first and by the posts rather than by the deficit, exceed it on their own, so
    its other funders have nothing left to cover; and what to do when a funder meant
    to pay whatever the deficit.  For an ``earmarked`` need (spec §6), the excess
    lowers the operating need instead.  On a basis of decisions (spec §7), the amounts
    ``decided`` are paid first too, as decided.

    >>> import textwrap
    >>> print(textwrap.fill(per_fte_surplus("Fonctionnement", [2027, 2028], [800000, 0],
    ...                                     ["ASP"], ["Département"]), 80))
    Besoin « Fonctionnement » : les aides par ETP (ASP) dépassent à elles seules ce
    besoin, d'où un excédent de 8 000 € en 2027. Elles sont versées en premier et
    selon les postes, pas selon le déficit : les autres financeurs de ce besoin
    (Département) n'ont rien à couvrir et le budget présente un excédent. Si un
    financeur paie des lignes précises (un poste, une charge) quel que soit le
    déficit, faites-lui financer un besoin particulier qui couvre ces lignes.
    >>> print(textwrap.fill(per_fte_surplus("Postes", [2027], [10000], ["ASP"], [],
    ...                                     earmarked=True), 80))
    Besoin « Postes » : les aides par ETP (ASP) dépassent à elles seules ce besoin,
    d'où un excédent de 100 € en 2027. Elles sont versées en premier et selon les
    postes, pas selon le coût des lignes financées : ce qu'elles versent au-delà
    réduit d'autant le besoin de fonctionnement.
    """
    if not any(surplus):
        return None
    if decided:  # spec §7: the amounts decided are served first too
        return (f"Besoin « {label} » : les montants décidés ou attendus des financeurs "
                f"({', '.join(decided)})" + (f" et les aides par ETP ({', '.join(entitled)})"
                                            if entitled else "")
                + f" dépassent ce besoin, d'où un excédent de {_by_year(years, surplus)}. "
                "Ce sont les montants décidés : le budget présente l'excédent tel quel ; "
                "signalez-le au financeur, qui peut demander le reversement de ce qui "
                "n'est pas employé.")
    head = (f"Besoin « {label} » : les aides par ETP ({', '.join(entitled)}) dépassent à "
            f"elles seules ce besoin, d'où un excédent de {_by_year(years, surplus)}. ")
    others_text = ("les autres financeurs de ce besoin (" + ", ".join(others)
                   + ") n'ont rien à couvrir et " if others else "")
    if earmarked:
        return (head + "Elles sont versées en premier et selon les postes, pas selon le "
                f"coût des lignes financées : {others_text}ce qu'elles versent au-delà "
                "réduit d'autant le besoin de fonctionnement.")
    return (head + "Elles sont versées en premier et selon les postes, pas selon le "
            f"déficit : {others_text}le budget présente un excédent. Si un financeur paie "
            "des lignes précises (un poste, une charge) quel que soit le déficit, "
            "faites-lui financer un besoin particulier qui couvre ces lignes.")


def received_more(name: str, received: Cents, planned: Cents) -> str | None:
    """A funder that has paid more than all its amounts of the plan (None: it has not):
    the plan is to be brought up to date.

    >>> import textwrap
    >>> print(textwrap.fill(received_more("Région", 600000, 500000), 80))
    « Région » a déjà versé 6 000 €, plus que ses montants du plan (5 000 €) : mettez
    à jour son « Montant voté ».
    """
    if received <= planned:
        return None
    return (f"« {name} » a déjà versé {format_euros(received)}, plus que ses montants du "
            f"plan ({format_euros(planned)}) : mettez à jour son « Montant voté ».")


def approved_short(years: Sequence[int], needed: Sequence, approved: Sequence) -> str | None:
    """Why a collective's member gets less aide au poste than its hours would bring:
    the insertion FTE its contracts' hours need exceed the posts the State approved
    (None: they do not).

    >>> import textwrap
    >>> from decimal import Decimal as D
    >>> print(textwrap.fill(approved_short([2027, 2028], [D("0.49"), D("0.989")],
    ...                                    [D("0.5"), D("0.8")]), 80))
    Les heures demandent plus d'ETP d'insertion que les postes agréés : 0,99 ETP
    pour 0,8 agréé en 2028 ; les aides par ETP à l'insertion sont limitées aux
    postes agréés : demandez un agrément plus large ou répartissez autrement les
    heures.
    """
    from finplan.model.money import format_decimal

    short = [f"{format_decimal(round(need, 2))} ETP pour {format_decimal(allowed)} agréé"
             f"{'s' if allowed > 1 else ''} en {year}"
             for year, need, allowed in zip(years, needed, approved) if need > allowed]
    if not short:
        return None
    return ("Les heures demandent plus d'ETP d'insertion que les postes agréés : "
            + ", ".join(short) + " ; les aides par ETP à l'insertion sont limitées aux "
            "postes agréés : demandez un agrément plus large ou répartissez autrement "
            "les heures.")


def bridge_advice(need: Cents, offers: Sequence, years: Sequence[int]) -> list[str]:
    """What each bridging facility of the case would take and cost on its own to close
    the gap of the cash before facilities (``need``: its deepest point; ``offers``:
    :class:`~finplan.model.bridging.Offer`), and the cheapest that closes it; with no
    facility in the case, what the gap asks for and the sourced 0 % offer.

    >>> from finplan.model.bridging import Offer
    >>> from finplan.model.case import Bridge
    >>> from decimal import Decimal as D
    >>> relais = Bridge("Prêt relais", "relais", D(40000), annual_rate=D("0.045"))
    >>> for text in bridge_advice(3600000, [Offer(relais, True, 3600000, 4, (0, 54000),
    ...                                          (0, 0))], [2027, 2028]):
    ...     print(text)
    Seul, « Prêt relais » comblerait le besoin de 36 000 € en prêtant jusqu'à 36 000 € sur \
4 mois, pour environ 540 € d'intérêts et de frais (2028 : 540 €).
    Le moins cher qui comble seul le besoin de 36 000 € : « Prêt relais », pour environ 540 € \
d'intérêts et de frais (2028 : 540 €).
    """
    if need <= 0:
        return []
    if not offers:
        return [f"Besoin de financement relais de {format_euros(need)} avant tout relais : "
                "un prêt relais, une avance remboursable, un Dailly ou une avance du "
                "financeur peut le couvrir. France Active et les fonds locaux d'avance "
                "remboursable prêtent de 5 000 à 30 000 € à 0 % sur une subvention "
                "accordée ; décrivez les financements envisagés (plafond, taux, frais) "
                "pour que finplan en calcule le coût."]
    def per_year(offer: Any) -> str:
        costs = [(year, i + f) for year, i, f in zip(years, offer.interest, offer.fees)
                 if i + f]
        return (" (" + ", ".join(f"{year} : {format_euros(cost)}" for year, cost in costs)
                + ")") if costs else ""

    texts = []
    for offer in offers:
        label = f"« {offer.bridge.label} »"
        if not offer.closes:
            limit = (f" : il ne prête qu'une part de ce que doit « {offer.bridge.funder} »"
                     if offer.bridge.funder and offer.bridge.kind in TIED_KINDS
                     else "")
            texts.append(f"Seul, {label} ne comblerait pas le besoin de "
                         f"{format_euros(need)}{limit}.")
            continue
        ceiling = to_cents(offer.bridge.ceiling)
        beyond = (f" (plafond prévu : {format_euros(ceiling)})" if offer.peak > ceiling
                  else "")
        texts.append(f"Seul, {label} comblerait le besoin de {format_euros(need)} en "
                     f"prêtant jusqu'à {format_euros(offer.peak)}{beyond} sur "
                     f"{offer.months} mois, pour environ {format_euros(offer.cost)} "
                     f"d'intérêts et de frais{per_year(offer)}.")
    closing = [offer for offer in offers if offer.closes]
    if closing:
        cheapest = min(closing, key=lambda offer: offer.cost)  # the first on a tie
        texts.append(f"Le moins cher qui comble seul le besoin de {format_euros(need)} : "
                     f"« {cheapest.bridge.label} », pour environ "
                     f"{format_euros(cheapest.cost)} d'intérêts et de frais"
                     f"{per_year(cheapest)}.")
    return texts


# Words of an expense or a revenue that happens once (folded: lower case, no accents),
# matched at the start of a word of its label.
ONE_OFF_WORDS = ("etude", "diagnostic", "audit", "achat", "acquisition", "installation",
                 "amenagement", "travaux", "creation", "mise en place", "lancement",
                 "inauguration", "demenagement", "exceptionnel", "premier etablissement")


def one_off_repeated(what: str, label: str, typed: Any, amounts: Sequence[Cents],
                     years: Sequence[int]) -> str | None:
    """A warning when an item named like something that happens once (a study, a
    purchase, an installation: :data:`ONE_OFF_WORDS`) is counted every year of a plan
    of several years (None otherwise); ``what``: « Charge » or « Recette », ``typed``
    its amount as typed, ``amounts`` by year.

    >>> print(one_off_repeated("Charge", "Étude de faisabilité", 8000, [800000] * 3,
    ...                        [2027, 2028, 2029]))
    Charge « Étude de faisabilité » : comptée chaque année (8 000 € en 2027, 8 000 € en \
2028, 8 000 € en 2029, soit 24 000 €) ; si elle n'a lieu qu'une fois, indiquez son année \
dans la colonne « Année(s) » du classeur (ou, dans le dossier, un montant par année : \
[8000, 0, 0]).
    >>> one_off_repeated("Charge", "Loyer", 8000, [800000] * 3, [2027, 2028, 2029]) is None
    True
    """
    folded = " " + " ".join(fold(label).replace("-", " ").replace("'", " ").split())
    if len(years) < 2 or not any(f" {word}" in folded for word in ONE_OFF_WORDS):
        return None
    once = [f"{typed}", *["0"] * (len(years) - 1)]
    return (f"{what} « {label} » : comptée chaque année ({_by_year(years, amounts)}, soit "
            f"{format_euros(sum(amounts))}) ; si elle n'a lieu qu'une fois, indiquez son "
            "année dans la colonne « Année(s) » du classeur (ou, dans le dossier, un "
            f"montant par année : [{', '.join(once)}]).")

