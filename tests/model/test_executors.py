"""Executors for segment work (issue 10): the same models whichever executor ran the fits, a failing
segment named while the others are kept, and a rerun that fits only what failed. Real training on a
tiny table; Ray runs a local instance of 2 CPUs."""

from __future__ import annotations

import operator
import os
import sys
from pathlib import Path

import pandas as pd
import pytest
import ray

from forecastops import cli
from forecastops.config.compose import compose, dump
from forecastops.config.load import section
from forecastops.config.sections.executor import LocalExecutor, RayExecutor
from forecastops.config.sections.features import FeaturesConfig
from forecastops.config.sections.model import ModelConfig
from forecastops.config.sections.segments import SegmentsConfig
from forecastops.config.sections.train import TrainConfig
from forecastops.errors import ForecastopsError
from forecastops.exec.run import run_tasks
from forecastops.exec.store import WorkStore
from forecastops.exec.task import Task
from forecastops.features.stage import featurize
from forecastops.modeling.jobs import plan_region
from forecastops.stages.train import train_region

REPO = Path(__file__).resolve().parents[2]
BROKEN = "texas/large/fast"  # the segment the failure tests take the validation weeks from


@pytest.fixture(scope="module")
def ray_executor():
    """Ray on this machine, kept tiny; started by the executor itself, stopped after the module."""
    yield RayExecutor(kind="ray", address=None, num_cpus=2, cpus_per_task=1, gpus_per_task=0)
    ray.shutdown()


@pytest.fixture(scope="module")
def texas(weekly_table, local_params):
    seg = section(local_params, "segments", SegmentsConfig)
    configs = (
        section(local_params, "model", ModelConfig),
        section(local_params, "features", FeaturesConfig),
        section(local_params, "train", TrainConfig),
    )
    return featurize(weekly_table, configs[1], seg, configs[2])["texas"], seg, configs


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_models_are_byte_identical_whichever_executor_ran_them(texas, tmp_path, ray_executor):
    """local in-process, local over 2 processes and Ray: the same files, byte for byte. The GPU
    batch setting is changed for one run too: on CPU it changes nothing."""
    features, seg, (model, feat, train) = texas
    runs = {
        "in-process": (LocalExecutor(kind="local", n_jobs=1), train),
        "processes": (LocalExecutor(kind="local", n_jobs=2), train),
        "ray": (ray_executor, train.model_copy(update={"gpu_batch_size": 7})),
    }
    outputs, preds = {}, {}
    for name, (executor, train_cfg) in runs.items():
        out, store = tmp_path / name / "texas", WorkStore(tmp_path / name / "work")
        preds[name], _, report = train_region(
            features, "texas", seg, (model, feat, train_cfg), out, executor, store
        )
        assert len(report.computed) == 5 and not report.stored  # 4 segments + region networks
        outputs[name] = files(out)
    assert len(outputs["in-process"]) > 10
    assert outputs["processes"] == outputs["in-process"] == outputs["ray"]
    pd.testing.assert_frame_equal(preds["processes"], preds["ray"])


def _params(tmp_path: Path, *overrides: str) -> Path:
    path = tmp_path / "params.yaml"
    path.write_text(
        dump(compose(["env=local", "model.nn.scope=segment", *overrides], REPO / "conf"))
    )
    return path


def test_a_failing_segment_is_named_the_others_kept_and_only_it_refitted(texas, tmp_path, capsys):
    """A segment without validation weeks fails: `forecastops train` names it, exits non-zero and
    writes no models, the other fits stay stored; once the data is whole the rerun fits only it."""
    features = texas[0]
    broken = features[~((features["segment"] == BROKEN) & (features["split"] == "val"))]
    params = _params(tmp_path, "executor.n_jobs=2")
    path, out = tmp_path / "features.parquet", tmp_path / "models" / "texas"
    broken.to_parquet(path)
    args = ["train", "--params", str(params), "--region", "texas", "--features", str(path)]
    assert cli.main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "1 of 4 fits of region texas failed; the 3 that finished are kept" in err
    assert f"  {BROKEN}: ForecastopsError: train: segment {BROKEN} has" in err and "0 val" in err
    assert not out.exists()  # no half-written models
    store = WorkStore.near(out)
    assert len(store.keys()) == 3

    features.to_parquet(path)
    assert cli.main([*args, "--out", str(out)]) == 0
    assert "(1 fits computed, 3 kept from earlier runs)" in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [
        "large_fast",
        "large_slow",
        "small_fast",
        "small_slow",
    ]
    assert store.keys() == []  # written: DVC records them from here on


def _ok(name: str) -> Task:
    return Task(name, f"key{name}", tuple, ([{"f.bin": name.encode()}, {"name": name}],))


@pytest.mark.parametrize("executor", ["processes", "ray"])
def test_an_error_or_a_dead_worker_loses_only_its_own_task(executor, tmp_path, ray_executor):
    """An exception and a worker that dies (os._exit, as an out-of-memory kill would) are failed
    outcomes by name; every other task is stored, and the rerun runs only what is not."""
    cfg = ray_executor if executor == "ray" else LocalExecutor(kind="local", n_jobs=2)
    tasks = [
        _ok("a"),
        Task("raises", "keyraises", operator.truediv, (1, 0)),
        Task("dies", "keydies", os._exit, (3,)),
        _ok("b"),
    ]
    store = WorkStore(tmp_path / "work")
    report = run_tasks(tasks, cfg, store)
    assert report.failures["raises"].startswith("ZeroDivisionError: division by zero")
    assert "dies" in report.failures and report.keys == [t.key for t in tasks]
    assert set(report.computed) | set(report.failures) == {"a", "raises", "dies", "b"}
    if executor == "ray":  # Ray loses only the dead worker's task
        assert sorted(report.computed) == ["a", "b"]
        assert report.failures["dies"].startswith("Ray lost the task")
    else:  # loky's pool breaks: what had not finished is reported lost, by name
        assert report.failures["dies"].startswith("a worker process died")
    for name in report.computed:
        assert store.meta(f"key{name}") == {"name": name}
    again = run_tasks([_ok("a"), _ok("b")], cfg, store)
    assert sorted(again.stored) == sorted(report.computed) and not again.failures
    assert sorted(again.computed) == sorted({"a", "b"} - set(report.computed))


def test_switching_executors_changes_no_fit_key(texas, local_params):
    """The keys hash what a fit depends on (rows, config, code): a region's config changes them,
    the executor is not among them."""
    features, seg, (model, feat, train) = texas
    keys = [t.key for t in plan_region(features, "texas", seg, (model, feat, train)).tasks]
    again = [t.key for t in plan_region(features, "texas", seg, (model, feat, train)).tasks]
    lasso = model.lasso.model_copy(update={"alpha": model.lasso.alpha * 2})
    other = model.model_copy(update={"lasso": lasso})
    changed = [t.key for t in plan_region(features, "texas", seg, (other, feat, train)).tasks]
    assert keys == again and len(set(keys)) == 5
    assert not set(changed) & set(keys)


def test_ray_missing_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # as if the `ray` extra were not installed
    cfg = RayExecutor(kind="ray", address=None, num_cpus=1, cpus_per_task=1, gpus_per_task=0)
    with pytest.raises(ForecastopsError, match=r"pip install 'forecastops\[ray\]'"):
        run_tasks([_ok("a")], cfg, WorkStore(tmp_path))


def test_executor_config_refuses_unknown_keys():
    with pytest.raises(ForecastopsError, match="executor"):
        compose(["executor=local", "+executor.address=auto"], REPO / "conf")
    params = compose(["executor=ray", "executor.address=auto"], REPO / "conf")
    assert params["executor"]["kind"] == "ray" and params["executor"]["address"] == "auto"
