"""forecastops: a GitOps-driven many-model demand forecasting pipeline."""
