"""Webhook notifications: alerts, failed pipeline runs and promotions, as one JSON POST.

The URL is a secret (a GitHub environment secret handed to the step as the variable named by
``monitor.notify.url_env``), so it is never in config, never printed: errors name only its scheme,
host and port. The body's shape is ``monitor.notify.format``: ``slack`` (incoming webhook:
``text`` + ``blocks``), ``teams`` (a MessageCard) or ``json`` (the plain event). A webhook that is
down or refuses is a ``NotifyError`` with one clear line, never a traceback.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from forecastops.errors import ForecastopsError

SOURCE = "forecastops"


class NotifyError(ForecastopsError):
    """The webhook could not be reached or did not accept the message."""


def event(kind: str, title: str, lines: list[str], details: dict) -> dict:
    """The plain event every format is made from."""
    return {"source": SOURCE, "event": kind, "title": title, "lines": lines, "details": details}


def body(evt: dict, fmt: str) -> dict:
    """The JSON the webhook receives, in ``fmt``."""
    text = "\n".join(f"- {line}" for line in evt["lines"])
    if fmt == "slack":
        return {
            "text": evt["title"],
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": evt["title"][:150]}},
                {"type": "section", "text": {"type": "mrkdwn", "text": text or "-"}},
            ],
        }
    if fmt == "teams":
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": evt["title"],
            "title": evt["title"],
            "text": text.replace("\n", "<br>") or "-",
        }
    return evt


def where(url: str) -> str:
    """``scheme://host:port`` of a secret URL: enough to debug, nothing to leak."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def post(url: str, payload: dict, timeout: float, headers: dict | None = None) -> int:
    """POST ``payload`` as JSON; the HTTP status, or ``NotifyError`` naming what went wrong."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise NotifyError(f"webhook URL must be http(s), got {where(url)!r}")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        raise NotifyError(f"{where(url)} answered HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise NotifyError(f"{where(url)} unreachable: {reason}") from exc
