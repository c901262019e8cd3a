"""Which CPU math kernels torch uses, so a model's bytes do not depend on the CPU model.

MKL picks a matrix-multiply code path per CPU (vendor and instruction set) and torch's ATen picks
vector kernels the same way. Their last bits differ, and network training carries that on: with
``native`` kernels an Intel Xeon and an AMD EPYC train region networks whose forecasts differ by
up to 11 % WAPE per segment, so a fresh clone's ``make run`` on another machine rewrites
``dvc.lock``. ``portable`` (``train.cpu_math``) fixes MKL's Conditional Numerical Reproducibility
branch at COMPATIBLE (the one branch MKL documents as giving the same results on Intel and
non-Intel CPUs) and ATen at AVX2 (every x86-64 CPU of the last decade), at ~9 % more training time.
Both are read once, at their first use in a process, so the pin is checked, not assumed.
"""

from __future__ import annotations

import ctypes
import os
import platform
import warnings
from pathlib import Path

import torch

from forecastops.errors import ForecastopsError

PORTABLE = {"MKL_CBWR": "COMPATIBLE", "ATEN_CPU_CAPABILITY": "avx2"}
MKL_BRANCH_COMPATIBLE = 3  # MKL_CBWR_COMPATIBLE in mkl_cbwr.h
ATEN_PORTABLE = "AVX2"
X86 = ("x86_64", "amd64")


def mkl_branch() -> int | None:
    """The CNR branch torch's MKL runs with, or None where this torch build does not expose it."""
    try:
        lib = ctypes.CDLL(str(Path(torch.__file__).parent / "lib" / "libtorch_cpu.so"))
        query = lib.mkl_serv_cbwr_get
    except (OSError, AttributeError):
        return None
    return int(query(1))  # 1: MKL_CBWR_BRANCH


def pin_cpu_math(mode: str) -> None:
    """``portable``: the same CPU kernels on every machine; ``native``: this CPU's fastest. Raises
    when this process already ran torch math with other kernels (the pin came too late)."""
    if mode == "native":
        return
    if platform.machine().lower() not in X86:  # e.g. Apple silicon: no MKL, no AVX2 to pin
        warnings.warn(
            f"train.cpu_math portable: a {platform.machine()} CPU has no x86-64 kernels to pin; "
            "its models differ from those x86-64 machines train",
            stacklevel=2,
        )
        return
    os.environ.update(PORTABLE)
    branch = mkl_branch()
    capability = torch.backends.cpu.get_cpu_capability()
    if (branch is not None and branch != MKL_BRANCH_COMPATIBLE) or capability != ATEN_PORTABLE:
        raise ForecastopsError(
            f"train.cpu_math portable: this process already computes with MKL branch {branch} "
            f"and ATen {capability} (need {MKL_BRANCH_COMPATIBLE}, {ATEN_PORTABLE}): torch ran "
            "before the pin, or this CPU lacks AVX2 (then set train.cpu_math: native)"
        )
