"""``bench/contest.py --scale small`` runs the whole contest and its checks hold (correctness only, no timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("BENCH_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"


def _postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES, connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.mark.skipif(not _postgres_answers(), reason="the contest benchmark needs a PostgreSQL server")
def test_small_contest_loses_nothing_and_publishes_the_decisions():
    done = subprocess.run(
        [sys.executable, "bench/contest.py", "--scale", "0.005", "--skip-fairness"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": POSTGRES},
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    stages = [s["stage"] for s in result["stages"]]
    assert stages[0] == "opening" and stages[-1] == "open_data" and "scoring" in stages
    assert result["applications"] == 75 and result["experts"] == 12
    assert result["lost"] == 0 and result["unacknowledged_in_db"] == 0
    assert result["undecided"] == 0
    assert result["conflicts_found_equal_registry"] is True and result["conflicted_assigned"] == 0
    assert result["within_budget"] is True and result["open_data_valid"] is True
    assert result["published_total_matches"] is True
    # Every acknowledged application ended awarded, in reserve, rejected or refused at screening.
    assert sum(result["statuses"].values()) == result["acknowledged"]
    assert result["scores"] >= 3 * (result["acknowledged"] - result["statuses"].get("ineligible", 0))
