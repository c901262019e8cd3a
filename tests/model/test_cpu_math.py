"""train.cpu_math: the pin reaches MKL and ATen, and a pin that comes too late is refused.

Each case runs in a fresh interpreter without the pin in its environment: MKL and ATen read their
kernels once per process, and this test process is already pinned by conftest."""

from __future__ import annotations

import os
import subprocess
import sys

from forecastops.modeling.cpu_math import ATEN_PORTABLE, MKL_BRANCH_COMPATIBLE, PORTABLE

PRELUDE = "import os, torch\nfrom forecastops.modeling import cpu_math as cm\n"
MATH = "torch.ones(8, 8) @ torch.ones(8, 8)\n"
REPORT = (
    "print(cm.mkl_branch(), torch.backends.cpu.get_cpu_capability(), os.environ.get('MKL_CBWR'))"
)


def _python(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PORTABLE}
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + code], env=env, capture_output=True, text=True, check=False
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
