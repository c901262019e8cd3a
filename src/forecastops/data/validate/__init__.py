"""Stage ``validate``: data validation rules on the conditioned weekly table -> report + cleaned
table. ``rules`` lists the rules in the order they run (``row_rules``, ``table_rules``), ``schema``
holds the declarative table checks (pandera), ``actions`` what a rule does to the rows it flags and
``report`` the report entries; ``stage`` runs them and is the CLI."""
