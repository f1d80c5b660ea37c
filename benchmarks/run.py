"""finplan benchmarks: run on demand, never in the test suite.

    python benchmarks/run.py [--repeat 5]

Prints the median of several runs for each measure, the ratios the project
targets, and the peak memory of the process. Record the figures in
docs/performance.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import finplan
from finplan.batch import run_batch
from finplan.io.workbook_write import build_workbook, fill_workbook
from finplan.simulation import montecarlo

ROOT = Path(__file__).resolve().parent.parent


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    demo = finplan.demo_path()
    case = finplan.load_case(demo)
    folder = Path(tempfile.mkdtemp())
    try:
        compute = median_seconds(lambda: finplan.compute(case), repeat)
        cli_plan = median_seconds(lambda: subprocess.run(
            [sys.executable, "-m", "finplan.cli", "plan", str(demo), "--json"],
            capture_output=True, check=False), repeat)
        built = folder / "build.xlsx"
        build = median_seconds(lambda: build_workbook(finplan.load_case(demo)).workbook.save(
            built), repeat)
        from openpyxl import load_workbook

        floor = median_seconds(lambda: load_workbook(built).save(folder / "floor.xlsx"), repeat)
        filled = folder / "fill.xlsx"
        shutil.copy(built, filled)
        fill = median_seconds(lambda: fill_workbook(filled), repeat)
        cases = folder / "cases"
        cases.mkdir()
        examples = finplan.example_paths()
        for index in range(100):
            shutil.copy(examples[index % len(examples)], cases / f"cas-{index:03}.toml")
        runs = iter(range(repeat))  # a new output folder each run: batch never overwrites
        batch = median_seconds(lambda: run_batch(cases, folder / f"out{next(runs)}", jobs=2,
                                                 progress=False), max(1, repeat // 2))
        draws = median_seconds(lambda: montecarlo(case, draws=10_000), repeat)
        cli_montecarlo = median_seconds(lambda: subprocess.run(
            [sys.executable, "-m", "finplan.cli", "montecarlo", str(demo), "--json",
             "--draws", "10000"], capture_output=True, check=True), repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    try:
        import resource  # not on Windows
    except ImportError:
        peak = float("nan")
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"compute (engine, demo)           {compute * 1000:8.1f} ms")
    print(f"finplan plan --json (process)     {cli_plan * 1000:8.1f} ms")
    print(f"build workbook (demo)             {build * 1000:8.1f} ms")
    print(f"openpyxl load + save (floor)      {floor * 1000:8.1f} ms")
    print(f"  ratio build / floor             {build / floor:8.2f}   (target <= 1.5)")
    print(f"fill (read, compute, merge, save) {fill * 1000:8.1f} ms")
    print(f"  ratio fill / floor              {fill / floor:8.2f}")
    print(f"batch of 100 cases, 2 jobs        {batch:8.2f} s    (target <= 20 s)")
    print(f"peak memory of this process       {peak:8.1f} MB")
    print(f"Monte Carlo, 10 000 draws (API)   {draws * 1000:8.1f} ms   (target <= 1000 ms)")
    print(f"finplan montecarlo --json (proc.) {cli_montecarlo * 1000:8.1f} ms")
    print(f"  ratio montecarlo / plan          {cli_montecarlo / cli_plan:8.2f}   "
          "(target <= 20)")


if __name__ == "__main__":
    main()
