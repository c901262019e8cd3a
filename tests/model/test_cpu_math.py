"""train.cpu_math: the pin reaches MKL, ATen, NumPy and OpenBLAS, and a pin that comes too late is
refused.

Each case runs in a fresh interpreter without the pins in its environment: MKL, ATen, NumPy and
OpenBLAS read their kernels once per process, and this test process is already pinned by conftest.
OpenBLAS's and NumPy's are asked for when forecastops is imported (``forecastops.numpy_kernels``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from forecastops import numpy_kernels
from forecastops.errors import ForecastopsError
from forecastops.modeling import cpu_math
from forecastops.modeling.cpu_math import ATEN_PORTABLE, MKL_BRANCH_COMPATIBLE, PORTABLE

# forecastops first, as its CLI and every stage command import it: importing it asks for NumPy's and
# OpenBLAS's kernels before NumPy loads, and torch loads NumPy
PRELUDE = "import os\nfrom forecastops.modeling import cpu_math as cm\nimport torch\n"
MATH = "torch.ones(8, 8) @ torch.ones(8, 8)\n"
REPORT = (
    "print(cm.mkl_branch(), torch.backends.cpu.get_cpu_capability(), os.environ.get('MKL_CBWR'))"
)


def _python(
    code: str, prelude: str = PRELUDE, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    pins = {*PORTABLE, *numpy_kernels.KERNELS}
    clean = {k: v for k, v in os.environ.items() if k not in pins}
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def test_portable_pins_mkl_and_aten_before_the_first_math():
    done = _python(f"cm.pin_cpu_math('portable')\n{MATH}{REPORT}")
    assert done.returncode == 0, done.stderr
    branch, capability, _ = done.stdout.split()
    assert capability == ATEN_PORTABLE
    assert branch in (str(MKL_BRANCH_COMPATIBLE), "None")  # None: a torch build without MKL


def test_a_pin_after_torch_math_is_refused_by_name():
    done = _python(f"{MATH}cm.pin_cpu_math('portable')")
    assert done.returncode != 0
    assert "train.cpu_math portable" in done.stderr
    assert "torch ran before the pin" in done.stderr


def test_a_cpu_without_x86_kernels_is_warned_not_refused():
    done = _python(
        f"import platform\nplatform.machine = lambda: 'arm64'\n{MATH}cm.pin_cpu_math('portable')\n{REPORT}"
    )
    assert done.returncode == 0, done.stderr
    assert "arm64 CPU has no x86-64 kernels to pin" in done.stderr
    assert done.stdout.split()[2] == "None"  # nothing pinned


def test_native_leaves_the_kernels_alone():
    done = _python(f"{MATH}cm.pin_cpu_math('native')\n{REPORT}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[2] == "None"


NUMPY_REPORT = (
    "blas, wide = cm.numpy_math()\n"
    "print(sorted(blas), wide, os.environ.get('OPENBLAS_CORETYPE'), "
    "os.environ.get('NPY_DISABLE_CPU_FEATURES'))"
)
needs_pin = pytest.mark.skipif(
    not numpy_kernels.PINNABLE, reason="the NumPy pin needs an x86-64 Linux CPU with AVX2 and FMA"
)


@needs_pin
def test_importing_forecastops_pins_numpy_and_openblas_before_numpy_loads():
    done = _python(f"cm.pin_cpu_math('portable')\n{NUMPY_REPORT}")
    assert done.returncode == 0, done.stderr
    assert "train.cpu_math" not in done.stderr  # no warning: the kernels are the pinned ones
    blas, rest = done.stdout.split("] ", 1)
    assert blas == "['Haswell'" and rest.startswith("[] Haswell X86_V4 AVX512_ICL AVX512_SPR")


@needs_pin
def test_numpy_loaded_with_other_kernels_before_forecastops_is_refused_by_name():
    """As on a CPU whose OpenBLAS picks other kernels: NumPy loads with them, then forecastops."""
    prelude = (
        "import os\nos.environ['OPENBLAS_CORETYPE'] = 'Sandybridge'\nimport numpy\n"
        "del os.environ['OPENBLAS_CORETYPE']\n" + PRELUDE
    )
    done = _python("cm.pin_cpu_math('portable')", prelude)
    assert done.returncode != 0
    assert "NumPy loaded before forecastops pinned its kernels" in done.stderr
    assert "Sandybridge" in done.stderr


@needs_pin
def test_kernels_the_environment_names_are_kept_with_a_warning():
    done = _python(
        f"cm.pin_cpu_math('portable')\n{NUMPY_REPORT}", env={"OPENBLAS_CORETYPE": "Sandybridge"}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("['Sandybridge'] [] Sandybridge")
    assert "the environment sets {'OPENBLAS_CORETYPE': 'Sandybridge'}" in done.stderr
    assert "LASSO's last bits may differ by machine" in done.stderr


def test_cpu_flags_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n\nprocessor\t: 1\n")
    assert numpy_kernels.cpu_flags(info) == {"fpu", "sse2", "avx2", "fma"}
    assert numpy_kernels.cpu_flags(tmp_path / "missing") == set()


@pytest.mark.parametrize("pinnable", [True, False])
def test_numpy_kernels_of_another_cpu_refused_where_pinned_else_warned(monkeypatch, pinnable):
    """As on an AVX-512 CPU: refused where the pin could have applied (NumPy came first), warned
    where this CPU's flags could not be read (no pin was asked for)."""
    monkeypatch.setattr(cpu_math, "numpy_math", lambda: ({"SkylakeX"}, ["X86_V4"]))
    monkeypatch.setattr(numpy_kernels, "PINNABLE", pinnable)
    for name in numpy_kernels.KERNELS:
        monkeypatch.delenv(name, raising=False)
    if pinnable:
        with pytest.raises(ForecastopsError, match=r"OpenBLAS \['SkylakeX'\], AVX-512 loops"):
            cpu_math.check_numpy_math()
    else:
        with pytest.warns(UserWarning, match="AVX2 and FMA cannot be read"):
            cpu_math.check_numpy_math()
