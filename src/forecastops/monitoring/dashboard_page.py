"""The dashboard page: one HTML file with its data, script and style inline, so it opens from a
file, offline, and asks no host for anything (no CDN, no font, no image URL)."""

from __future__ import annotations

import html
import json

from forecastops.monitoring.page_script import ERRORS, SCRIPT, STYLE

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{style}</style></head>
<body><pre id="errors" class="fail"></pre><script>{errors}</script>
<header><h1>{title}</h1><nav>
<label>region <select id="f-region"></select></label>
<label>format <select id="f-format"></select></label>
<label>velocity <select id="f-velocity"></select></label>
<span id="shown"></span></nav></header>
<section id="run"></section>
<section id="training"><h2>Training: per segment vs baseline, gate verdict</h2>
<label>version <select id="version"></select></label><div id="training-body"></div></section>
<section id="monitoring"></section>
<section id="forecasts"><h2>Forecasts: recent history and forecast (P10-P90 band)</h2>
<div id="series" class="grid"></div></section>
<script id="data" type="application/json">{data}</script>
<script>{script}</script>
</body></html>
"""


def render(data: dict, title: str) -> str:
    """The page; ``</`` in the JSON is escaped so no value can end the script element."""
    payload = json.dumps(data, sort_keys=True, allow_nan=False, separators=(",", ":"))
    return TEMPLATE.format(
        title=html.escape(title),
        style=STYLE,
        errors=ERRORS,
        data=payload.replace("</", "<\\/"),
        script=SCRIPT,
    )
