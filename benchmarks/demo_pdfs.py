"""How much the Chinese demo PDFs cost `make run`'s first start: the time of one sample PDF
(median of runs of 100) and the wall time of `hegui seed --demo` on an empty SQLite database
(median of --repeat runs). Usage: .venv/bin/python benchmarks/demo_pdfs.py [--repeat 3]"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pdf_ms() -> float:
    from backend.domain.demo.names import sample_pdf

    sample_pdf("预热", "P1-2023", 1)
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        for i in range(100):
            sample_pdf(f"关于报送合规管理实施方案的报告{i}", "P1-2023", 1)
        runs.append((time.perf_counter() - start) * 10)  # ms per PDF
    return statistics.median(runs)


def seed_seconds(repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as var:
            env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
            env |= {"HEGUI_VAR_DIR": var, "HEGUI_REMINDER_SCAN": "off"}
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "backend.cli", "seed", "--demo"],
                cwd=ROOT, env=env, check=True, capture_output=True,
            )  # fmt: skip
            runs.append(time.perf_counter() - start)
    return statistics.median(runs)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"one sample PDF: {pdf_ms():.1f} ms (median)")
    print(f"hegui seed --demo: {seed_seconds(args.repeat):.1f} s (median of {args.repeat})")
