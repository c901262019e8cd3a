"""Model tests: real sklearn and torch training on a tiny matrix."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from forecastops.config.load import section
from forecastops.config.sections.evaluate import EvaluateConfig
from forecastops.config.sections.executor import LocalExecutor
from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.report import ReportConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.exec.store import WorkStore
from forecastops.features.stage import featurize
from forecastops.modeling import ensemble
from forecastops.modeling.ensemble import predict_segment, segment_dir
from forecastops.modeling.rows import usable
from forecastops.stages.evaluate import evaluate
from forecastops.stages.score import score_region
from forecastops.stages.train import train_region

IN_PROCESS = LocalExecutor(kind="local", n_jobs=1)


@pytest.fixture(scope="module")
def setup(weekly_table, local_params):
    feat = section(local_params, "features", FeaturesConfig)
    seg = section(local_params, "segments", SegmentsConfig)
    train = section(local_params, "train", TrainConfig)
    model = section(local_params, "model", ModelConfig)
    return featurize(weekly_table, feat, seg, train)["texas"], feat, seg, train, model


@pytest.fixture(scope="module")
def trained(setup, tmp_path_factory):
    features, feat, seg, train, model = setup
    out = tmp_path_factory.mktemp("models") / "texas"
    store = WorkStore(out.parent / "work")
    preds, summary, _ = train_region(
        features, "texas", seg, (model, feat, train), out, IN_PROCESS, store
    )
    return out, preds, summary


def test_every_segment_trained_and_forecasts_are_non_negative(trained, setup):
    out, preds, summary = trained
    assert sorted(summary["segments"]) == [
        f"texas/{f}/{v}" for f in ("large", "small") for v in ("fast", "slow")
    ]
    for col in ("ensemble", "lasso", "nn", "baseline", "naive"):
        assert (preds[col] >= 0).all(), col
        assert np.isfinite(preds[col]).all(), col
    for key in summary["segments"]:
        d = segment_dir(out, key)
        assert {"lasso.json", "nn_0.pt", "meta.json"} <= {p.name for p in d.iterdir()}


def test_ensemble_beats_historical_average_on_seasonal_promoted_series(
    trained, setup, local_params
):
    _, preds, _ = trained
    fast = preds[preds["velocity"] == "fast"]
    metrics = evaluate(
        fast,
        setup[2],
        section(local_params, "evaluate", EvaluateConfig),
        section(local_params, "report", ReportConfig).bootstrap,
    )
    assert metrics["overall"]["wape"] < metrics["overall"]["baseline_wape"]


def test_training_is_deterministic_on_cpu(setup, trained, tmp_path):
    features, feat, seg, train, model = setup
    _, first, _ = trained
    store = WorkStore(tmp_path / "work")
    again, _, report = train_region(
        features, "texas", seg, (model, feat, train), tmp_path / "texas", IN_PROCESS, store
    )
    assert report.stored == [] and len(report.computed) == len(report.keys)  # fitted again
    pd.testing.assert_frame_equal(first, again)


def test_saved_models_reload_and_score_unseen_categories(trained, setup):
    out, _, _ = trained
    features = setup[0]
    rows = usable(features, "future")
    rows = rows[rows["segment"] == "texas/large/fast"].copy()
    a = predict_segment(segment_dir(out, "texas/large/fast"), rows)
    rows["store_id"] = "never-seen"
    b = predict_segment(segment_dir(out, "texas/large/fast"), rows)
    assert len(a) == len(rows) and (a["ensemble"] >= 0).all()
    assert np.isfinite(b["ensemble"]).all()


def test_scoring_loads_a_regions_shared_networks_once(trained, setup, tmp_path, monkeypatch):
    out = shutil.copytree(trained[0], tmp_path / "texas")
    assert (out / "region_nn" / "meta.json").is_file()
    for meta_path in out.glob("*_*/meta.json"):  # every segment on the region's networks
        meta = json.loads(meta_path.read_text())
        meta_path.write_text(json.dumps({**meta, "nn_source": "shared"}))
    calls = []
    real = ensemble.load_shared_nn
    monkeypatch.setattr(ensemble, "load_shared_nn", lambda p: calls.append(p) or real(p))
    scored, _ = score_region(setup[0], out)
    assert calls == [out / "region_nn"]  # once for the region's four segments
    one = usable(setup[0], "future")
    one = one[one["segment"] == "texas/small/slow"]
    alone = predict_segment(segment_dir(out, "texas/small/slow"), one)  # no cache: same numbers
    mine = scored[scored["segment"] == "texas/small/slow"].reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, alone.reset_index(drop=True))


def _nn_units(model_dir, rows, source):
    """The NN column predict_segment gives for ``source``, without smearing (factor 1)."""
    meta = json.loads((model_dir / "meta.json").read_text())
    smearing = {**meta["smearing"], "nn": 1.0}
    (model_dir / "meta.json").write_text(
        json.dumps({**meta, "nn_source": source, "smearing": smearing})
    )
    return predict_segment(model_dir, rows)["nn"].to_numpy()


def test_the_average_nn_source_is_both_networks_averaged_on_the_log_scale(trained, setup, tmp_path):
    out = shutil.copytree(trained[0], tmp_path / "texas")
    model_dir = segment_dir(out, "texas/large/fast")
    rows = usable(setup[0], "future")
    rows = rows[rows["segment"] == "texas/large/fast"]
    own, region, both = (_nn_units(model_dir, rows, s) for s in ("own", "shared", "average"))
    assert not np.allclose(own, region)  # two different sets of networks
    # (1 + level) * exp(rel) per source: the average's is the geometric mean of the other two
    np.testing.assert_allclose(np.log1p(both), (np.log1p(own) + np.log1p(region)) / 2, rtol=1e-6)


def test_a_model_saved_before_evidence_was_recorded_scores_the_same(trained, setup, tmp_path):
    out = shutil.copytree(trained[0], tmp_path / "texas")
    model_dir = segment_dir(out, "texas/large/fast")
    rows = usable(setup[0], "future")
    rows = rows[rows["segment"] == "texas/large/fast"]
    before = predict_segment(model_dir, rows)
    meta = json.loads((model_dir / "meta.json").read_text())
    assert {"reference", "best", "verdict", "moved"} <= set(meta.pop("evidence"))
    (model_dir / "meta.json").write_text(json.dumps(meta))
    pd.testing.assert_frame_equal(predict_segment(model_dir, rows), before)


def test_a_model_with_an_unknown_nn_source_is_refused_by_file(trained, setup, tmp_path):
    out = shutil.copytree(trained[0], tmp_path / "texas")
    model_dir = segment_dir(out, "texas/small/fast")
    rows = usable(setup[0], "future")
    with pytest.raises(ForecastopsError, match=r"small_fast/meta.json: nn_source 'global'"):
        _nn_units(model_dir, rows[rows["segment"] == "texas/small/fast"], "global")


def test_the_configured_nn_sources_are_the_candidates(trained):
    summary = trained[2]
    chosen = {info["nn_source"] for info in summary["segments"].values()}
    assert chosen == {"average"}  # conf/model: sources [average]
    assert all(
        list(info["nn_source_scores"]) == ["average"] for info in summary["segments"].values()
    )
