"""The ``finplan`` command.

Exit codes: 0 when every check passes, 1 when a check fails, 2 on bad input
(the French report says what and where) or a mistyped command (click's usage errors,
in French), 3 on an internal error, 130 when stopped by Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import wraps
from pathlib import Path
from typing import Any

import click

from finplan import demo_path, example_paths, load_case
from finplan.errors import FinplanError
from finplan.model.decisions import BASES
from finplan.model.engine import compute
from finplan.model.plan import PlanInternals
from finplan.model.vocabulary import counted
from finplan.report import render_plan

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report a process stopped by SIGINT
INTERRUPTED = ("Interrompu (Ctrl-C) : la commande s'est arrêtée. Un fichier en cours "
               "d'enregistrement reste dans sa version précédente : relancez la commande.")

# click's usage errors, in French: its English sentence (a pattern) -> ours.
_USAGE_WORDS = (
    (r"No such command '(.*)'\.", "commande inconnue « {0} »"),
    (r"No such option:? '?([^' ]+)'?\.?(?: Did you mean '?([^'?]+)'?\?)?",
     "option inconnue « {0} »{1}"),
    (r"Missing argument '(.*)'\.", "il manque l'argument {0}"),
    (r"Missing option '(.*)'\.", "il manque l'option {0}"),
    (r"Option '(.*)' requires an argument\.", "l'option {0} attend une valeur"),
    (r"Got unexpected extra arguments? \((.*)\)", "argument en trop : {0}"),
    (r"Invalid value for '(.*)': '(.*)' is not a valid integer(?: range)?\.",
     "valeur « {1} » refusée pour {0} : un nombre entier est attendu"),
    (r"Invalid value for '(.*)': '(.*)' is not a valid float(?: range)?\.",
     "valeur « {1} » refusée pour {0} : un nombre est attendu"),
    (r"Invalid value for '(.*)': (.*) is not in the range (.*)\.",
     "valeur {1} refusée pour {0} : elle doit être {2}"),
    (r"Invalid value for '(.*)': '(.*)' is not one of (.*)\.",
     "valeur « {1} » refusée pour {0} : valeurs possibles {2}"),
    (r"Invalid value for '(.*)': (.*)", "valeur refusée pour {0} : {1}"),
)


def usage_message(error: click.UsageError) -> str:
    """A usage error (unknown command or option, missing argument, a value click
    refuses) in French, with where to find help.

    >>> print(usage_message(click.UsageError("No such option '--jsn'. Did you mean '--json'?")))
    Erreur d'utilisation : option inconnue « --jsn » (vouliez-vous dire « --json » ?). Aide \
: finplan --help, ou finplan COMMANDE --help.
    """
    import re

    text = error.format_message()
    for pattern, french in _USAGE_WORDS:
        found = re.fullmatch(pattern, text, flags=re.DOTALL)
        if found:
            groups = [(group or "").replace("'", "") for group in found.groups()]
            if french.startswith("option inconnue"):
                groups[1] = f" (vouliez-vous dire « {groups[1]} » ?)" if groups[1] else ""
            text = french.format(*groups)
            break
    return (f"Erreur d'utilisation : {text.rstrip('.')}. Aide : finplan --help, ou "
            "finplan COMMANDE --help.")


class _French(click.Group):
    """The ``finplan`` group: usage errors in French (exit 2), Ctrl-C a French message
    and exit 130 (click would print « Aborted! » and exit 1)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as error:
            click.echo(usage_message(error), err=True)
            sys.exit(EXIT_BAD_INPUT)
        except (KeyboardInterrupt, click.Abort):
            click.echo(f"\n{INTERRUPTED}", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except click.ClickException as error:
            click.echo(f"Erreur : {error.format_message()}", err=True)
            sys.exit(EXIT_BAD_INPUT)


def _guarded(command: Callable[..., int]) -> Callable[..., None]:
    """Run a command: French message and exit 2 on bad input or a failure of the machine
    (an ``OSError``: full disk, permission…), never a traceback."""
    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except FinplanError as error:
            click.echo(f"Erreur : {error}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except OSError as error:
            # the machine, not finplan: a full disk, a permission, a file that vanished…
            if os.environ.get("FINPLAN_DEBUG"):
                raise
            from finplan.io.workbook_files import explain_os_error

            click.echo(f"Erreur : {explain_os_error(error)}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except Exception:
            if os.environ.get("FINPLAN_DEBUG"):
                raise
            click.echo("Erreur interne de finplan : ce n'est pas votre dossier qui est en "
                       "cause. Merci de signaler le problème avec le fichier utilisé "
                       "(relancez avec FINPLAN_DEBUG=1 pour le détail technique).",
                       err=True)
            click.echo(traceback.format_exc().splitlines()[-1], err=True)
            sys.exit(EXIT_INTERNAL)
        sys.exit(code)
    return run


def _show(plan: PlanInternals, as_json: bool) -> int:
    click.echo(plan.to_json() if as_json else render_plan(plan), nl=not as_json)
    if as_json:
        click.echo()
    return EXIT_OK if plan.ok else EXIT_CHECK_FAILED


#: Characters finplan prints (tables, histograms, inequalities) that Windows' ANSI code
#: page (cp1252, used for a redirected output: ``finplan demo > plan.txt``) cannot encode.
_PRINTED = "─│█≤≥€«»…"


def _printable_output() -> None:
    """Write UTF-8 on the process' own output when its encoding cannot print what
    finplan prints, rather than stop with an internal error (Windows, output redirected
    to a file or a pipe). A console, a UTF-8 output or a replaced stream (tests) is left
    alone."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None or stream not in (sys.__stdout__, sys.__stderr__):
            continue
        try:
            _PRINTED.encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.reconfigure(encoding="utf-8")


@click.group(cls=_French, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="finplan")
def main() -> None:
    """finplan : plan de financement multi-financeurs et budget prévisionnel sur 3 ans."""
    _printable_output()


@main.command("plan")
@click.argument("case_file", metavar="DOSSIER")
@click.option("--json", "as_json", is_flag=True,
              help="Affiche le résultat au format JSON (finplan-result/1).")
@click.option("--basis", type=click.Choice(BASES), default=None,
              help="Les montants des financeurs sur lesquels calculer le plan : demande "
              "(montants demandés), decide (décisions obtenues : montants votés, 0 pour "
              "les autres demandes), attendu (montants votés et demandes multipliées par "
              "leur probabilité). Par défaut : la base du dossier.")
@_guarded
def plan_command(case_file: str, as_json: bool, basis: str | None) -> int:
    """Calcule le plan d'un dossier (.toml, ou le classeur finplan .xlsx où il est
    saisi) et affiche budget, financeurs, plan de financement et contrôles. Code de
    sortie : 0 si tout est validé, 1 si un contrôle échoue, 2 si le dossier contient
    des erreurs."""
    return _show(compute(load_case(case_file), basis=basis), as_json)


# The options of the commands that compute a plan and give a text (dossier, actuals).
_PLAN_BASIS = click.option(
    "--basis", type=click.Choice(BASES), default=None,
    help="La base du calcul du plan (voir finplan plan --help). Par défaut : la base du "
    "dossier.")
_FORCE_TEXT = click.option("--force", is_flag=True,
                           help="Remplace un fichier existant (gardé en .bak).")


@main.command("dossier")
@click.argument("case_file", metavar="DOSSIER")
@click.option("--funder", required=True, metavar="NOM",
              help="Le financeur à qui s'adresse la demande, nommé comme dans le dossier.")
@_PLAN_BASIS
@click.option("--json", "as_json", is_flag=True, help="Donne le dossier en JSON.")
@click.option("-o", "--output", metavar="FICHIER.txt", default=None,
              help="Fichier texte à créer (sinon la demande est affichée).")
@_FORCE_TEXT
@_guarded
def dossier_command(case_file: str, funder: str, basis: str | None, as_json: bool,
                    output: str | None, force: bool) -> int:
    """Le dossier de demande d'un financeur : le montant demandé et sa part du budget,
    le budget de l'action (Cerfa n° 12156*06), les autres financeurs et l'état de
    leurs demandes, les versements attendus."""
    from finplan.model.dossier import dossier_of
    from finplan.report import render_dossier

    plan = compute(load_case(case_file), basis=basis)
    dossier = dossier_of(plan, funder)
    text = (json.dumps(dossier.to_dict(), ensure_ascii=False, indent=2) + "\n" if as_json
            else render_dossier(dossier, plan))
    return _text_out(text, output, force, "Dossier de demande écrit")


def _text_out(text: str, output: str | None, force: bool, written: str) -> int:
    """Show ``text``, or save it to ``output`` (atomically, never over a file unless
    ``force``: the old one kept) and say so (``written`` : path)."""
    if output is None:
        click.echo(text, nl=False)
        return EXIT_OK
    from finplan.io.workbook_files import save_text_new

    target = Path(output)
    kept = save_text_new(text, target, force=force)
    click.echo(f"{written} : {target}" + (f" (ancien fichier gardé : {kept})" if kept else ""))
    return EXIT_OK


@main.command("actuals")
@click.argument("case_file", metavar="DOSSIER")
@click.argument("accounts_file", metavar="[COMPTES]", required=False)
@click.option("--year", type=int, default=None, metavar="ANNÉE",
              help="L'année du plan que ces comptes réalisent. Par défaut : l'année de la "
              "dernière écriture du FEC, ou la dernière année du tableau « Réalisé » du "
              "dossier (obligatoire pour un tableau des comptes).")
@click.option("--funder", metavar="NOM", default=None,
              help="Donne le compte rendu financier (Cerfa n° 15059*02) de la subvention "
              "de ce financeur, nommé comme dans le dossier.")
@_PLAN_BASIS
@click.option("--json", "as_json", is_flag=True, help="Affiche la comparaison en JSON.")
@click.option("-o", "--output", metavar="FICHIER.txt", default=None,
              help="Fichier texte à créer (sinon le texte est affiché).")
@_FORCE_TEXT
@_guarded
def actuals_command(case_file: str, accounts_file: str | None, year: int | None,
                    funder: str | None, basis: str | None, as_json: bool,
                    output: str | None, force: bool) -> int:
    """Compare les comptes réels d'une année au plan : le fichier des écritures
    comptables (FEC) de votre logiciel, un tableau « Compte ; Montant », ou, sans
    fichier, le tableau « Réalisé » du dossier. Ligne par ligne du Cerfa : prévu,
    réalisé, écart ; par financeur : voté, reçu, reste à recevoir. Avec --funder : le
    compte rendu financier (Cerfa n° 15059*02)."""
    from finplan.io.fec import Accounts, read_accounts
    from finplan.model.actuals import accounts_of, actual_years, compare, follow_up
    from finplan.model.vocabulary import fold
    from finplan.report import render_actuals, render_compte_rendu

    case = load_case(case_file)
    plan = compute(case, basis=basis)
    if accounts_file is not None:
        accounts = read_accounts(accounts_file, year)
        where = Path(accounts_file).name
    else:
        years = actual_years(case.actuals)
        if not years:
            raise FinplanError("Aucun réalisé à comparer : donnez le fichier des écritures "
                               "comptables (FEC) de votre logiciel, ou remplissez le tableau "
                               "« Réalisé (comptes de l'année) » du dossier.")
        chosen_year = years[-1] if year is None else year
        lines = [line for line in case.actuals if line.year == chosen_year]
        accounts = Accounts(accounts_of(case.actuals, chosen_year), chosen_year, "case",
                            "", len(lines))
        where = Path(case_file).name
    if accounts.year not in plan.years:
        raise FinplanError(
            f"{where} : les comptes de {accounts.year} ne sont pas ceux "
            f"d'une année du plan ({plan.years[0]} à {plan.years[-1]}) ; indiquez l'année "
            "qu'ils réalisent avec --year.")
    comparison = compare(plan, accounts.accounts, accounts.year)
    funders = follow_up(plan, accounts.year)
    chosen = None
    if funder is not None:
        chosen = next((f for f in funders if fold(f.name) == fold(funder)), None)
        if chosen is None:
            names = ", ".join(f"« {f.name} »" for f in funders) or "aucun"
            raise FinplanError(f"Aucun financeur « {funder} » dans le dossier : financeurs "
                               f"possibles : {names}.")
    if as_json:
        found = {**comparison.to_dict(), "source": accounts.source,
                 "funders": [f.to_dict() for f in funders]}
        text = json.dumps(found if chosen is None else {**found, "funder": chosen.to_dict()},
                          ensure_ascii=False, indent=2) + "\n"
    elif chosen is None:
        text = render_actuals(comparison, funders, plan, accounts.source)
    else:
        text = render_compte_rendu(comparison, chosen, plan, accounts.source)
    return _text_out(text, output, force, "Comparaison écrite")


@main.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Affiche le résultat en JSON.")
@click.option("--save", "save_to", metavar="FICHIER.toml", default=None,
              help="Copie le dossier d'exemple dans ce fichier pour partir de lui.")
@_guarded
def demo_command(as_json: bool, save_to: str | None) -> int:
    """Calcule l'exemple fourni : la recyclerie de Chalosse (Landes Partage)."""
    if save_to:
        from finplan.io.workbook_files import save_text_new

        target = Path(save_to)
        if os.path.lexists(target):
            raise FinplanError(f"{target} existe déjà : finplan n'écrase jamais un "
                               "fichier. Choisissez un autre nom.")
        # atomic, locked, and never replaces a file (not even one created meanwhile)
        save_text_new(demo_path().read_text("utf-8"), target)
        click.echo(f"Dossier d'exemple copié dans {target}.")
        return EXIT_OK
    return _show(compute(load_case(demo_path())), as_json)


def _plan_exit(plan: PlanInternals) -> int:
    return EXIT_OK if plan.ok else EXIT_CHECK_FAILED


@main.command("build")
@click.argument("case_file", metavar="DOSSIER")
@click.option("-o", "--output", required=True, metavar="CLASSEUR.xlsx",
              help="Classeur à créer.")
@click.option("--force", is_flag=True,
              help="Remplace un classeur existant (gardé en .bak.xlsx).")
@_guarded
def build_command(case_file: str, output: str, force: bool) -> int:
    """Crée le classeur complet d'un dossier : hypothèses, budget, financeurs, plan de
    financement, contrôles, en formules vérifiables."""
    from finplan.io.workbook_files import save_new
    from finplan.io.workbook_write import build_workbook

    built = build_workbook(load_case(case_file))
    target = _xlsx_path(output)
    backup = save_new(built.workbook, target, force=force)
    click.echo(f"Classeur écrit : {target}" + (f" (ancien fichier gardé : {backup})"
                                               if backup else ""))
    _echo_verdict(built.plan)
    return _plan_exit(built.plan)


@main.command("fill")
@click.argument("workbook", metavar="CLASSEUR.xlsx")
@_guarded
def fill_command(workbook: str) -> int:
    """Lit les hypothèses d'un classeur rempli, calcule le plan et réécrit les feuilles de
    résultats dans le même classeur (les hypothèses ne sont jamais modifiées ; la
    version précédente est gardée en .bak.xlsx)."""
    from finplan.io.workbook_files import backup_path
    from finplan.io.workbook_write import fill_workbook

    result = fill_workbook(workbook)
    kept = ""
    if result.backup:
        usual = backup_path(result.backup.with_name(Path(workbook).name))
        kept = f" (version précédente gardée : {result.backup}" + (
            f" ; {usual.name}, qui n'est pas une sauvegarde faite par finplan, est laissé "
            "tel quel)" if result.backup.name != usual.name else ")")
    click.echo(f"Classeur calculé : {workbook}{kept}")
    _echo_verdict(result.plan, result.notes)
    return EXIT_CHECK_FAILED if result.notes else _plan_exit(result.plan)


@main.command("case")
@click.argument("workbook", metavar="CLASSEUR.xlsx")
@click.option("-o", "--output", metavar="DOSSIER.toml", default=None,
              help="Fichier à créer (sinon le dossier est affiché).")
@click.option("--force", is_flag=True, help="Remplace un fichier existant.")
@_guarded
def case_command(workbook: str, output: str | None, force: bool) -> int:
    """Exporte le dossier (TOML) saisi dans un classeur."""
    from finplan.io.toml_case import case_to_toml
    from finplan.io.workbook_read import read_workbook_file

    text = case_to_toml(read_workbook_file(workbook).case)
    if output is None:
        click.echo(text, nl=False)
        return EXIT_OK
    from finplan.io.workbook_files import save_text_new

    target = Path(output)
    kept = save_text_new(text, target, force=force)
    click.echo(f"Dossier écrit : {target}" + (f" (ancien fichier gardé : {kept})"
                                               if kept else ""))
    return EXIT_OK


@main.command("template")
@click.option("-o", "--output", default="finplan.xlsx", show_default=True,
              metavar="CLASSEUR.xlsx", help="Modèle à créer.")
@click.option("--force", is_flag=True,
              help="Remplace un fichier existant (gardé en .bak.xlsx).")
@_guarded
def template_command(output: str, force: bool) -> int:
    """Crée le modèle vierge à remplir (feuille « Hypothèses »)."""
    from finplan.io.workbook_files import save_new
    from finplan.io.workbook_write import template_workbook

    target = _xlsx_path(output)
    backup = save_new(template_workbook(), target, force=force)
    click.echo(f"Modèle écrit : {target}" + (f" (ancien fichier gardé : {backup})"
                                             if backup else ""))
    return EXIT_OK


def _frame_json(frame: Any) -> str:
    import json

    def plain(value: Any) -> Any:
        return float(value) if isinstance(value, Decimal) else value

    data = {"columns": [str(c) for c in frame.columns],
            "index": [str(i) for i in frame.index],
            "values": [[plain(v) for v in row] for row in frame.itertuples(index=False)]}
    return json.dumps(data, ensure_ascii=False, indent=2)


@main.command("compare")
@click.argument("case_file", metavar="DOSSIER")
@click.option("--json", "as_json", is_flag=True, help="Affiche la comparaison en JSON.")
@_guarded
def compare_command(case_file: str, as_json: bool) -> int:
    """Compare le cas de base et chaque scénario ([[scenario]]) du dossier."""
    from finplan.analysis import compare
    from finplan.report import render_frame

    case = load_case(case_file)
    if not case.scenarios:
        raise FinplanError("Ce dossier n'a pas de scénario : ajoutez des tables "
                           "[[scenario]] (name, set). Voir docs/analysis.md.")
    frame = compare(case)
    click.echo(_frame_json(frame) if as_json else render_frame("Scénarios", frame))
    return EXIT_OK


def _variation(text: str) -> tuple[str, Decimal, Decimal]:
    """``PATH=-30%..+30%`` -> (path, -0.3, 0.3)."""
    import re

    from finplan.io.numbers import NotANumber, parse_french_number

    found = re.fullmatch(r"(.+?)=([^=]+?)\.\.([^=]+)", text.strip())
    try:
        if not found:
            raise NotANumber(text)
        low, high = (parse_french_number(found.group(k)) for k in (2, 3))
    except ValueError:
        raise FinplanError(f"--vary « {text} » : écrivez CHEMIN=-30%..+30%, par exemple "
                           "revenue[0].quantity=-30%..+30%") from None
    if "%" not in found.group(2) + found.group(3):
        raise FinplanError(f"--vary « {text} » : donnez la variation en pourcentage "
                           "(-30%..+30%)")
    return found.group(1).strip(), low, high


@main.command("sensitivity")
@click.argument("case_file", metavar="DOSSIER")
@click.option("--vary", "variations", multiple=True, required=True, metavar="CHEMIN=A%..B%",
              help="Valeur à faire varier (une ou deux fois), par exemple "
                   "revenue[0].quantity=-30%..+30%.")
@click.option("--steps", default=7, show_default=True, type=click.IntRange(2, 41),
              help="Nombre de pas de chaque variation.")
@click.option("--measure", default="result", show_default=True,
              type=click.Choice(["result", "unfunded", "cash_low", "bridging_need"]),
              help="Ce que montre la table.")
@click.option("--json", "as_json", is_flag=True, help="Affiche la table en JSON.")
@click.option("-o", "--output", default=None, metavar="CLASSEUR.xlsx",
              help="Écrit aussi la table dans un classeur (échelle de couleurs).")
@_guarded
def sensitivity_command(case_file: str, variations: tuple[str, ...], steps: int,
                        measure: str, as_json: bool, output: str | None) -> int:
    """Table de sensibilité : une mesure du plan quand une ou deux valeurs varient."""
    from finplan.analysis import MEASURES, sensitivity
    from finplan.report import render_frame

    if len(variations) > 2:
        raise FinplanError("--vary se donne une ou deux fois.")
    frame = sensitivity(load_case(case_file), [_variation(v) for v in variations], steps,
                        measure)
    if output:
        from finplan.io.workbook_files import save_new
        from finplan.io.workbook_sensitivity import sensitivity_workbook

        save_new(sensitivity_workbook(frame, MEASURES[measure]), _xlsx_path(output))
    corner = " × ".join(v.split("=")[0] for v in variations)
    click.echo(_frame_json(frame) if as_json else render_frame(
        f"Sensibilité : {MEASURES[measure]}", frame, corner))
    return EXIT_OK


@main.command("montecarlo")
@click.argument("case_file", metavar="DOSSIER")
@click.option("--draws", type=click.IntRange(1, 1_000_000), default=None,
              help="Nombre de tirages (sinon : draws de [montecarlo], 10 000 par défaut).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=None,
              help="Graine du tirage (sinon : seed de [montecarlo], 0 par défaut).")
@click.option("--measure", default="result", show_default=True,
              type=click.Choice(["result", "unfunded", "bridging_need", "cash_low"]),
              help="Mesure montrée en histogramme.")
@click.option("--json", "as_json", is_flag=True,
              help="Affiche le résultat en JSON (finplan-montecarlo/1).")
@click.option("-o", "--output", default=None, metavar="CLASSEUR.xlsx",
              help="Écrit aussi un classeur : synthèse, histogrammes, tirages (les "
                   "10 000 premiers au plus).")
@click.option("--draws-csv", default=None, metavar="TIRAGES.csv",
              help="Écrit chaque tirage dans un fichier CSV (séparateur ;, virgule "
                   "décimale), pour les garder tous.")
@click.option("--force", is_flag=True,
              help="Remplace les fichiers existants (gardés en .bak).")
@_guarded
def montecarlo_command(case_file: str, draws: int | None, seed: int | None, measure: str,
                       as_json: bool, output: str | None, draws_csv: str | None,
                       force: bool) -> int:
    """Simulation de Monte Carlo : probabilité d'un besoin non financé ou d'une
    trésorerie négative, percentiles du résultat, du non-financé et du besoin relais,
    selon les lois de la section [montecarlo] du dossier."""
    import json

    from finplan.report import render_simulation
    from finplan.simulation import montecarlo

    targets = _montecarlo_targets(output, draws_csv, force)
    simulation = montecarlo(load_case(case_file), draws=draws, seed=seed)
    if output:
        from finplan.io.workbook_files import save_new
        from finplan.io.workbook_montecarlo import montecarlo_workbook

        save_new(montecarlo_workbook(simulation), targets[0], force=force)
    if draws_csv:
        from finplan.io.workbook_files import save_text_new
        from finplan.io.workbook_montecarlo import draws_csv as csv_text

        save_text_new(csv_text(simulation), targets[-1], force=force)
    if as_json:
        click.echo(json.dumps(simulation.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_simulation(simulation, measure), nl=False)
    return EXIT_OK


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file (through links, or the same name in another
    case on a disk that ignores it)."""
    if first.exists() and second.exists():
        return os.path.samefile(first, second)
    return os.path.normcase(first.resolve()) == os.path.normcase(second.resolve())


def _montecarlo_targets(output: str | None, draws_csv: str | None,
                        force: bool) -> list[Path]:
    """The files ``montecarlo`` will write, checked before the run: the right
    extensions, none already there unless ``force``."""
    targets = []
    if output:
        targets.append(_xlsx_path(output))
    if draws_csv:
        target = Path(draws_csv)
        if target.suffix.lower() != ".csv":
            raise FinplanError(f"{target} : le fichier des tirages doit avoir "
                               "l'extension .csv.")
        targets.append(target)
    if len(targets) == 2 and _same_file(*targets):
        raise FinplanError(f"{targets[0]} et {targets[1]} désignent le même fichier : "
                           "donnez deux noms différents à -o et à --draws-csv. Rien n'a "
                           "été écrit.")
    for target in targets:
        if target.exists() and not force:
            raise FinplanError(f"{target} existe déjà : finplan n'écrase jamais un "
                               "fichier. Choisissez un autre nom, ou ajoutez --force "
                               "(l'ancien fichier sera gardé en .bak). Rien n'a été "
                               "écrit.")
    return targets


@main.command("batch")
@click.argument("folder", metavar="DOSSIER")
@click.option("-o", "--output", required=True, metavar="SORTIES",
              help="Dossier où écrire les classeurs et la synthèse.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Nombre de calculs en parallèle (au plus le nombre de dossiers et de "
                   "cœurs de la machine).")
@click.option("--force", is_flag=True,
              help="Remplace les classeurs et la synthèse déjà présents dans SORTIES "
                   "(chaque ancien fichier est gardé en .bak).")
@_guarded
def batch_command(folder: str, output: str, jobs: int, force: bool) -> int:
    """Calcule chaque dossier .toml d'un répertoire : un classeur par dossier et une
    synthèse (synthese.xlsx, synthese.json). Un dossier en erreur n'arrête pas les autres.
    Un fichier déjà présent dans SORTIES n'est jamais remplacé sans --force.
    Code de sortie : 2 si un dossier a des erreurs, 1 si un plan est à revoir, 0 sinon."""
    from finplan.batch import run_batch

    result = run_batch(folder, output, jobs=jobs, force=force)
    for row in result.rows:
        if row["erreurs"]:
            click.echo(f"{row['fichier']} : {row['erreurs']}", err=True)
        elif row["ancienne_version"]:
            click.echo(f"{row['classeur']} remplacé (ancienne version gardée : "
                       f"{row['ancienne_version']})")
    click.echo(f"{counted(len(result.rows), 'dossier')} ; synthèse : {result.summary_workbook}")
    return result.exit_code


@main.group("excel")
def excel_group() -> None:
    """Boutons et fonctions Excel (xlwings)."""


@excel_group.command("init")
@click.argument("folder", metavar="DOSSIER")
@click.option("--case", "case_file", metavar="DOSSIER.toml", default=None,
              help="Remplit le classeur avec ce dossier (sinon : modèle vierge).")
@click.option("--name", default="finplan_plan", show_default=True,
              help="Nom du classeur et de son module Python.")
@click.option("--force", is_flag=True,
              help="Remplace les fichiers existants (chacun gardé en .bak).")
@click.option("--wheel-url", metavar="https://…/finplan-X.Y.Z-py3-none-any.whl",
              default=None,
              help="Adresse de la roue finplan hébergée pour xlwings Lite (sinon : "
                   "finplan==version, quand finplan sera sur PyPI).")
@_guarded
def excel_init_command(folder: str, case_file: str | None, name: str, force: bool,
                       wheel_url: str | None) -> int:
    """Prépare un dossier prêt à l'emploi : classeur (fonctions FINPLAN_* pour le
    complément xlwings), module du bouton « Run main » et code pour xlwings Lite
    (bouton « Calculer le plan »)."""
    from finplan.io.excel_setup import init_folder
    from finplan.io.workbook_write import template_workbook

    book = template_workbook(load_case(case_file) if case_file else None)
    replacement = (f"le classeur du dossier {Path(case_file).name}" if case_file
                   else "un modèle vierge")
    for path, backup in init_folder(Path(folder), book, name, force,
                                    replacement=replacement, wheel_url=wheel_url):
        click.echo(f"Écrit : {path}" + (f" (ancien fichier gardé : {backup})"
                                        if backup else ""))
    return EXIT_OK


@excel_group.command("installer")
@_guarded
def excel_installer_command() -> int:
    """Prépare cet ordinateur pour Excel de bureau : vérifie Python, installe le
    complément xlwings et le complément finplan (onglet « finplan », bouton « Calculer
    le plan », quel que soit le nom du classeur), règle l'interpréteur, ajoute
    « Envoyer vers > Calculer le plan (finplan) » (Windows) ; dit ce qui reste à faire
    dans Excel."""
    from finplan.io.excel_install import install

    done, report = install(home=Path.home())
    for line in report:
        click.echo(line)
    return EXIT_OK if done else EXIT_BAD_INPUT


@main.command("regenerate", hidden=True)
@_guarded
def regenerate_command() -> int:
    """(Développeurs) Régénère templates/finplan.xlsx, workbooks/*.xlsx, la table des
    champs de docs/case-file.md et les déclarations des lignes du dossier
    (finplan/model/case.py) depuis la racine du dépôt."""
    from finplan.io.workbook_files import replace_file, save_atomic
    from finplan.io.workbook_write import build_workbook, template_workbook
    from finplan.model.fields import with_reference

    root = Path.cwd()
    if not (root / "pyproject.toml").exists() or not (root / "finplan").is_dir():
        raise FinplanError("Lancez cette commande à la racine du dépôt finplan.")
    (root / "templates").mkdir(exist_ok=True)
    (root / "workbooks").mkdir(exist_ok=True)
    # generated files under version control: saved safely, without backups
    save_atomic(template_workbook(), root / "templates" / "finplan.xlsx", backup=False)
    click.echo("Modèle écrit : templates/finplan.xlsx")
    for example in example_paths():
        case = load_case(example)
        save_atomic(build_workbook(case).workbook,
                    root / "workbooks" / f"{example.stem}.xlsx", backup=False)
        click.echo(f"Exemple écrit : workbooks/{example.stem}.xlsx")
    reference = root / "docs" / "case-file.md"
    text = with_reference(reference.read_text("utf-8"))
    replace_file(reference, lambda temporary: Path(temporary).write_text(text, "utf-8"),
                 backup=False)
    click.echo("Référence écrite : docs/case-file.md")
    from finplan.model import case as case_module

    source = root / "finplan" / "model" / "case.py"
    code = case_module.with_declarations(source.read_text("utf-8"))
    replace_file(source, lambda temporary: Path(temporary).write_text(code, "utf-8"),
                 backup=False)
    click.echo("Déclarations écrites : finplan/model/case.py")
    return EXIT_OK


def _xlsx_path(output: str) -> Path:
    from finplan.io.workbook_files import xlsx_path

    return xlsx_path(output)


def _echo_verdict(plan: PlanInternals, notes: Sequence[str] = ()) -> None:
    """The failed checks and the inputs to type again (numbers typed as text)."""
    failed = [check.message for check in plan.check_results if check.fails] + list(notes)
    if not failed:
        click.echo("Tous les contrôles sont passés.")
    for message in failed:
        click.echo(f"À revoir : {message}")


if __name__ == "__main__":  # pragma: no cover
    main()
