"""Model registry over GTO (git tags): ``forecaster@vX.Y.Z`` versions, ``forecaster#prod#N`` stages.

``forecastops registry list|show|register|promote|rollback|which|check-ref`` (``cli``). The artifact
is declared in dvc.yaml (``artifacts:``) and named by the ``registry`` params section (``settings``).
GTO's Python API reads and creates the tags (``tags``, ``assign``); what GTO does not do is ours:

* ``holder``: the version holding a stage, from the stage tags in a total order (GTO orders by tag
  time alone, 1 s resolution) and with rollback's walk-back that does not ping-pong;
* ``verdict``: a version is promoted or deployed only if its commit carries a passing
  ``reports/release_validation.json`` about that commit, and ``binding`` recomputes that gate
  from the conf/, metrics.json and dvc.lock the commit pins (a committed verdict can be forged);
* ``git``: fetching everyone's tags before tagging, pushing with a token from the environment.
"""
