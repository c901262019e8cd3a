"""Markdown reports for pull requests and main-branch runs, posted by CML (``forecastops report``).

``diff`` compares two metrics documents, ``markdown`` renders its tables, ``metrics_md`` the
metric-diff section, ``validation_md`` the data-validation section, ``plots`` finds the images of
changed segments, ``pr_comment`` assembles the pull-request comment, ``sources`` reads metrics at a
git revision or in the working tree and ``cli`` wires them into ``forecastops report diff|pr``.
"""
