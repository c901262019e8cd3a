"""NumPy's and OpenBLAS's CPU kernels, pinned before NumPy loads, so a model's bytes do not depend on
the CPU model.

OpenBLAS (NumPy's, and SciPy's that scikit-learn's LASSO calls) and NumPy's own SIMD loops pick their
kernels per CPU when they load, which is before any config can be read. An AVX-512 CPU takes other
paths than an AVX2 one, so the LASSO's coefficients and the Duan smearing factors differ in their
last bits: on a second AMD EPYC a fresh clone's ``make run`` rewrote all 14 model hashes in
``dvc.lock``, although torch's kernels, for the networks, were already pinned by
``modeling.cpu_math``. Importing forecastops therefore asks for OpenBLAS's Haswell kernels (AVX2 +
FMA) and turns NumPy's AVX-512 dispatch off (NumPy >= 2.4's names), on x86-64 Linux CPUs that have
AVX2 and FMA. A value the environment already sets is kept: it is the machine owner's choice (some
set OpenBLAS's core type where an older build misdetects the CPU). ``modeling.cpu_math`` checks,
under ``train.cpu_math: portable``, that these are the kernels in use. Standard library only: this
runs before NumPy is imported.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

KERNELS = {
    "OPENBLAS_CORETYPE": "Haswell",
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
}
NEEDED_FLAGS = {"avx2", "fma"}  # what the Haswell kernels execute
X86 = ("x86_64", "amd64")


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The CPU's feature flags as Linux reports them; empty where there is no ``/proc/cpuinfo``."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def own_kernels() -> dict[str, str]:
    """The kernel settings the environment names other than ``KERNELS`` (kept, never overridden)."""
    return {k: os.environ[k] for k, v in KERNELS.items() if os.environ.get(k, v) != v}


def pin() -> bool:
    """Ask for the portable kernels unless the environment names its own; whether this CPU can run
    them (x86-64 with AVX2 and FMA, seen in ``/proc/cpuinfo``)."""
    if platform.machine().lower() not in X86 or not cpu_flags() >= NEEDED_FLAGS:
        return False
    for name, value in KERNELS.items():
        os.environ.setdefault(name, value)
    return True


PINNABLE = pin()
