"""One merged OpenAPI document for every public path (CONTRACT.md: Health and docs)."""
from __future__ import annotations

import json
from typing import Any


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
