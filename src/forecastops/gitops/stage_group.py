"""A ``foreach`` stage group (``train``) through DVC's own Python API: its status and its records
read and written once for the whole group, not once per stage.

``dvc status train@a train@b ...`` parses ``dvc.lock`` again for every target, and ``dvc repro``
rewrites the whole of ``dvc.lock`` after every stage it runs. Both grow with the lock, so with one
stage per region they grow with the square of the regions: at 140 regions (tiny data) the status
of the train stages took 359 s and recording them ~860 s of a 1,620 s run. Here the group is
collected once; each stale stage goes through the steps of DVC's ``Stage.run`` (outputs removed,
run-cache restore or command, hashes, cache and run-cache), and the lock is written once for all of
them, as ``dvc commit`` writes a group. ``dvc.lock`` and the cache end up as ``dvc repro`` leaves
them (a test compares the bytes). Only the commands run side by side (``jobs`` at once: each writes
its own region's outputs, and about 3 s of each is a fresh process importing torch); DVC's own
steps stay in this thread, under the repository lock held throughout.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import chdir, contextmanager, nullcontext
from pathlib import Path

from dvc.exceptions import DvcException
from dvc.repo import Repo
from dvc.stage import Stage
from dvc.stage.cache import RunCacheNotFoundError
from dvc.stage.run import cmd_run

from forecastops.dvc_cli import venv_path
from forecastops.errors import ForecastopsError


@contextmanager
def _repo(root: Path, what: str, *, lock: bool) -> Iterator[Repo]:
    """DVC's repository at ``root`` (``lock``: held as a writing ``dvc`` command holds it), seen
    from ``root`` as ``dvc`` run there sees it (DVC resolves targets and names stages against the
    working directory), with this installation's ``bin`` first on ``PATH`` for the stage
    commands (this process's state: the CLI is single-threaded). DVC's own errors (no repository,
    a broken ``dvc.yaml``, a lock another ``dvc`` holds) become one line naming ``what``."""
    before = os.environ.get("PATH", "")
    os.environ["PATH"] = venv_path()
    try:
        with chdir(root), Repo(".") as repo, repo.lock if lock else nullcontext():
            yield repo
    except DvcException as exc:
        raise ForecastopsError(f"{what} in {root}: {exc}") from exc
    finally:
        os.environ["PATH"] = before


def status(group: str, root: Path) -> dict[str, list]:
    """``dvc status --json <group>``: each stage of the group that is not up to date, with DVC's
    entries (changed deps, params, outs)."""
    with _repo(root, f"dvc status {group}", lock=False) as repo:  # status takes the lock itself
        return repo.status(targets=[group])


def record(
    group: str, names: list[str], root: Path, *, force: bool = False, jobs: int = 1
) -> list[str]:
    """Run the stages ``group@name`` as ``dvc repro`` would (``force``: as ``dvc repro --force``,
    running each command where DVC's run-cache would restore its outputs), ``jobs`` commands at
    once, and write ``dvc.lock`` once for all of them; returns their addresses. A failing command
    names its stage; the stages whose commands succeeded are still recorded, on Ctrl-C too."""
    wanted = [f"{group}@{name}" for name in names]
    if not wanted:
        return []
    with _repo(root, f"recording {group}", lock=True) as repo:
        stages = {info.stage.addressing: info.stage for info in repo.stage.collect_granular(group)}
        missing = [a for a in wanted if a not in stages]
        if missing:
            raise ForecastopsError(f"dvc.yaml has no stage {', '.join(missing)}")
        ordered = [stages[a] for a in wanted]
        failed, interrupt = _run_commands([s for s in ordered if _prepare(s, force)], jobs)
        done = _save_all([s for s in ordered if s.addressing not in failed], failed)
        if interrupt is not None:  # Ctrl-C: what finished is recorded, then the interrupt goes on
            _write_lock(done, "an interrupt")
            raise interrupt
        if failed:
            address, exc = next(iter(failed.items()))
            message = f"stage {address} failed: {exc}"
            _write_lock(done, message)
            raise ForecastopsError(message) from exc
        _write_lock(done)
    return [s.addressing for s in done]


def _prepare(stage: Stage, force: bool) -> bool:
    """Stage.run's first steps: outputs removed, then restored from the run-cache unless ``force``;
    whether the command must still run."""
    stage.remove_outs(ignore_remove=False, force=False)
    if force:
        return True
    try:
        stage.repo.stage_cache.restore(stage)
        return False
    except RunCacheNotFoundError:
        stage.save_deps()
        return True


def _save_all(stages: list[Stage], failed: dict[str, BaseException]) -> list[Stage]:
    """Stage.run's last steps for each stage: hashes, the run-cache (unless an output is
    uncached), the cache. One stage's DVC error is added to ``failed``; the others are saved."""
    saved = []
    for stage in stages:
        uncached = any(not o.use_cache for o in stage.outs if not (o.is_metric or o.is_plot))
        try:
            stage.save(run_cache=not uncached)
            stage.commit()
        except DvcException as exc:
            failed[stage.addressing] = exc
            continue
        saved.append(stage)
    return saved


def _run_commands(
    stages: list[Stage], jobs: int
) -> tuple[dict[str, BaseException], KeyboardInterrupt | None]:
    """The stages' commands as DVC runs them, ``jobs`` at once: the failures by stage, and a
    Ctrl-C if one came. Then the commands not started are dropped and those running are waited
    for (they got the signal too); those that finished still count."""

    def one(stage: Stage) -> Exception | None:
        print(f"Running stage '{stage.addressing}':\n> {stage.cmd}", flush=True)
        try:
            cmd_run(stage)
        except Exception as exc:  # reported by stage; the others are still recorded
            return exc
        return None

    pool = ThreadPoolExecutor(max_workers=max(jobs, 1))
    futures = [pool.submit(one, stage) for stage in stages]
    interrupt = None
    try:
        wait(futures)
    except KeyboardInterrupt as exc:
        interrupt = exc
    pool.shutdown(wait=True, cancel_futures=True)
    ended = [interrupt if f.cancelled() else f.result() for f in futures]
    return {s.addressing: e for s, e in zip(stages, ended, strict=True) if e is not None}, interrupt


def _write_lock(done: list, failed: str | None = None) -> None:
    """One ``dvc.lock`` write for the stages that ran; its failure still names ``failed``."""
    if not done:
        return
    try:
        done[0].dvcfile.dump_stages(done, update_pipeline=False)
    except (DvcException, OSError) as exc:
        ran = ", ".join(s.addressing for s in done)
        after = f" (after {failed})" if failed else ""
        raise ForecastopsError(f"dvc.lock: could not record {ran}: {exc}{after}") from exc
    print(f"Updating lock file 'dvc.lock' ({len(done)} stages at once)", flush=True)
