"""forecastops: a GitOps-driven many-model demand forecasting pipeline."""

__version__ = "0.1.0"
