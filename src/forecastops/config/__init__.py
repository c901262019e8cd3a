"""Configuration: ``conf/`` (Hydra) composed, validated against the typed sections, and read back."""
