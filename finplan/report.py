"""The plan as readable French text tables (what ``finplan plan`` prints).

>>> print(table("Exemple", ["", "2027"], [["Loyer", 1200000]]))
Exemple
───────
                                                   2027
Loyer                                          12 000 €
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from finplan.model.actuals import Comparison, FunderFollowUp, LineComparison
from finplan.model.budget import CERFA_SUB_LINES, CHARGE_LINES, IN_KIND_LINES, PRODUIT_LINES
from finplan.model.cash import month_label
from finplan.model.dossier import Dossier, FormLine, FunderLine
from finplan.model.money import Cents, format_decimal, format_euros, to_cents
from finplan.model.plan import PlanInternals
from finplan.model.vocabulary import counted, label

__all__ = ["BASIS_WORDS", "LEFT_TO_OPERATING", "LIMIT_WORDS", "render_dossier",
           "render_frame", "render_plan", "render_simulation", "table",
           "render_actuals", "render_compte_rendu"]

LABEL_WIDTH = 44
AMOUNT_WIDTH = 13

# What an earmarked need's funders leave of it (spec §6): not unfunded, it stays in the
# operating need, which that need's funders cover.
LEFT_TO_OPERATING = "Reste au besoin de fonctionnement"
# What limited an allocation, in words (long form, and short form for table cells).
LIMIT_WORDS = {
    "none": "montant demandé versé en entier",
    "need": "limité par le besoin restant",
    "cap": "plafond annuel du financeur",
    "cap_total": "plafond total du financeur",
    "public_ceiling": "plafond de la part publique du besoin",
}
# The basis a plan is computed on (spec §7), in words.
BASIS_WORDS = {
    "demande": "montants demandés (les statuts des demandes ne changent rien au calcul)",
    "decide": "décisions obtenues (le montant voté des demandes votées, conventionnées "
              "ou versées ; 0 pour les demandes envisagées, sollicitées ou refusées)",
    "attendu": "montants attendus (le montant voté des demandes décidées ; 0 pour les "
               "demandes refusées ; le montant demandé multiplié par sa probabilité pour "
               "les demandes envisagées ou sollicitées)",
}
_LIMIT_SHORT = {"none": "demande", "need": "besoin", "cap": "plafond/an",
                "cap_total": "plafond total", "public_ceiling": "plaf. public"}
_CHECK_STATUS = {True: "OK", False: "À revoir"}


def _cell(value: Cents | Decimal | str) -> str:
    """An amount right-aligned: cents, or Decimal euros (a dossier's), or a text."""
    if isinstance(value, Decimal):
        value = to_cents(value)
    text = value if isinstance(value, str) else format_euros(value)
    return text.rjust(AMOUNT_WIDTH)


def _label(text: str, indent: int = 0) -> str:
    text = " " * indent + text
    if len(text) > LABEL_WIDTH:
        text = text[:LABEL_WIDTH - 1] + "…"
    return text.ljust(LABEL_WIDTH)


def table(title: str, header: Sequence[str], rows: Sequence[Sequence],
          indents: Sequence[int] | None = None) -> str:
    """A titled text table: first column a label, the others amounts or text."""
    lines = [title, "─" * len(title),
             _label(header[0]) + " " + " ".join(_cell(h) for h in header[1:])]
    for number, row in enumerate(rows):
        indent = indents[number] if indents else 0
        lines.append(_label(str(row[0]), indent) + " "
                     + " ".join(_cell(value) for value in row[1:]))
    return "\n".join(line.rstrip() for line in lines)


def _budget(plan: PlanInternals) -> str:
    header = ["", *map(str, plan.years)]
    rows, indents = [], []
    for section, lines, totals, grand_total, title in (
            ("charges", CHARGE_LINES, plan.charges, plan.charges_total, "CHARGES"),
            ("produits", PRODUIT_LINES, plan.produits, plan.produits_total, "PRODUITS")):
        rows.append([title, *[""] * len(plan.years)])
        indents.append(0)
        for code, line_label in lines.items():
            detail = [row for row in plan.budget_rows
                      if row.section == section and row.line == code and any(row.amounts)]
            if not any(totals[code]) and not detail:
                continue
            rows.append([f"{code} {line_label}", *totals[code]])
            indents.append(1)
            for row in detail:
                code_text = "" if row.level == 2 or "." in row.code else f"{row.code} "
                rows.append([f"{code_text}{row.label}", *row.amounts])
                indents.append(2 * row.level + 1)
        rows.append([f"Total des {section}", *grand_total])
        indents.append(0)
        code, side = ("86", plan.in_kind.charges) if section == "charges" else (
            "87", plan.in_kind.produits)
        if any(plan.in_kind.total):  # outside the total, as on the form
            rows.append([f"{code} {IN_KIND_LINES[code]}", *plan.in_kind.total])
            indents.append(1)
            for account, text, _ in CERFA_SUB_LINES[code]:
                if any(side[account]):
                    rows.append([f"{account} {text}", *side[account]])
                    indents.append(3)
    rows.append(["Résultat", *plan.result])
    rows.append(["Capacité d'autofinancement (CAF)", *plan.caf])
    indents += [0, 0]
    return table("Budget prévisionnel (lignes du Cerfa 12156)", header, rows, indents)


def _lowered(text: str) -> str:
    """A label inside a sentence: its first letter lowercased, acronyms kept.

    >>> _lowered("Par ETP"), _lowered("Public")
    ('par ETP', 'public')
    """
    return text[:1].lower() + text[1:]


def _funders(plan: PlanInternals) -> str:
    header = ["", *map(str, plan.years), "Total"]
    rows, indents = [], []
    for result in plan.need_results:
        rows.append([f"Besoin : {result.need.label}", *result.amounts, sum(result.amounts)])
        indents.append(0)
        for funding in result.funding:
            rows.append([funding.name, *funding.amounts, funding.total])
            if funding.decided:  # its decision, not its rule, gave the amount
                limits = [_lowered(label("status", status)) for status in funding.statuses()]
            else:
                limits = [_LIMIT_SHORT[limit] if amount or limit != "need" else "—"
                          for limit, amount in zip(funding.limited_by, funding.amounts)]
            rows.append([f"({_lowered(label('type', funding.type))}, "
                         f"{_lowered(label('rule', funding.funder.rule))})", *limits, ""])
            indents += [2, 4]
            if funding.decided:
                rows.append(["demandé", *funding.requested, sum(funding.requested)])
                indents.append(4)
        if result.need.is_earmarked:
            rows.append([LEFT_TO_OPERATING, *result.to_operating, sum(result.to_operating)])
        else:
            rows.append(["Non financé", *result.unfunded, sum(result.unfunded)])
        indents.append(2)
        if any(result.surplus):
            rows.append(["Excédent (droits au-delà du besoin)", *result.surplus,
                         sum(result.surplus)])
            indents.append(2)
    legend = "Ce qui a limité chaque montant : " + " ; ".join(
        f"{_LIMIT_SHORT[key]} = {LIMIT_WORDS[key]}" for key in LIMIT_WORDS) + "."
    if plan.case.project.basis != "demande":
        legend += (" Une demande à un financeur donne, selon son statut (voté, refusé…), "
                   f"le montant de la base du calcul : {BASIS_WORDS[plan.case.project.basis]}"
                   " ; « demandé » rappelle le montant demandé.")
    return table("Financeurs par besoin et par année (et ce qui a limité chacun)", header,
                 rows, indents) + "\n" + legend


def _financing(plan: PlanInternals) -> str:
    header = ["", *map(str, plan.years)]
    rows, indents = [], []
    for side, title, total in (("emplois", "EMPLOIS", plan.emplois),
                               ("ressources", "RESSOURCES", plan.ressources)):
        rows.append([title, *[""] * len(plan.years)])
        indents.append(0)
        for row in plan.financing_rows:
            if row.side == side and any(row.amounts):
                rows.append([row.label, *row.amounts])
                indents.append(2)
        rows.append([f"Total des {side}", *total])
        indents.append(0)
    movement = [r - e for r, e in zip(plan.ressources, plan.emplois)]
    rows.append(["Variation de trésorerie", *movement])
    rows.append(["Trésorerie en fin d'année", *plan.cash_end])
    indents += [0, 0]
    text = table("Plan de financement", header, rows, indents)
    monthly = plan.monthly
    low, month = monthly.low
    after = " après les financements relais" if plan.case.bridges else ""
    still = " restant" if plan.case.bridges else ""
    text += (f"\n\nTrésorerie mensuelle{after} : point bas {format_euros(low)} en "
             f"{month_label(month, plan.years[0])} ; besoin de financement relais{still} : "
             f"{format_euros(monthly.bridging_need)}")
    if monthly.bridging_need and monthly.main_cause:
        text += f" (cause principale : versement tardif de « {monthly.main_cause} »)"
    text += "."
    if monthly.receivable_end:
        text += (f"\nReste à recevoir des financeurs après la fin du plan : "
                 f"{format_euros(monthly.receivable_end)}.")
    if plan.case.bridges:
        text += "\n\n" + _bridges(plan)
    advice = plan.bridging_advice
    if advice:
        text += "\n" + "\n".join(advice)
    custom = [result for result in plan.need_results
              if result.need.is_custom and not result.need.is_earmarked]
    if custom:
        memo_rows, memo_indents = [], []
        for result in custom:
            memo_rows.append([result.need.label, *result.amounts])
            memo_indents.append(0)
            for funding in result.funding:
                memo_rows.append([funding.name, *funding.amounts])
                memo_indents.append(2)
        text += "\n\n" + table("Besoins hors comptes de l'association (payés directement "
                               "par les financeurs)", header, memo_rows, memo_indents)
    return text


def _break_even(plan: PlanInternals) -> str:
    """The break-even of each year (:mod:`finplan.model.breakeven`): the own revenue at
    which the result is zero, with and without the grants, and what is sold then."""
    point = plan.break_even
    header = ["", *map(str, plan.years)]

    def shown(values: Sequence[Cents | None]) -> list[Cents | str]:
        return ["—" if value is None else value for value in values]

    rows = [["Recettes propres prévues", *point.revenue],
            ["Charges variables (suivent les ventes)", *point.variable],
            ["Charges fixes", *point.fixed],
            ["Subventions (74 et 747)", *point.grants],
            ["Point mort (recettes propres)",
             *shown(point.with_grants)],
            ["  sans les subventions", *shown(point.without_grants)],
            ["Marge de sécurité (prévu − point mort)", *shown(point.margin)]]
    indents = [0] * len(rows)
    for what, values in plan.sold_at_break_even().items():
        rows.append([f"  soit, vendus : {what}",
                     *["—" if value is None else format_decimal(value) for value in values]])
        indents.append(0)
    note = ("Les charges marquées « variable » suivent les recettes propres ; les autres "
            "charges et les subventions restent celles du plan.")
    return table("Point mort (seuil de rentabilité)", header, rows, indents) + "\n" + note


def _gaps(plan: PlanInternals) -> str:
    """On a basis of decisions: each need's requests that give other than asked, who
    takes the difference, what stays unfunded (:mod:`finplan.model.gaps`), in words."""
    header = ["", *map(str, plan.years), "Total"]
    rows, indents = [], []
    for gap in plan.gaps:
        rows.append([f"Besoin : {gap.label}", *[""] * (len(plan.years) + 1)])
        indents.append(0)
        for name, asked, got in gap.requests:
            less = [a - g for a, g in zip(asked, got)]
            rows.append([name, *less, sum(less)])
            indents.append(2)
        rows.append(["Écart total", *gap.gap, sum(gap.gap)])
        indents.append(2)
        for name, more in gap.taken:
            rows.append([f"repris par {name}", *more, sum(more)])
            indents.append(4)
        for words, values in (("non financé en plus", gap.unfunded),
                              ("besoin en plus", gap.need_change),
                              ("excédent en plus", gap.surplus_change)):
            if any(values):
                rows.append([words, *values, sum(values)])
                indents.append(4)
    return (table("Écarts avec les demandes (montant demandé − montant retenu)",
                  header, rows, indents) + "\n" + "\n".join(plan.gap_advice))


def _bridges(plan: PlanInternals) -> str:
    """The bridging facilities by year: balance at the year's end, interest and fees,
    and each one's highest balance."""
    header = ["", *map(str, plan.years)]
    rows, indents, peaks = [], [], []
    for summary in plan.bridges:
        bridge = summary.bridge
        rows += [[bridge.label, *[""] * len(plan.years)],
                 ["Encours en fin d'année", *summary.balance_end],
                 ["Intérêts (66)", *summary.interest], ["Frais (627)", *summary.fees]]
        indents += [0, 2, 2, 2]
        peaks.append(f"« {bridge.label} » au plus haut : {format_euros(summary.peak)} en "
                     f"{month_label(summary.peak_month, plan.years[0])}" if summary.peak
                     else f"« {bridge.label} » : pas utilisé")
    return (table("Financements relais (trésorerie mensuelle)", header, rows, indents)
            + "\n" + " ; ".join(peaks) + ".")


def _checks(plan: PlanInternals) -> str:
    lines = ["Contrôles", "─────────"]
    for check in plan.check_results:
        status = _CHECK_STATUS[check.ok] if check.severity == "error" or check.ok else (
            "Attention")
        lines.append(f"[{status}] {check.id} : {check.message}")
    failed = [check for check in plan.check_results if check.fails]
    verdict = ("Le plan est équilibré : tous les contrôles sont passés." if plan.ok else
               f"Le plan n'est pas validé : {counted(len(failed), 'contrôle')} à revoir "
               "([À revoir] ci-dessus) ; ce sont les chiffres du dossier qui sont en cause "
               "(un besoin non financé, une trésorerie négative…), pas l'installation de "
               "finplan.")
    lines.append(verdict)
    return "\n".join(lines)


def render_frame(title: str, frame: Any, corner: str = "") -> str:
    """A DataFrame of euro amounts (Decimal) or texts as a titled text table."""
    rows = [[str(label), *[to_cents(value) if isinstance(value, Decimal) else str(value)
                           for value in values]] for label, values in frame.iterrows()]
    return table(title, [corner, *map(str, frame.columns)], rows)


def render_plan(plan: PlanInternals) -> str:
    """The whole plan as text: budget, funders, financing plan, cash, checks."""
    project = plan.case.project
    head = [f"{project.name} — {project.organisation}",
            f"Plan sur {counted(len(plan.years), 'an')} : {plan.years[0]} à {plan.years[-1]}, "
            f"activité démarrant au mois {project.start_month}."]
    if plan.members:
        head.append(f"Collectif de {counted(len(plan.members), 'membre')} : " + ", ".join(
            member.name + (" (mandataire)" if member.mandataire else "")
            for member in plan.case.members) + ". D'abord le plan consolidé (sans les "
            "reversements entre membres), puis celui de chaque membre.")
    if project.basis != "demande" or any(f.status is not None for f in plan.case.funders):
        head.append(f"Base du calcul : {BASIS_WORDS[project.basis]}.")
    head += [f"Avertissement : {warning}" for warning in plan.warnings]
    head.append("Montants arrondis à l'euro (finplan plan --json donne les centimes).")
    blocks = ["\n".join(head), _budget(plan), _break_even(plan), _funders(plan),
              *([_gaps(plan)] if plan.gaps else []), _financing(plan)]
    if plan.members:
        blocks.append(_members(plan))
        for member, own in zip(plan.case.members, plan.members):
            title = f"MEMBRE : {member.name}" + (" (mandataire)" if member.mandataire else "")
            blocks += ["═" * len(title) + "\n" + title + "\n" + "═" * len(title),
                       _budget(own), _funders(own), _financing(own)]
    return "\n\n".join([*blocks, _checks(plan)]) + "\n"


def _percent(share: Decimal | None) -> str:
    """A share of the budget as French text: « 25,0 % » (« — »: a budget of 0)."""
    return "—" if share is None else f"{share:.1f}".replace(".", ",") + " %"


def _statuses(statuses: Sequence[str | None]) -> list[str]:
    return ["—" if status is None else label("status", status) for status in statuses]


def _form(lines: Sequence[FormLine]) -> tuple[list[list[Any]], list[int]]:
    rows = [[f"{line.code} {line.label}".strip(), *line.amounts, sum(line.amounts)]
            for line in lines]
    return rows, [2 if line.kind == "sub" else 0 for line in lines]


def _funder_rows(line: FunderLine, rows: list[list[Any]], indents: list[int],
                 name: str | None = None) -> None:
    """A funder line: its amounts requested (under ``name``, else its name), whether it
    finances investments, its statuses, and what the plan retains when that differs."""
    rows.append([line.name if name is None else name, *line.requested, sum(line.requested)])
    indents.append(0)
    if not line.in_budget:
        rows.append([f"hors budget : {line.need}", *[""] * (len(line.requested) + 1)])
        indents.append(2)
    if any(status is not None for status in line.statuses):
        rows.append(["statut", *_statuses(line.statuses), ""])
        indents.append(2)
    if line.retained != line.requested:
        rows.append(["retenu dans le plan", *line.retained, sum(line.retained)])
        indents.append(2)


def render_dossier(dossier: Dossier, plan: PlanInternals) -> str:
    """A funder's dossier as text (:mod:`finplan.model.dossier`): the request (each of
    the funder's lines), the action's budget as the Cerfa n° 12156*06 sets it out, the
    other funders and the state of their requests, the payments expected."""
    project = plan.case.project
    header = ["", *map(str, dossier.years), "Total"]
    head = "\n".join([
        f"Dossier de demande — {dossier.funder}",
        f"Projet « {project.name} », porté par {project.organisation}, "
        f"{dossier.years[0]} à {dossier.years[-1]}.",
        f"Base du calcul du plan : {BASIS_WORDS[project.basis]}."])
    request: list[list[Any]] = []
    indents: list[int] = []
    single = len(dossier.requests) == 1
    for line in dossier.requests:
        _funder_rows(line, request, indents, "Montant demandé" if single else None)
    if not single:
        request.append(["Total demandé", *dossier.requested, sum(dossier.requested)])
        indents.append(0)
    request.append(["Part du budget de l'action", *map(_percent, dossier.share),
                    _percent(dossier.share_total)])
    indents.append(0)
    charges, charge_indents = _form(dossier.charges)
    produits, produit_indents = _form(dossier.produits)
    blank = [""] * (len(header) - 1)
    budget = table("Budget prévisionnel de l'action (formulaire Cerfa n° 12156*06)",
                   header, [["CHARGES", *blank], *charges, ["PRODUITS", *blank], *produits],
                   [0, *charge_indents, 0, *produit_indents])
    others: list[list[Any]] = []
    other_indents: list[int] = []
    for other in dossier.co_funders:
        _funder_rows(other, others, other_indents)
    co_funding = (table("Autres financeurs (montants demandés et état des demandes)", header,
                        others, other_indents) if others else "Autres financeurs : aucun.")
    first = plan.years[0]
    schedule: list[list[Any]] = [[month_label(month, first), amount]
                                 for month, amount in dossier.payments]
    if dossier.outside:
        schedule.append(["hors de la période du plan", dossier.outside])
    payments = (table(f"Versements attendus de {dossier.funder} (trésorerie du plan)",
                      ["Mois", "Montant"], schedule) if schedule
                else f"Versements attendus de {dossier.funder} : aucun.")
    return "\n\n".join([head, table("La demande", header, request, indents), budget,
                         co_funding, payments]) + "\n"


def _members(plan: PlanInternals) -> str:
    """A collective's members side by side: hours, own revenue, insertion FTE, aide au
    poste, result and year-end cash, by year."""
    header = ["", *map(str, plan.years)]
    rows, indents = [], []
    for member, own in zip(plan.case.members, plan.members):
        rows.append([member.name, *[""] * len(plan.years)])
        hours = [sum(year) for year in zip(*own.hours.values())] or [0] * len(plan.years)
        rows += [["Heures des contrats", *[f"{format_decimal(h)} h" for h in hours]],
                 ["ETP d'insertion", *[format_decimal(round(f, 2)) for f in own.fte_insertion]],
                 ["Recettes propres", *own.own_revenue],
                 ["Aides par ETP (aide au poste)", *own.per_fte_aid],
                 ["Résultat", *own.result],
                 ["Trésorerie en fin d'année", *own.cash_end]]
        indents += [0, 2, 2, 2, 2, 2, 2]
    return table("Membres du collectif", header, rows, indents)


def render_simulation(simulation: Any, histogram_measure: str = "result") -> str:
    """A Monte Carlo run as text: settings, probabilities, percentiles, a histogram."""
    from finplan.model.montecarlo import decision_targets
    from finplan.simulation import MEASURES, PROBABILITIES, describe_variation

    case, settings = simulation.case, simulation.settings
    head = [f"{case.project.name} — {case.project.organisation}",
            f"Monte Carlo : {f'{settings.draws:,}'.replace(',', ' ')} tirages, graine "
            f"{settings.seed} (calcul en {f'{simulation.seconds:.2f}'.replace('.', ',')} s).",
            "Valeurs qui varient (valeur du dossier × (1 + x), chaque année) :"]
    head += [f"  {variation.path} : {describe_variation(variation)}"
             for variation in settings.vary]
    decided = decision_targets(case)
    if decided:
        head.append("Décisions des financeurs tirées au sort (base « Montants attendus ») : "
                    "chaque demande envisagée ou sollicitée est accordée en entier ou "
                    "refusée selon sa probabilité : " + ", ".join(
                        case.funders[target.index].name for target in decided) + ".")
    def percent(value: float) -> str:
        return f"{format_decimal(Decimal(repr(value * 100)).quantize(Decimal('0.1')))} %"

    probabilities = simulation.probabilities
    chances = [f"{PROBABILITIES[key]} : {percent(value)}"
               for key, value in probabilities.items()]
    if case.bridges:  # the month-end cash is after the facilities: they fall short
        named = ", ".join(f"« {bridge.label} »" for bridge in case.bridges)
        chances.insert(2, f"Probabilité que les financements relais ({named}) ne "
                       f"suffisent pas : {percent(probabilities['cash_negative'])}")
    if simulation.internals.member_measures:  # a collective: each member's own cash
        names = {member.id: member.name for member in case.members}
        chances[0:0] = ["Collectif (consolidé) :"]
        chances.append("Chaque membre (sa propre trésorerie) :")
        chances += [f"  {names[member]} : besoin non financé {percent(p['unfunded'])}, "
                    f"trésorerie négative en fin de mois {percent(p['cash_negative'])}, "
                    f"en fin d'année {percent(p['cash_end_negative'])}"
                    for member, p in simulation.member_probabilities.items()]
    summary = simulation.summary
    rows = [[MEASURES[measure], *[to_cents(summary.loc[measure, column])
                                  for column in summary.columns]]
            for measure in MEASURES]
    by_year = simulation.result_by_year_summary
    rows += [[f"Résultat {year}", *[to_cents(by_year.loc[year, column])
                                    for column in by_year.columns]]
             for year in by_year.index]
    percentiles = table("Percentiles (sur l'ensemble des tirages)",
                        ["", *summary.columns], rows)
    histogram = simulation.histogram(histogram_measure, bins=12)
    widest = max(int(histogram["tirages"].max()), 1)
    bars = [f"Histogramme : {MEASURES[histogram_measure]}",
            "─" * (14 + len(MEASURES[histogram_measure]))]
    for _, row in histogram.iterrows():
        span = f"{format_euros(to_cents(row['de']))} à {format_euros(to_cents(row['à']))}"
        bar = "█" * round(40 * int(row["tirages"]) / widest)
        bars.append(f"{span:>30}  {bar} {int(row['tirages'])}")
    return "\n\n".join(["\n".join(head), "\n".join(chances), percentiles,
                        "\n".join(bars)]) + "\n"


def _compared(rows: Sequence[LineComparison], completion: bool = False) -> list[list[Any]]:
    """Lines of a comparison as table rows: planned, actual, then the difference and
    its percentage, or (``completion``) the actual in per cent of the planned."""
    shown = []
    for row in rows:
        text = f"{row.code} {row.label}" if row.code else row.label
        if completion:
            shown.append([text, row.planned, row.actual, _percent(row.completion)])
        else:
            shown.append([text, row.planned, row.actual, row.difference,
                          _percent(row.difference_percent)])
    return shown


def render_actuals(comparison: Comparison, follow_ups: Sequence[FunderFollowUp],
                   plan: PlanInternals, source: str) -> str:
    """A year's accounts against its plan (:mod:`finplan.model.actuals`): each line of
    the form with the difference, the result, then each funder's request: planned,
    voted, received, remaining; ``source``: where the actual figures come from."""
    project = plan.case.project
    header = ["", "Prévu", "Réalisé", "Écart", "Écart %"]
    blank = [""] * 4
    lines = [["CHARGES", *blank], *_compared(comparison.charges),
             ["PRODUITS", *blank], *_compared(comparison.produits),
             *_compared([comparison.result])]
    head = "\n".join([
        f"Réalisé {comparison.year} et plan — {project.name}",
        f"{project.organisation}. Réalisé : {source}.",
        "Écart = réalisé − prévu ; écart % = écart / prévu."])
    funders = [[f.name, f.planned, "—" if f.voted is None else f.voted, f.received,
                f.remaining, f.paid_in_year] for f in follow_ups]
    funder_table = (table(f"Financeurs : demandes de {comparison.year}",
                          ["", "Prévu", "Voté", "Reçu", "Reste dû",
                           f"Versé {comparison.year}"], funders)
                    + "\nReçu : la part des « Versements reçus » de chaque financeur qui paie "
                    f"{comparison.year} (les versements paient les années les plus anciennes "
                    "d'abord) ; reste dû = voté (sinon prévu) − reçu ; versé "
                    f"{comparison.year} : les versements datés de cette année."
                    if funders else "Financeurs : aucune demande.")
    return "\n\n".join([head, table("Budget : prévu et réalisé (lignes du Cerfa 12156)",
                                    header, lines), funder_table]) + "\n"


# The explanations the compte rendu financier asks, left for the volunteer (arrêté du
# 11 octobre 2006; Cerfa n° 15059*02).
EXPLANATIONS = (
    "Écarts significatifs entre le budget prévisionnel et la réalisation : explications",
    "Règles de répartition des charges indirectes affectées à l'action",
    "Contributions volontaires en nature : nature et méthode de valorisation",
)


def render_compte_rendu(comparison: Comparison, funder: FunderFollowUp, plan: PlanInternals,
                        source: str) -> str:
    """The compte rendu financier (Cerfa n° 15059*02) of a funder's grant for a year:
    the table of charges and produits, planned and actual with the rate of completion,
    the grant voted and received, and the explanation fields left to fill."""
    project = plan.case.project
    header = ["", "Prévision", "Réalisation", "%"]
    blank = [""] * 3
    lines = [["CHARGES", *blank], *_compared(comparison.charges, True),
             ["PRODUITS", *blank], *_compared(comparison.produits, True)]
    voted = "non votée" if funder.voted is None else format_euros(funder.voted, True)
    head = "\n".join([
        f"Compte rendu financier de l'action subventionnée — {funder.name}, "
        f"{comparison.year}",
        "(formulaire Cerfa n° 15059*02 ; arrêté du 11 octobre 2006)",
        f"Projet « {project.name} », porté par {project.organisation}. "
        f"Réalisé : {source}.",
        f"Subvention : {voted} ; reçue {format_euros(funder.received, True)} ; "
        f"reste à recevoir {format_euros(funder.remaining, True)}."])
    fields = "\n\n".join(f"{text} :\n" + "\n".join(["." * 80] * 3) for text in EXPLANATIONS)
    return "\n\n".join([head, table("Tableau des charges et des produits affectés à "
                                    "l'action", header, lines), fields]) + "\n"
