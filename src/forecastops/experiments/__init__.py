"""The data scientist's loop: experiments and tuning that land in ``conf/``.

``live`` logs what each run measured with DVCLive (``dvc exp show``, ``dvc metrics show``),
``conf_edit`` writes a value into the ``conf/`` file the composition takes it from, ``overrides``
parses Hydra-style ``key=value`` settings and sweeps, ``command`` is ``forecastops exp`` (set values,
queue or run DVC experiments), ``search`` the candidates of a region's search space and ``tune``
``forecastops tune`` (one region's overrides searched on its validation weeks).
"""
