"""Examples in the merged OpenAPI document (each service's examples.py, kit.web.apply_examples): every
request body and every 2xx JSON answer has one, and every one is valid — against its JSON Schema
(Draft 2020-12, the custom formats checked as the server checks them) and, for request bodies,
against the very model the route parses (what a schema cannot say: check digits, dates not in the
future, weights summing to 100). schemathesis's examples phase sends them, so each must be accepted.

In-process: no server, no database, no broker.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

from getihu_kit.domain import id_number, uscc
from getihu_kit.web import operation_id

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("registry_svc", "data_sharing_svc", "typing_svc", "cultivation_svc", "appeal_svc", "notify_svc",
            "monitoring_svc")
BINARY = {"type": "string", "format": "binary"}


def _document() -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("openapi_document", ROOT / "clients" / "openapi_document.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.document()


DOC = _document()
SCHEMAS = DOC["components"]["schemas"]
OPERATIONS = [(path, method, op) for path, ops in DOC["paths"].items() for method, op in ops.items()]


def _recipient(value: str) -> bool:
    kind, _, rest = value.partition(":")
    return (kind == "uscc" and uscc.is_valid(rest)) or (kind == "user" and 0 < len(rest) <= 100) or (
        kind == "region" and bool(re.fullmatch(r"2327\d\d", rest)))


FORMATS = {"uscc": uscc.is_valid, "id-number": id_number.is_valid, "recipient": _recipient}


def _validator(schema: dict[str, Any]):
    # The schema with the document's components beside it, so its "#/components/…" refs resolve.
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", "components": DOC["components"], **schema}
    return jsonschema_rs.Draft202012Validator(root, formats=FORMATS, validate_formats=True)


def _errors(schema: dict[str, Any], value: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.instance_path)) or '(root)'}: {e.message}"
            for e in _validator(schema).iter_errors(value)]


def _schema_examples(schema: dict[str, Any]) -> list:
    """The examples a media type's schema carries: its own, or its $ref's (also inside [$ref, null])."""
    if schema.get("examples"):
        return schema["examples"]
    refs = [schema] + [a for a in schema.get("anyOf", ()) if "$ref" in a]
    for r in refs:
        if "$ref" in r:
            target = SCHEMAS[r["$ref"].rsplit("/", 1)[-1]]
            if target.get("examples"):
                return target["examples"]
    return []


def _media_examples(media: dict[str, Any]) -> list:
    out = [media["example"]] if "example" in media else []
    out += [e["value"] for e in media.get("examples", {}).values() if "value" in e]
    return out or _schema_examples(media.get("schema", {}))


def _bodies():
    for path, method, op in OPERATIONS:
        for mt, media in op.get("requestBody", {}).get("content", {}).items():
            yield pytest.param(op, mt, media, id=f"{op['operationId']} {mt}")


def _answers():
    for path, method, op in OPERATIONS:
        for status, resp in op.get("responses", {}).items():
            media = resp.get("content", {}).get("application/json")
            if status.startswith("2") and media is not None:
                yield pytest.param(op, status, media, id=f"{op['operationId']} {status}")


@pytest.mark.parametrize("op, mt, media", list(_bodies()))
def test_every_request_body_has_an_example(op, mt, media):
    if {k: media.get("schema", {}).get(k) for k in BINARY} == BINARY:  # a file: say what it holds
        assert op["requestBody"].get("description"), f"{op['operationId']}: describe the {mt} file"
    else:
        assert _media_examples(media), f"{op['operationId']}: no example for the {mt} body"


@pytest.mark.parametrize("op, status, media", list(_answers()))
def test_every_json_answer_has_an_example(op, status, media):
    assert _media_examples(media), f"{op['operationId']}: no example for its {status} answer"


def _examples():
    for path, method, op in OPERATIONS:
        places = [(f"requestBody {mt}", m) for mt, m in op.get("requestBody", {}).get("content", {}).items()]
        places += [(f"{s} {mt}", m) for s, r in op.get("responses", {}).items()
                   for mt, m in r.get("content", {}).items()]
        for where, media in places:
            for example in _media_examples(media):
                yield pytest.param(media["schema"], example, id=f"{op['operationId']} {where}")
    for name, schema in SCHEMAS.items():
        for example in schema.get("examples", ()):
            yield pytest.param({"$ref": f"#/components/schemas/{name}"}, example, id=f"schema {name}")


EXAMPLES = list(_examples())


@pytest.mark.parametrize("schema, example", EXAMPLES)
def test_every_example_is_valid_against_its_schema(schema, example):
    assert not _errors(schema, example), _errors(schema, example)


def _routes():
    ops = {op["operationId"]: op for _, _, op in OPERATIONS}  # unique across the platform
    for pkg in SERVICES + ("gateway_svc",):
        app = importlib.import_module(f"{pkg}.main").app
        for route in app.routes:
            # Included routers appear as one entry with their routes' contexts (FastAPI ≥ 0.16x).
            for r in route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]:
                if (isinstance(r, APIRoute) or hasattr(r, "dependant")) and r.include_in_schema:
                    op = ops.get(operation_id(r))
                    if op is not None:
                        yield pkg, r, op


ROUTES = list(_routes())


def _parsed_bodies():
    for pkg, route, op in ROUTES:
        media = op.get("requestBody", {}).get("content", {}).get("application/json")
        if route.body_field is not None and media is not None:
            for example in _media_examples(media):
                yield pytest.param(route, example, id=op["operationId"])


def _parsed_answers():
    for pkg, route, op in ROUTES:
        if route.response_model is None:
            continue
        for status, resp in op["responses"].items():
            media = resp.get("content", {}).get("application/json")
            if status.startswith("2") and media is not None:
                for example in _media_examples(media):
                    yield pytest.param(route.response_model, example, id=f"{op['operationId']} {status}")


@pytest.mark.parametrize("route, example", list(_parsed_bodies()))
def test_every_request_example_is_accepted_by_its_route(route, example):
    # As the server reads it: the JSON text, through the route's own body model and validators.
    value, errors = route.body_field.validate(json.loads(json.dumps(example)), {}, loc=("body",))
    assert not errors, errors


@pytest.mark.parametrize("model, example", list(_parsed_answers()))
def test_every_answer_example_is_what_its_model_can_give(model, example):
    TypeAdapter(model).validate_json(json.dumps(example))


def test_examples_split_no_schema_in_the_merge():
    """The gateway keeps one name for a schema two services have only if both are equal: an example
    must never be the only difference (kit's JobRead takes one example, getihu_kit.examples)."""
    for renamed in (n for n in SCHEMAS if "__" in n):
        name = renamed.split("__", 1)[1]
        bare = [{k: v for k, v in SCHEMAS[n].items() if k != "examples"} for n in (renamed, name)]
        assert json.dumps(bare[0], sort_keys=True) != json.dumps(bare[1], sort_keys=True), renamed


def test_every_json_body_was_parsed_by_its_route():
    with_json = {op["operationId"] for _, _, op in OPERATIONS
                 if "application/json" in op.get("requestBody", {}).get("content", {})}
    assert with_json and with_json == {p.id for p in _parsed_bodies()}
    assert len([n for n in SCHEMAS if SCHEMAS[n].get("examples")]) > 80
