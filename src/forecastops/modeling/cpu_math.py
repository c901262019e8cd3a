"""Which CPU math kernels torch uses, so a model's bytes do not depend on the CPU model.

MKL picks a matrix-multiply code path per CPU (vendor and instruction set) and torch's ATen picks
vector kernels the same way. Their last bits differ, and network training carries that on: with
``native`` kernels an Intel Xeon and an AMD EPYC train region networks whose forecasts differ by
up to 11 % WAPE per segment, so a fresh clone's ``make run`` on another machine rewrites
``dvc.lock``. ``portable`` (``train.cpu_math``) fixes MKL's Conditional Numerical Reproducibility
branch at COMPATIBLE (the one branch MKL documents as giving the same results on Intel and
non-Intel CPUs) and ATen at AVX2 (every x86-64 CPU of the last decade), at ~9 % more training time.
Both are read once, at their first use in a process, so the pin is checked, not assumed; so are
NumPy's and OpenBLAS's kernels, which importing forecastops pins (``forecastops.numpy_kernels``).
"""

from __future__ import annotations

import ctypes
import os
import platform
import warnings
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_info

from forecastops import numpy_kernels
from forecastops.errors import ForecastopsError

PORTABLE = {"MKL_CBWR": "COMPATIBLE", "ATEN_CPU_CAPABILITY": "avx2"}
MKL_BRANCH_COMPATIBLE = 3  # MKL_CBWR_COMPATIBLE in mkl_cbwr.h
ATEN_PORTABLE = "AVX2"
X86 = numpy_kernels.X86
# NumPy's AVX-512 dispatch targets: those the pin turns off
WIDE_NUMPY = tuple(numpy_kernels.KERNELS["NPY_DISABLE_CPU_FEATURES"].split())


def mkl_branch() -> int | None:
    """The CNR branch torch's MKL runs with, or None where this torch build does not expose it."""
    try:
        lib = ctypes.CDLL(str(Path(torch.__file__).parent / "lib" / "libtorch_cpu.so"))
        query = lib.mkl_serv_cbwr_get
    except (OSError, AttributeError):
        return None
    return int(query(1))  # 1: MKL_CBWR_BRANCH


def pin_cpu_math(mode: str) -> None:
    """``portable``: the same CPU kernels on every machine; ``native``: this CPU's fastest torch
    kernels. Raises when this process already ran torch math, or loaded NumPy, with other kernels
    (the pin came too late)."""
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
    check_numpy_math()


def numpy_math() -> tuple[set[str], list[str]]:
    """The kernels this process's OpenBLAS libraries run, and the AVX-512 loops NumPy dispatches."""
    blas = {
        str(lib.get("architecture"))
        for lib in threadpool_info()
        if lib.get("internal_api") == "openblas"
    }
    features = np._core._multiarray_umath.__cpu_features__
    return blas, [name for name in WIDE_NUMPY if features.get(name)]


def check_numpy_math() -> None:
    """Refuse NumPy or OpenBLAS kernels other than ``numpy_kernels.KERNELS`` (NumPy was imported
    before forecastops); warn where the environment chose them or this CPU cannot be pinned."""
    blas, wide = numpy_math()
    if blas <= {numpy_kernels.KERNELS["OPENBLAS_CORETYPE"]} and not wide:
        return
    own = numpy_kernels.own_kernels()
    if own or not numpy_kernels.PINNABLE:
        why = f"the environment sets {own}" if own else "this CPU's AVX2 and FMA cannot be read"
        warnings.warn(
            f"train.cpu_math portable: {why}, so NumPy and OpenBLAS run {sorted(blas)} "
            f"(AVX-512 loops {wide or 'off'}) and the LASSO's last bits may differ by machine",
            stacklevel=3,
        )
        return
    raise ForecastopsError(
        f"train.cpu_math portable: NumPy loaded before forecastops pinned its kernels (OpenBLAS "
        f"{sorted(blas)}, AVX-512 loops {wide}): import forecastops before numpy"
    )
