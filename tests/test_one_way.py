"""One database, one way: checks over the code itself (issue "One database, one way").

- PostgreSQL is the only database: no SQLite path and no dialect branch outside migration history.
- Mechanisms live once, in kit: no `on_conflict_*` statement, no host `date.today()`, no `ZoneInfo(`,
  no cursor encoding outside kit.
- Every route declares who may call it (kit.web.requires / ANYONE), and every list takes kit's
  paginator (its `cursor` and bounded `limit`).
"""
from __future__ import annotations

import ast
import importlib
import re
import subprocess
import typing
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ["registry_svc", "data_sharing_svc", "typing_svc", "cultivation_svc", "appeal_svc", "notify_svc",
            "monitoring_svc"]


def _python_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / p for p in out.split() if (ROOT / p).exists()]


def _outside_kit(path: Path) -> bool:
    rel = path.relative_to(ROOT).as_posix()
    return not rel.startswith("kit/") and "/migrations/versions/" not in rel


def test_no_sqlite_and_no_dialect_branch_outside_migration_history():
    pattern = re.compile(r"sqlite|is_postgres|dialect\.name", re.IGNORECASE)
    me = Path(__file__).resolve()
    found = [f"{p.relative_to(ROOT)}:{n}" for p in _python_files() if "/migrations/versions/" not in p.as_posix()
             and p.resolve() != me
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []


def _offences(tree: ast.AST) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("on_conflict_"):
            out.append((node.lineno, node.attr))
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            owner = f.value if isinstance(f, ast.Attribute) else None
            if name == "today" and isinstance(owner, ast.Attribute) and owner.attr == "date":
                out.append((node.lineno, "date.today()"))
            if name == "today" and isinstance(owner, ast.Name) and owner.id == "date":
                out.append((node.lineno, "date.today()"))
            if name == "ZoneInfo":
                out.append((node.lineno, "ZoneInfo("))
            if name in ("encode_cursor", "decode_cursor", "urlsafe_b64encode", "urlsafe_b64decode"):
                out.append((node.lineno, f"{name}() (cursor encoding belongs to kit.pagination)"))
            if name in ("now", "utcnow") and isinstance(owner, ast.Attribute) and owner.attr == "datetime" \
                    and (name == "utcnow" or not node.args and not node.keywords):
                out.append((node.lineno, f"datetime.{name}() without a zone"))
    return sorted(out)  # ast.walk is breadth-first: report in source order


def test_mechanisms_that_live_in_kit_are_not_written_again():
    found = []
    for path in _python_files():
        if not _outside_kit(path):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [f"{path.relative_to(ROOT)}:{line} {what}" for line, what in _offences(tree)]
    assert found == []


def test_the_syntax_walk_finds_what_it_looks_for():
    src = ("import datetime as dt\nfrom zoneinfo import ZoneInfo\nx = dt.date.today()\nz = ZoneInfo('Asia/Shanghai')\n"
           "s = insert(t).on_conflict_do_nothing()\nc = encode_cursor([1])\nn = dt.datetime.now()\n"
           "ok = dt.datetime.now(dt.timezone.utc)\n")
    assert [w.split(" ")[0] for _, w in _offences(ast.parse(src))] == \
        ["date.today()", "ZoneInfo(", "on_conflict_do_nothing", "encode_cursor()", "datetime.now()"]


def _dependencies(dependant) -> list:
    out = []
    for d in dependant.dependencies:
        out.append(d.call)
        out += _dependencies(d)
    return out


def _routes():
    for pkg in SERVICES:
        app = importlib.import_module(f"{pkg}.main").app
        for route in app.routes:
            # Included routers appear as one entry with their routes' contexts (FastAPI ≥ 0.16x).
            contexts = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
            for r in contexts:
                if isinstance(r, APIRoute) or hasattr(r, "dependant"):
                    if r.include_in_schema and r.path.startswith("/api/"):
                        yield pkg, r


ROUTES = list(_routes())


@pytest.mark.parametrize("pkg, route", ROUTES, ids=[f"{p}:{'|'.join(sorted(r.methods))} {r.path}" for p, r in ROUTES])
def test_every_route_declares_its_callers(pkg, route):
    declared = [c for c in _dependencies(route.dependant) if getattr(c, "roles", None)]
    assert declared, f"{route.path} declares no roles: add Depends(requires(...)) or Depends(ANYONE)"


def _is_page(model) -> bool:
    fields = getattr(model, "model_fields", {})
    return "items" in fields and "next_cursor" in fields


def _is_list(route) -> bool:
    """A page, a route taking a cursor or limit, or one answering a bare JSON array (which a list
    never does: it could not grow a page without breaking its clients)."""
    own = {p.name for p in route.dependant.query_params}
    paged = any(getattr(c, "paginator", False) for c in _dependencies(route.dependant))
    bare = typing.get_origin(route.response_model) in (list, tuple, set)
    return _is_page(route.response_model) or bool(own & {"cursor", "limit"}) or paged or bare


LISTS = [(p, r) for p, r in ROUTES if "GET" in r.methods and _is_list(r)]


def test_there_are_routes_and_lists_to_check():
    assert len({p for p, _ in ROUTES}) == len(SERVICES) and len(ROUTES) >= 60
    assert len(LISTS) >= 12
    # The four lists that answered bare arrays until they were paged (CHANGELOG) are checked here.
    paths = {r.path for _, r in LISTS}
    assert {"/api/v1/typing/runs", "/api/v1/cultivation/criteria", "/api/v1/cultivation/windows",
            "/api/v1/notifications/templates"} <= paths


@pytest.mark.parametrize("pkg, route", LISTS, ids=[f"{p}:{r.path}" for p, r in LISTS])
def test_every_list_takes_kits_paginator(pkg, route):
    assert any(getattr(c, "paginator", False) for c in _dependencies(route.dependant)), \
        f"{route.path}: take `page: PageDep` (or page_params(max)) and page with keyset_page"
    own = {p.name for p in route.dependant.query_params}
    assert not own & {"cursor", "limit"}, f"{route.path} declares cursor/limit itself"
    assert _is_page(route.response_model), f"{route.path}: answer kit's Page (`items`, `next_cursor`), not a bare array"
