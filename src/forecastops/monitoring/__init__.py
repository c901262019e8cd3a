"""Operating the models once they score: ``resources`` (what each stage run cost, recorded by the
stages themselves), ``drift``, ``quality`` (the validation rules on the newest weeks), ``accuracy``
(archived forecasts against the actuals that arrived), ``stale`` models, ``alerts`` and the
``notify`` webhook; ``report`` assembles ``reports/monitoring.json``, ``dashboard`` the offline page.
"""
