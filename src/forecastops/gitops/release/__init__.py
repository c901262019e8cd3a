"""Release gate (release.yml): ``forecastops release validate`` and ``release record``.

``validate`` runs in the prod env on a ``release/X.Y`` branch (after ``make verify-pinned``: nothing
is retrained) and writes ``reports/release_validation.json``; ``record`` commits that report at the
validated commit, where ``registry promote`` and ``registry check-ref`` (deploy) read it
(``registry.verdict``).
"""
