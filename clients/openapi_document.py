"""The gateway's merged OpenAPI document, built in-process: no server, no database, no broker.

Each service's app (the `app` that `uvicorn <pkg>.main:app` serves) gives its own document, and the
gateway's `openapi.document` merges them exactly as the gateway's /openapi.json does. This is
tooling, like the tests: it imports every service, which the services never do to each other.

    .venv/bin/python clients/openapi_document.py            # the document on stdout (sorted keys)
    .venv/bin/python clients/openapi_document.py OUT.json   # written to OUT.json
"""
from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any


def document() -> dict[str, Any]:
    # The apps are only asked for their documents, never served: build them as the development stack
    # does (the development issuer's path included), which every process refuses without a real
    # secret unless dev auth is on.
    os.environ.setdefault("GETIHU_DEV_AUTH", "1")
    from gateway_svc import openapi
    from gateway_svc.main import app as gateway

    services = list(gateway.state.settings.services())
    docs = {}
    for name in services:  # the order the gateway merges them in
        app = importlib.import_module(f"{name.replace('-', '_')}_svc.main").app
        docs[name] = json.loads(json.dumps(app.openapi()))  # as if it came over HTTP
    return json.loads(json.dumps(openapi.document(gateway.routes, docs, services)))


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    text = render(document())
    if len(argv) > 1:
        Path(argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
