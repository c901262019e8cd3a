"""Markdown reports for pull requests and main-branch runs, posted by CML (``forecastops report``).

``diff`` compares two metrics documents; ``predictions`` reads the per-row test predictions of both
sides and ``bootstrap`` gives each metric delta a paired interval, which ``noise`` turns into marks
(better / worse / within noise) and a one-line verdict; ``markdown`` renders the tables,
``metrics_md`` the metric-diff section, ``params_md`` the changed params (``dvc params diff``),
``validation_md`` the data-validation section, ``plots`` the base-vs-head charts, ``pr_comment``
assembles the pull-request comment, ``publish`` swaps its images for URLs (job summary),
``sources`` reads metrics at a git revision or in the working tree and ``cli`` wires them into
``forecastops report diff|pr|publish``.
"""
