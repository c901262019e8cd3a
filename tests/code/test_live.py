"""DVCLive logs of the regions: one file per region, written with one DVC repository opened for all
of them (DVCLive opens one per ``Live``, which cost evaluate seconds at 56 regions)."""

from __future__ import annotations

import json

import dvclive.live as dvclive_live

from forecastops.experiments import live


def test_the_regions_share_one_repository_and_dvclive_gets_its_own_opener_back(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    own, opened = dvclive_live.get_dvc_repo, []

    def counting():
        opened.append(1)
        return own()

    monkeypatch.setattr(dvclive_live, "get_dvc_repo", counting)
    values = {r: {"large/fast/wape": 0.1 * i, "large/slow/wape": None} for i, r in enumerate("abc")}
    live.write_regions(tmp_path / "regions", values)
    assert len(opened) == 1  # not one per region
    assert dvclive_live.get_dvc_repo is counting  # restored
    for i, region in enumerate("abc"):
        logged = json.loads((tmp_path / "regions" / region / "metrics.json").read_text())
        assert logged == {"large": {"fast": {"wape": 0.1 * i}}}  # None left out
