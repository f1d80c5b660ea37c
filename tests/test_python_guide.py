"""docs/python-api.md runs: its ```python blocks, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

GUIDE = Path(__file__).parent.parent / "docs" / "python-api.md"


def test_the_guide_runs(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the files the guide writes
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text("utf-8"), flags=re.S)
    assert len(blocks) >= 4
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(GUIDE), "exec"), namespace)
    shown = capsys.readouterr().out
    assert "(2027, 2028, 2029)" in shown
    assert "funder[Fondation de France].rate" in shown
    assert "plafond 30000" in shown
    assert (tmp_path / "plafond-30000.xlsx").stat().st_size > 10_000
