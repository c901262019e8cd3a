"""forecastops: a GitOps-driven many-model demand forecasting pipeline."""

from forecastops import numpy_kernels as _numpy_kernels  # noqa: F401  (before anything loads NumPy)
