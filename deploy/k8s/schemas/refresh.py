"""Rewrite the vendored JSON schemas beside this file from their released sources (README.md here).

    python deploy/k8s/schemas/refresh.py SOURCES_DIR

SOURCES_DIR holds the three released files the versions in deploy/k8s/render.py name (README.md
here says how to download them). Exactly the kinds that render.py writes get a schema, one
self-contained file each (`<kind>-<apiVersion with / as ->.json`, JSON Schema 2020-12, only the
definitions it reaches, no descriptions): core kinds from kubernetes-validate's strict schemas of
one Kubernetes version, the operators' kinds converted from their CRDs' openAPIV3Schema. Strict as
`kubectl apply` (strict field validation) is: an object refuses a field its schema does not name
unless the CRD says x-kubernetes-preserve-unknown-fields, and a custom resource's metadata is the
core ObjectMeta. A kind the manifests use that the sources lack stops the refresh; stale files go.
"""
from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
KUBERNETES_VALIDATE = "1.37.0"  # ships strict schemas for Kubernetes 1.25 to 1.37
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def load_render():
    spec = importlib.util.spec_from_file_location("render", HERE.parent / "render.py")
    render = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render)
    return render


def schema_name(api_version: str, kind: str) -> str:
    return f"{kind.lower()}-{api_version.replace('/', '-')}.json"


def sources(render, folder: Path) -> tuple[Path, list[Path]]:
    """kubernetes-validate's wheel and the operators' CRD files, named as their releases name them."""
    return (folder / f"kubernetes_validate-{KUBERNETES_VALIDATE}-py3-none-any.whl",
            [folder / f"strimzi-crds-{render.STRIMZI_VERSION}.yaml", folder / f"cnpg-{render.CNPG_VERSION}.yaml"])


def strip_descriptions(node):
    if isinstance(node, dict):
        return {k: strip_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [strip_descriptions(v) for v in node]
    return node


def with_definitions(root: dict, definitions: dict) -> dict:
    """root with the $defs it reaches (transitively), every $ref pointing inside the file."""
    wanted: dict[str, dict] = {}

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.split("#/$defs/", 1)[1]
                node["$ref"] = f"#/$defs/{name}"
                if name not in wanted:
                    wanted[name] = copy.deepcopy(definitions[name])
                    walk(wanted[name])
            for key, value in node.items():
                if key != "$ref":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(root)
    if wanted:
        root["$defs"] = dict(sorted(wanted.items()))
    return root


def core_schemas(wheel: Path, kubernetes: str, kinds: set[tuple[str, str]]) -> tuple[dict, dict]:
    """The core kinds' schemas, and every definition of that Kubernetes version (for CRDs' metadata)."""
    base = f"kubernetes_validate/kubernetes-json-schema/v{kubernetes}-local-strict/"
    with zipfile.ZipFile(wheel) as z:
        if base + "_definitions.json" not in z.namelist():
            raise SystemExit(f"refresh: {wheel.name} has no schemas of Kubernetes {kubernetes}")
        definitions = json.loads(z.read(base + "_definitions.json"))["$defs"]
        out = {}
        for api_version, kind in kinds:
            group, _, version = api_version.rpartition("/")
            member = f"{base}{kind.lower()}-{group.split('.')[0] + '-' if group else ''}{version}.json"
            if member not in z.namelist():
                continue
            root = json.loads(z.read(member))
            root.pop("$id", None)
            root["$comment"] = (f"Kubernetes {kubernetes} {api_version} {kind}, from kubernetes-validate "
                                f"{KUBERNETES_VALIDATE} (strict)")
            out[(api_version, kind)] = with_definitions(root, definitions)
    return out, definitions


def structural_to_json_schema(node):
    """An openAPIV3Schema node as JSON Schema, closed wherever the API server would drop a field."""
    if isinstance(node, list):
        return [structural_to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties"):
            out[key] = {name: structural_to_json_schema(v) for name, v in value.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            out[key] = structural_to_json_schema(value)
        elif key != "nullable":
            out[key] = value
    if node.get("x-kubernetes-int-or-string") and "type" not in node:
        out["type"] = ["integer", "string"]
    if node.get("x-kubernetes-embedded-resource"):
        props = out.setdefault("properties", {})
        for field in ("apiVersion", "kind"):
            props.setdefault(field, {"type": "string"})
        props.setdefault("metadata", {"type": "object", "x-kubernetes-preserve-unknown-fields": True})
    if (node.get("type") == "object" and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    if node.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out


def crd_schemas(files: list[Path], kubernetes: str, kinds: set[tuple[str, str]], definitions: dict) -> dict:
    out = {}
    for path in files:
        for crd in yaml.safe_load_all(path.read_text()):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                api_version = f"{group}/{version['name']}"
                if (api_version, kind) not in kinds or not version.get("served"):
                    continue
                root = {"$schema": DRAFT,
                        "$comment": f"{api_version} {kind}, from the CRD in {path.name}; "
                                    f"metadata as Kubernetes {kubernetes} ObjectMeta",
                        "required": ["apiVersion", "kind", "metadata"],
                        **structural_to_json_schema(version["schema"]["openAPIV3Schema"])}
                # the API server checks a custom resource's metadata as ObjectMeta, whatever the CRD says
                root["properties"] = {**root["properties"],
                                      "apiVersion": {"type": "string", "const": api_version},
                                      "kind": {"type": "string", "const": kind},
                                      "metadata": {"$ref": f"#/$defs/{OBJECT_META}"}}
                out[(api_version, kind)] = with_definitions(root, definitions)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", type=Path, help="the folder of the downloaded releases (README.md here)")
    args = parser.parse_args()
    render = load_render()
    kinds = {(d["apiVersion"], d["kind"]) for d in render.documents() + render.stateful_documents()}
    wheel, crd_files = sources(render, args.sources)
    absent = [p.name for p in (wheel, *crd_files) if not p.is_file()]
    if absent:
        print(f"refresh: {args.sources} lacks {', '.join(absent)} (README.md here)", file=sys.stderr)
        return 1
    core, definitions = core_schemas(wheel, render.KUBERNETES_VERSION, kinds)
    schemas = {**core, **crd_schemas(crd_files, render.KUBERNETES_VERSION, kinds, definitions)}
    missing = kinds - schemas.keys()
    if missing:
        print(f"refresh: the sources have no schema for {sorted(missing)}", file=sys.stderr)
        return 1
    files = {schema_name(*key): strip_descriptions(schema) for key, schema in schemas.items()}
    for stale in {p.name for p in HERE.glob("*.json")} - files.keys():
        (HERE / stale).unlink()
    for name, schema in sorted(files.items()):
        (HERE / name).write_text(json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"refresh: wrote {len(files)} schemas: {', '.join(sorted(files))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
