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
