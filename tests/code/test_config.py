import re
import subprocess
import sys
from pathlib import Path

import pytest

from forecastops import cli
from forecastops.config import compose as config_compose
from forecastops.config import load as config_load
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.errors import ForecastopsError

REPO = Path(__file__).resolve().parents[2]


def test_committed_params_yaml_matches_conf():
    """params.yaml is what DVC tracks: it must be exactly the composition of conf/."""
    assert (REPO / "params.yaml").read_text() == config_compose.dump(
        config_compose.compose([], REPO / "conf")
    )


def test_params_yaml_leads_with_what_an_experiment_varies():
    """`dvc exp show` lists params in file order: the model's before the data adapter maps."""
    sections = list(config_compose.compose([], REPO / "conf"))
    assert sections[:3] == ["model", "features", "train"]
    assert sections[-1] == "data"


def test_check_fails_on_drift_and_names_the_fix(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    stale = tmp_path / "params.yaml"
    stale.write_text(config_compose.dump(config_compose.compose(["model.lasso.alpha=0.5"])))
    assert cli.main(["params", "--check", "--out", str(stale)]) == 2
    assert "make params" in capsys.readouterr().err
    assert cli.main(["params", "--out", str(stale)]) == 0
    assert cli.main(["params", "--check", "--out", str(stale)]) == 0


def test_region_override_changes_only_that_region():
    params = config_compose.compose(
        ["+segments.all_regions.texas.model.lasso.alpha=0.01"], REPO / "conf"
    )
    seg = config_load.section(params, "segments", SegmentsConfig)
    assert seg.model_params("texas", params["model"])["lasso"]["alpha"] == 0.01
    assert (
        seg.model_params("northeast", params["model"])["lasso"]["alpha"]
        == params["model"]["lasso"]["alpha"]
    )
    assert len(seg.segment_keys()) == 14 * 2 * 2
    assert seg.region_names == list(seg.all_regions)  # what featurize depends on: unchanged
    assert (
        params["segments"]["region_names"]
        == config_compose.compose([], REPO / "conf")["segments"]["region_names"]
    )


def test_bad_override_is_a_clear_error():
    with pytest.raises(ForecastopsError, match="env=nowhere"):
        config_compose.compose(["env=nowhere"], REPO / "conf")


def test_cli_entry_point_lists_stages():
    out = subprocess.run(
        [sys.executable, "-m", "forecastops.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for stage in ("condition", "validate", "featurize", "train", "evaluate", "score"):
        assert stage in out.stdout


def _choices() -> list[str]:
    """Every ``conf/<group>/<choice>.yaml`` of the pipeline's composition, as an override."""
    groups = [d for d in (REPO / "conf").iterdir() if d.is_dir() and d.name != "synth"]
    return sorted(f"{g.name}={f.stem}" for g in groups for f in g.glob("*.yaml"))


@pytest.mark.parametrize("choice", _choices())
def test_every_config_choice_composes_and_validates(choice):
    """compose() validates every section against its typed schema (unknown keys refused)."""
    params = config_compose.compose([choice], REPO / "conf")
    typed = config_compose.validate(params)
    assert set(typed.region_models()) == set(params["segments"]["regions"])


@pytest.mark.parametrize("env", ["local", "dev", "prod"])
@pytest.mark.parametrize("data", ["default", "walmart", "drugstore"])
def test_every_env_composes_with_every_company(env, data):
    config_compose.compose([f"env={env}", f"data={data}"], REPO / "conf")


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("model.nn.epochs=abc", "model.nn.epochs"),
        ("model.lasso.alpha=-1", "model.lasso.alpha"),
        ("+model.nn.epoch=3", "model.nn.epoch"),
        ("model.nn.epoch=3", "model.nn.epoch"),
        ("+segments.all_regions.texas.model.nn.dropout=2", "nn.dropout"),
        ("+segments.all_regions.texas.model.lasso.alpah=1", "lasso.alpah"),
        ("train.split.test_weeks=0", "train.split.test_weeks"),
        ("+validation.no_such_rule.action=fail", "validation.no_such_rule"),
        ("evaluate.gate.rules.fast.metric=accuracy", "evaluate.gate.rules.fast.metric"),
        ("~evaluate.gate.rules.slow", "evaluate.gate.rules has no rule for segment class(es)"),
        ("model.quantiles.levels=[0.9,0.1]", "model.quantiles"),
        ("model.quantiles.levels=[0.1,1.5]", "model.quantiles"),
        ("model.nn.scope=global", "model.nn.scope"),
        ("model.nn.sources=[average,average]", "model.nn"),
        ("model.nn.sources=[global]", "model.nn.sources"),
        ("model.nn.sources=[]", "model.nn.sources"),
        ("model.ensemble.select_metric=bias", "model.ensemble.select_metric"),
        # model inputs are columns the weekly table offers, of the kind declared
        ("features.numeric_exogenous=[promo_discount,open_dayz]", "'open_dayz' is not a column"),
        ("features.numeric_exogenous=[net_demand]", "'net_demand' is not a column"),
        ("features.numeric_exogenous=[store_id]", "'store_id' is a category"),
        ("features.categoricals=[store_id,temperature_c]", "'temperature_c' is numeric"),
        ("features.demographics=[median_incme]", "features.demographics: 'median_incme'"),
        ("segments.velocity.threshold={quantile:1.5}", "segments.velocity.threshold"),
        ("+data.sources.shipments.aggregate.units_shipped=median", "aggregate.units_shipped"),
        (
            "segments.region_names=[texas]",
            "segments: region_names ['texas'] must be all_regions' names",
        ),
    ],
)
def test_config_mistakes_fail_at_compose_with_one_line_naming_the_key(
    override, key, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(REPO)
    out = tmp_path / "params.yaml"
    assert cli.main(["params", override, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert key in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()


def test_generator_settings_stay_out_of_params():
    """The generator is a tool, not a stage: params.yaml (what stages read) has no synth section,
    and `forecastops generate` composes it with the pipeline's rules."""
    assert "synth" not in config_compose.compose([], REPO / "conf")
    full = config_compose.compose_raw([], REPO / "conf", config_name="generate")
    assert full["synth"]["velocity_threshold"] == full["segments"]["velocity"]["threshold"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            ["train.horizon_weeks=8"],
            "features.lags [4, 5, 6, 7] are shorter than train.horizon_weeks=8",
        ),
        (["features.lags=[5,6,52]"], "must include train.horizon_weeks=4"),
    ],
)
def test_lags_shorter_than_the_horizon_are_refused(overrides, message):
    with pytest.raises(ForecastopsError, match=re.escape(message)):
        config_compose.compose(overrides, REPO / "conf")


def test_lags_are_the_weeks_back_they_mean_at_any_horizon():
    params = config_compose.compose(
        ["train.horizon_weeks=1", "features.lags=[1,2,3,4,52]"], REPO / "conf"
    )
    assert params["features"]["lags"] == [1, 2, 3, 4, 52]
