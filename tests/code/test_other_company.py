"""Another company's data needs a config file, not code: the Walmart-style adapter end to end."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecastops.gitops.smoke import prepare

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def write_walmart_like(root: Path, n_weeks: int = 150, seed: int = 3) -> Path:
    """Store x department weekly sales (Friday week-ending), holiday flag, temperature, type/size."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True)
    fridays = [dt.date(2010, 2, 5) + dt.timedelta(weeks=i) for i in range(n_weeks + 6)]
    stores = {1: ("A", 151315), 2: ("A", 202307), 3: ("B", 37392), 4: ("C", 42988)}
    sales, feats = [], []
    for store, (_kind, size) in stores.items():
        for i, friday in enumerate(fridays):
            woy = friday.isocalendar()[1]
            holiday = woy in (6, 36, 47, 52)
            temp = 55 + 25 * np.sin(2 * np.pi * (woy - 15) / 52) + rng.normal(0, 4)
            markdowns = ["NA"] * 5
            feats.append(
                (store, friday, round(temp, 2), 2.5, *markdowns, 211.1, 8.1, str(holiday).upper())
            )
            if i >= n_weeks:
                continue
            for dept in range(1, 7):
                level = size / 1000 * (1 + dept) * (1 + 0.3 * np.sin(2 * np.pi * woy / 52 + dept))
                value = level * (1.4 if holiday else 1.0) * rng.lognormal(0, 0.15)
                sales.append((store, dept, friday, round(value, 2), str(holiday).upper()))
    pd.DataFrame(sales, columns=["Store", "Dept", "Date", "Weekly_Sales", "IsHoliday"]).to_csv(
        root / "train.csv", index=False
    )
    cols = [
        "Store",
        "Date",
        "Temperature",
        "Fuel_Price",
        *(f"MarkDown{i}" for i in range(1, 6)),
        "CPI",
        "Unemployment",
        "IsHoliday",
    ]
    pd.DataFrame(feats, columns=cols).to_csv(root / "features.csv", index=False)
    rows = [{"Store": s, "Type": k, "Size": z} for s, (k, z) in stores.items()]
    pd.DataFrame(rows).to_csv(root / "stores.csv", index=False)
    return root


def test_walmart_layout_runs_the_whole_pipeline_with_config_only(tmp_path, monkeypatch):
    data = write_walmart_like(tmp_path / "walmart")
    monkeypatch.chdir(REPO)
    overrides = [
        "env=dev",
        "data=walmart",
        "env.data_root=walmart",
        "train.split.test_weeks=8",
        "train.split.val_weeks=8",
        "model.nn.epochs=3",
    ]
    ws = prepare(tmp_path / "ws", overrides, data_link=data)
    dvc = str(Path(sys.executable).parent / "dvc")
    out = subprocess.run([dvc, "repro"], cwd=ws, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    metrics = json.loads((ws / "reports" / "metrics.json").read_text())
    # velocity relative to the sales (dollars): the median cut fills every segment (a 12-unit
    # threshold made every series fast, leaving both slow segments empty)
    assert set(metrics["segments"]) == {
        f"all/{f}/{v}" for f in ("large", "small") for v in ("fast", "slow")
    }
    assert metrics["overall"]["missing_segments"] == []
    assert "quantile 0.5 of 24 series' training-era means" in out.stdout
    # no precipitation in this layout: reported once by featurize, no numpy warning in any fit
    assert out.stdout.count("precipitation_mm has no value in any segment") == 1, out.stdout
    assert "Degrees of freedom" not in out.stdout + out.stderr
    assert all(s["beats_baseline_mape"] for s in metrics["segments"].values())
    forecasts = pd.read_csv(ws / "outputs" / "forecasts.csv")
    assert forecasts["store_id"].nunique() == 4 and (forecasts["forecast"] > 0).all()
