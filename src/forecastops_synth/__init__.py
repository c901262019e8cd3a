"""The generator of the embedded default data: a tool for the default company, not a pipeline stage."""
