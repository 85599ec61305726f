"""One merged OpenAPI document for every public path (CONTRACT.md: Health and docs)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fastapi.openapi.utils import get_openapi
from starlette.routing import BaseRoute

from gateway_svc.examples import EXAMPLES
from getihu_kit.web import apply_examples, describe_problems

TITLE = "Getihu 平台公开接口"
VERSION = "1.0.0"


def merge(own: dict[str, Any], docs: dict[str, dict[str, Any]], *, title: str, version: str) -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": own.get("openapi", "3.1.0"),
        "info": {"title": title, "version": version,
                 "description": "Getihu 个体工商户分型分类培育平台 — 经网关提供的全部公开接口。"
                                "错误均为 RFC 9457 application/problem+json。"},
        "paths": dict(own.get("paths", {})),
        "components": {"schemas": dict(own.get("components", {}).get("schemas", {})),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "security": [{"bearer": []}, {}],
        "tags": [],
    }
    schemas = merged["components"]["schemas"]
    for service, doc in docs.items():
        theirs = doc.get("components", {}).get("schemas", {})
        renames = {name: f"{service.replace('-', '_')}__{name}" for name, s in theirs.items()
                   if name in schemas and schemas[name] != s}
        text = json.dumps(doc, ensure_ascii=False)
        for old, new in renames.items():  # keep $refs pointing at the service's own schema
            text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
        doc = json.loads(text)
        for name, s in doc.get("components", {}).get("schemas", {}).items():
            schemas[renames.get(name, name)] = s
        # shared parameters (kit's Idempotency-Key header): the same for every service
        for name, p in doc.get("components", {}).get("parameters", {}).items():
            merged["components"].setdefault("parameters", {}).setdefault(name, p)
        for path, ops in doc.get("paths", {}).items():
            merged["paths"].setdefault(path, {}).update(ops)
        merged["tags"].append({"name": service})
    return merged


def document(routes: Sequence[BaseRoute], docs: dict[str, dict[str, Any]], services: Sequence[str]) -> dict[str, Any]:
    """The gateway's public document: its own routes merged with each service's document.

    `docs` maps a service name to the document it serves (missing ones left out), in the order of
    `services`; the names of the missing ones are listed under `x-services-missing`. The gateway's
    /openapi.json serves this, and clients/openapi_document.py builds the same without servers.
    """
    own = apply_examples(describe_problems(get_openapi(title="gateway", version="1", routes=routes)), EXAMPLES)
    merged = merge(own, docs, title=TITLE, version=VERSION)
    merged["x-services-missing"] = sorted(set(services) - set(docs))
    return merged
