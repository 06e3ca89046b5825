"""benchmarks/generate.py, the street office the speed figures are measured on: a
log of N entries, and a register of households whose coverage the review reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def generated(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_register_added_to_a_log_is_what_the_review_covers(tmp_path, gridlog):
    db = tmp_path / "street.db"
    generated("--entries", "800", "--out", str(db))
    said = generated("--households", "3", "--register-only", "--out", str(db))
    assert "residents registered" in said
    result = gridlog(
        "--db", str(db), "report", "--month", "2024-05", "-f", "json",
        now="2024-06-17T07:50",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    coverage = json.loads(result.stdout)["coverage"]
    assert len(coverage) == 40  # every grid has its three households
    assert all(grid["households"] == 3 for grid in coverage)
