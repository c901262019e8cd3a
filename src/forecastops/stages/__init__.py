"""The model stages of dvc.yaml (train, evaluate, score); they import the packages below, never each other."""
