"""Features: the validated weekly table -> per-region model matrices."""
