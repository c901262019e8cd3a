"""`forecastops generate` extends the data by new weeks: the same world going on (earlier weeks
byte-identical), with drift injected where asked (issue 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from forecastops import cli
from forecastops.errors import ForecastopsError
from forecastops_synth.generate import generate, load_config

REPO = Path(__file__).resolve().parents[2]
CONF = REPO / "conf"
REPLACED = {"weather/forecast.csv"}  # issued after the last history week: a new one each time


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("extend")
    out = {}
    for name, overrides in {
        "base": [],
        "4": ["synth.extend_weeks=4"],
        "8": ["synth.extend_weeks=8"],
        "outage": ["synth.extend_weeks=8", "synth/drift=feed_outage"],
        "family": ["synth.extend_weeks=8", "synth/drift=new_products"],
    }.items():
        generate(load_config(["synth=sample", *overrides], CONF), root / name)
        out[name] = _files(root / name)
    return out


def test_base_is_the_committed_sample(generated):
    assert generated["base"] == _files(REPO / "sample")


@pytest.mark.parametrize("extended", ["4", "8", "outage", "family"])
def test_earlier_weeks_stay_byte_identical(generated, extended):
    """Every source of the history is a byte prefix of the extended one: nothing earlier moved."""
    base, longer = generated["base"], generated[extended]
    for path, content in base.items():
        if path in REPLACED:
            continue
        assert longer[path][: len(content)] == content, path
    grown = [p for p in base if p not in REPLACED and len(generated[extended][p]) > len(base[p])]
    assert {"returns.jsonl", "weather/observed.csv", "shipments/shipments_2026.csv"} <= set(grown)
    assert "shipments/shipments_2027.csv" in generated[extended] or extended == "4"


def _weeks(files: dict[str, bytes]) -> pd.DataFrame:
    frames = [
        pd.read_csv(pd.io.common.BytesIO(content), dtype=str)
        for path, content in files.items()
        if path.startswith("shipments/")
    ]
    rows = pd.concat(frames)
    rows["week"] = pd.to_datetime(rows["WEEK_END_DT"], format="%m/%d/%Y")
    return rows


def test_four_then_eight_weeks_agree_on_the_first_four(generated):
    four, eight = _weeks(generated["4"]), _weeks(generated["8"])
    last = four["week"].max()
    assert (eight["week"].max() - last).days == 28
    head = eight[eight["week"] <= last].reset_index(drop=True)
    pd.testing.assert_frame_equal(head, four.reset_index(drop=True))


def test_feed_outage_removes_the_region_weeks(generated):
    stores = {
        str(s["store_nbr"]): s["region"] for s in json.loads(generated["base"]["stores.json"])
    }
    plain, cut = _weeks(generated["8"]), _weeks(generated["outage"])
    first_new = _weeks(generated["base"])["week"].max() + pd.Timedelta(weeks=1)
    hit = [first_new + pd.Timedelta(weeks=k) for k in (2, 3)]  # conf/synth/drift/feed_outage.yaml
    region = cut["STORE_NBR"].map(stores)
    assert not ((region == "northeast") & cut["week"].isin(hit)).any()
    assert ((plain["STORE_NBR"].map(stores) == "northeast") & plain["week"].isin(hit)).sum() > 50
    assert ((region == "texas") & cut["week"].isin(hit)).sum() > 50


def test_new_product_family_is_in_the_catalog_and_ships(generated):
    base = pd.read_csv(pd.io.common.BytesIO(generated["base"]["products.csv"]))
    catalog = pd.read_csv(pd.io.common.BytesIO(generated["family"]["products.csv"]))
    new = catalog.iloc[len(base) :]
    assert len(new) >= 1 and set(new["CATEGORY"]) == {"snacks"}
    assert new["DESCRIPTION"].str.startswith("New ").all()
    shipped = _weeks(generated["family"])
    assert shipped["ITEM_NBR"].isin(new["ITEM_NBR"]).sum() > 20


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["synth.extend_weeks=13"], "extend_weeks 13 > future_weeks 12"),
        (["synth/drift=demand_shift"], "drift is injected into new weeks"),
        (
            ["synth.extend_weeks=2", "synth/drift=feed_outage"],
            "from_week 2 >= extend_weeks",
        ),
    ],
)
def test_bad_extension_is_a_clear_error(overrides, message):
    with pytest.raises(ForecastopsError, match=message):
        load_config(["synth=sample", *overrides], CONF)


def test_cli_reports_the_new_weeks(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    args = ["synth=sample", "synth.extend_weeks=2", "synth/drift=demand_shift"]
    with pytest.raises(ForecastopsError, match="from_week"):
        load_config([*args[:2], "synth/drift=feed_outage"], CONF)
    assert cli.main(["generate", *args, "--out", str(tmp_path / "d")]) == 0
    assert "+ 2 new weeks, drift: demand_shift" in capsys.readouterr().out
