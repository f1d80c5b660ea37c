"""The ``finplan`` command.

Exit codes: 0 when every check passes, 1 when a check fails, 2 on bad input
(the French report says what and where), 3 on an internal error.
"""

from __future__ import annotations

import os
import shutil
import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from finplan import compute, demo_path, load_case
from finplan.errors import FinplanError
from finplan.model.plan import Plan
from finplan.report import render_plan

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def _guarded(command: Callable[..., int]) -> Callable[..., None]:
    """Run a command: French message and exit 2 on bad input, never a traceback."""
    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            code = command(*args, **kwargs)
        except FinplanError as error:
            click.echo(f"Erreur : {error}", err=True)
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


def _show(plan: Plan, as_json: bool) -> int:
    click.echo(plan.to_json() if as_json else render_plan(plan), nl=not as_json)
    if as_json:
        click.echo()
    return EXIT_OK if plan.ok else EXIT_CHECK_FAILED


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="finplan")
def main() -> None:
    """finplan : plan de financement multi-financeurs et budget prévisionnel sur 3 ans."""


@main.command("plan")
@click.argument("case_file", metavar="DOSSIER.toml")
@click.option("--json", "as_json", is_flag=True,
              help="Affiche le résultat au format JSON (finplan-result/1).")
@_guarded
def plan_command(case_file: str, as_json: bool) -> int:
    """Calcule le plan d'un dossier et affiche budget, financeurs, plan de financement
    et contrôles. Code de sortie : 0 si tout est validé, 1 si un contrôle échoue,
    2 si le dossier contient des erreurs."""
    return _show(compute(load_case(case_file)), as_json)


@main.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Affiche le résultat en JSON.")
@click.option("--save", "save_to", metavar="FICHIER.toml", default=None,
              help="Copie le dossier d'exemple dans ce fichier pour partir de lui.")
@_guarded
def demo_command(as_json: bool, save_to: str | None) -> int:
    """Calcule l'exemple fourni : la recyclerie de Chalosse (Landes Partage)."""
    if save_to:
        target = Path(save_to)
        if target.exists():
            raise FinplanError(f"{target} existe déjà : finplan n'écrase jamais un "
                               "fichier. Choisissez un autre nom.")
        shutil.copyfile(demo_path(), target)
        click.echo(f"Dossier d'exemple copié dans {target}.")
        return EXIT_OK
    return _show(compute(load_case(demo_path())), as_json)


if __name__ == "__main__":  # pragma: no cover
    main()
