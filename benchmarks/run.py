"""finplan benchmarks: run on demand, never in the test suite.

    python benchmarks/run.py [--repeat 5] [--against REV] [--only compute_demo ...]

Every measure runs in child processes started outside the repository, so that
``--against REV`` can time another version of finplan side by side with this one
in the same run: REV (a commit, tag or branch) is checked out in a temporary git
worktree, and each measure alternates a run of this checkout and a run of REV,
``--repeat`` times.  In-process figures (compute, Monte Carlo, build) are the median
of ``--repeat`` calls inside each child after a warm-up; whole-process figures
(``finplan plan --json``) are the median of runs paired with ``python -c pass``.
The cases are the bundled demo and the generated 200-line, 5-year case of
``benchmarks/cases.py``, written once and read by both versions.

It prints, for each measure, the figure of this checkout, that of REV and their
ratio, and the issue's target.  Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from cases import write_large_case  # noqa: E402

# Each child prints one JSON object of figures.  argv: case file, repeat, folder.
_MEDIAN = """
import json, statistics, sys, time
def median(action, repeat):
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter(); action(); times.append(time.perf_counter() - start)
    return statistics.median(times)
"""
_PEAK = """
def peak_mb():
    try:
        import resource
    except ImportError:
        try:
            import psutil
        except ImportError:
            return None
        return psutil.Process().memory_info().peak_wset / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""
CHILDREN = {
    "compute": _MEDIAN + """
import finplan
case = finplan.load_case(sys.argv[1])
print(json.dumps({"seconds": median(lambda: finplan.compute(case), int(sys.argv[2]))}))
""",
    "montecarlo": _MEDIAN + """
import finplan
from finplan.simulation import montecarlo
case = finplan.load_case(sys.argv[1])
print(json.dumps({"seconds": median(lambda: montecarlo(case, draws=10_000),
                                    int(sys.argv[2]))}))
""",
    "montecarlo_memory": _PEAK + """
import json, sys, time
import finplan
from finplan.simulation import montecarlo
case = finplan.load_case(sys.argv[1])
finplan.compute(case)
before = peak_mb()
start = time.perf_counter()
montecarlo(case, draws=100_000)
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak_mb(),
                  "before_mb": before}))
""",
    "build": _MEDIAN + """
from pathlib import Path
import finplan
from finplan.io.workbook_write import build_workbook
from openpyxl import load_workbook
folder = Path(sys.argv[3])
built, floor = folder / "build.xlsx", folder / "floor.xlsx"
repeat = int(sys.argv[2])
build = median(lambda: build_workbook(finplan.load_case(sys.argv[1])).workbook.save(built),
               repeat)
print(json.dumps({"seconds": build, "floor": median(
    lambda: load_workbook(built).save(floor), repeat)}))
""",
    "fill": _MEDIAN + """
import shutil
from pathlib import Path
import finplan
from finplan.io.workbook_write import build_workbook, fill_workbook
folder = Path(sys.argv[3])
built = folder / "fill.xlsx"
build_workbook(finplan.load_case(sys.argv[1])).workbook.save(built)
print(json.dumps({"seconds": median(lambda: fill_workbook(built), int(sys.argv[2]))}))
""",
    "batch": _MEDIAN + """
import shutil
from pathlib import Path
import finplan
from finplan.batch import run_batch
folder = Path(sys.argv[3])
cases = folder / "cases"
cases.mkdir(exist_ok=True)
examples = finplan.example_paths()
for index in range(100):
    shutil.copy(examples[index % len(examples)], cases / f"cas-{index:03}.toml")
runs = iter(range(1000))
print(json.dumps({"seconds": median(lambda: run_batch(
    cases, folder / f"out{next(runs)}", jobs=2, progress=False), 1)}))
""",
}

# name: (label, child, case, key, unit, target)
MEASURES = {
    "compute_demo": ("compute, demo (in-process)", "compute", "demo", "seconds", "ms",
                     "≤ 0.5 × b5a147e"),
    "compute_large": ("compute, 200 lines × 5 years", "compute", "large", "seconds", "ms",
                      "≤ 0.25 × b5a147e"),
    "montecarlo_demo": ("Monte Carlo 10 000 draws, demo", "montecarlo", "demo", "seconds",
                        "ms", "≤ 0.8 × 48dd32d"),
    "compute_plain": ("compute, demo without its bridges (same work)", "compute", "plain",
                      "seconds", "ms", "—"),
    "montecarlo_plain": ("Monte Carlo 10 000 draws, demo without its bridges",
                         "montecarlo", "plain", "seconds", "ms", "≤ 0.8 × 48dd32d"),
    "montecarlo_memory": ("Monte Carlo 100 000 draws, 200 lines, 50 varied: peak",
                          "montecarlo_memory", "large", "peak_mb", "MB", "< 250 MB"),
    "montecarlo_large": ("Monte Carlo 100 000 draws, 200 lines, 50 varied: time",
                         "montecarlo_memory", "large", "seconds", "s", "—"),
    "plan_json": ("finplan plan --json, demo (process) / python -c pass", None, "demo",
                  "ratio", "×", "≤ 8"),
    "build_large": ("build, 200 lines, saved / openpyxl load + save", "build", "large",
                    "ratio", "×", "≤ 1.0"),
    "build_demo": ("build, demo, saved / openpyxl load + save", "build", "demo", "ratio",
                   "×", "—"),
    "fill_demo": ("fill the demo workbook", "fill", "demo", "seconds", "ms", "≤ 1.0 × 48dd32d"),
    "fill_plain": ("fill the workbook of the demo without its bridges", "fill", "plain",
                   "seconds", "ms", "≤ 1.0 × 48dd32d"),
    "batch": ("batch of 100 cases, 2 jobs", "batch", "demo", "seconds", "s", "≤ 20 s"),
}

# Children may write bytecode caches, as a wheel install has them compiled.
CHILD_ENV = {key: value for key, value in os.environ.items()
             if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}


def child(version: Path, code: str, arguments: list[str], folder: Path) -> dict:
    """Run ``code`` with finplan taken from ``version``; its JSON figures."""
    env = dict(CHILD_ENV, PYTHONPATH=str(version))
    done = subprocess.run([sys.executable, "-c", code, *arguments], capture_output=True,
                          text=True, env=env, cwd=folder, check=False)
    if done.returncode:
        raise SystemExit(f"{version}: {done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def process_seconds(version: Path, arguments: list[str], folder: Path) -> float:
    env = dict(CHILD_ENV, PYTHONPATH=str(version))
    start = time.perf_counter()
    subprocess.run([sys.executable, *arguments], capture_output=True, env=env, cwd=folder,
                   check=False)
    return time.perf_counter() - start


def plan_json_ratio(version: Path, demo: Path, folder: Path) -> dict:
    """One pair: ``finplan plan demo --json`` over ``python -c pass``."""
    base = process_seconds(version, ["-c", "pass"], folder)
    plan = process_seconds(version, ["-m", "finplan.cli", "plan", str(demo), "--json"],
                           folder)
    return {"ratio": plan / base, "seconds": plan, "base": base}


def write_plain_demo(path: Path) -> Path:
    """The bundled example without its bridging facilities (its ``[[bridge]]`` tables
    dropped as text): the same work for a finplan from before issue 17, which cannot
    read them."""
    import finplan

    blocks = finplan.demo_path().read_text("utf-8").split("\n\n")
    path.write_text("\n\n".join(block for block in blocks if not any(
        line.startswith("[[bridge]]") for line in block.splitlines())), "utf-8")
    return path


def case_of(version: Path, cases: dict[str, Path], case: str) -> Path:
    """The case a version is timed on: the demo is each version's own bundled example
    (an earlier finplan cannot read a later example: since issue 17 it carries its
    bridging facilities), the large case the same file for every version."""
    if case == "demo":
        return version / "finplan" / "examples" / cases[case].name
    return cases[case]


def figure(name: str, version: Path, cases: dict[str, Path], repeat: int,
           folder: Path) -> dict:
    _, kind, case, _, _, _ = MEASURES[name]
    work = Path(tempfile.mkdtemp(dir=folder))
    path = case_of(version, cases, case)
    if kind is None:
        return plan_json_ratio(version, path, work)
    values = child(version, CHILDREN[kind], [str(path), str(repeat), str(work)], work)
    if "floor" in values:
        values["ratio"] = values["seconds"] / values["floor"]
    return values


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--against", metavar="REV",
                        help="a git revision to time side by side with this checkout")
    parser.add_argument("--only", nargs="*", choices=MEASURES, default=list(MEASURES))
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    versions = {"this": ROOT}
    try:
        if options.against:
            other = folder / "against"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach",
                            str(other), options.against], check=True, capture_output=True)
            versions[options.against] = other
        import finplan

        cases = {"demo": finplan.demo_path(),
                 "plain": write_plain_demo(folder / "demo-sans-relais.toml"),
                 "large": write_large_case(folder / "large.toml")}
        rounds = {name: 1 if MEASURES[name][1] in ("batch", "montecarlo_memory")
                  else options.repeat if MEASURES[name][1] is None else 3
                  for name in options.only}
        results: dict[str, dict[str, list[dict]]] = {}
        for name in options.only:
            results[name] = {version: [] for version in versions}
            for _ in range(rounds[name]):
                for version, path in versions.items():  # alternately
                    results[name][version].append(figure(name, path, cases,
                                                         options.repeat, folder))
        _report(results, versions)
    finally:
        if options.against:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                            str(folder / "against")], check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _report(results: dict, versions: dict) -> None:
    names = list(versions)
    header = f"{'measure':58} " + " ".join(f"{name:>12}" for name in names)
    if len(names) == 2:
        header += f" {'ratio':>7}"
    print(header + "   target")
    for name, by_version in results.items():
        label, _, _, key, unit, target = MEASURES[name]
        medians = {}
        for version, runs in by_version.items():
            values = [run.get(key) for run in runs]
            medians[version] = None if None in values else statistics.median(values)
        line = f"{label:58} " + " ".join(f"{shown(medians[v], unit):>12}" for v in names)
        if len(names) == 2 and None not in medians.values():
            line += f" {medians[names[0]] / medians[names[1]]:7.2f}"
        print(line + f"   {target}")


if __name__ == "__main__":
    main()
