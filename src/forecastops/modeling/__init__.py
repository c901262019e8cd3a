"""Models: the design matrix, LASSO, the embedding network, baselines and the fitted ensemble."""
