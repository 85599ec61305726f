"""Every problem code has its page: the catalogue (kit.problems) is what the code raises, no more, no less.

The source of every service, kit and the gateway is read as syntax: a `code="…"` passed to a call
(a DomainError raised, a rejection recorded), `problem(status, "code", …)`, a DomainError subclass's
own `code`, and kit.web's answers to plain HTTP errors. Each code found must be in the catalogue with
the status it is raised with, and each catalogue entry must be raised somewhere: a new code cannot
ship without its page, and a page cannot outlive its code.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from getihu_kit.problems import ALL, PROBLEM_TYPES
from getihu_kit.web import _HTTP_TEXT

ROOT = Path(__file__).resolve().parents[1]


def _sources() -> list[Path]:
    packages = [ROOT / "kit" / "getihu_kit", ROOT / "gateway" / "gateway_svc", *sorted(ROOT.glob("*-svc/*_svc"))]
    return [p for pkg in packages for p in sorted(pkg.rglob("*.py"))]


def _constant(node: ast.AST | None, kind: type):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, kind) else None


def _class_attributes(cls: ast.ClassDef) -> dict[str, object]:
    """`code = "x"`, `status: int = 409` and `status, code, title = 409, "x", "…"` in a class body."""
    out: dict[str, object] = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            out[stmt.target.id] = _constant(stmt.value, (str, int))
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            continue
        target, value = stmt.targets[0], stmt.value
        if isinstance(target, ast.Name):
            out[target.id] = _constant(value, (str, int))
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
            out.update({t.id: _constant(v, (str, int)) for t, v in zip(target.elts, value.elts)
                        if isinstance(t, ast.Name)})
    return out


def codes_in(trees: list[tuple[str, ast.AST]]) -> dict[str, set[tuple[int | None, str]]]:
    """Each code the source can answer with, and the statuses (None where the syntax does not tell)
    and places it is raised at."""
    found: dict[str, set[tuple[int | None, str]]] = defaultdict(set)
    status_of_class: dict[str, int] = {}
    bases: dict[str, list[str]] = {}
    for _, tree in trees:  # first every error class's status, wherever it is defined, inherited or its own
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                attrs = _class_attributes(node)
                if isinstance(attrs.get("status"), int):
                    status_of_class[node.name] = attrs["status"]
                else:
                    bases[node.name] = [b.id for b in node.bases if isinstance(b, ast.Name)]
    while inherit := {c: next(status_of_class[b] for b in bs if b in status_of_class) for c, bs in bases.items()
                      if c not in status_of_class and any(b in status_of_class for b in bs)}:
        status_of_class.update(inherit)
    for where, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                attrs = _class_attributes(node)
                if isinstance(attrs.get("code"), str):
                    found[attrs["code"]].add((status_of_class.get(node.name), f"{where}:{node.lineno}"))
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            code = _constant(kw.get("code"), str)
            if code is not None:
                status = _constant(kw.get("status"), int) or status_of_class.get(name)
                if status is None:  # a rejection recorded with its error class: out.reject(i, f, m, Forbidden, code=…)
                    status = next((status_of_class[a.id] for a in node.args
                                   if isinstance(a, ast.Name) and a.id in status_of_class), None)
                found[code].add((status, f"{where}:{node.lineno}"))
            if name == "problem" and len(node.args) >= 2 and _constant(node.args[1], str) is not None:
                found[node.args[1].value].add((_constant(node.args[0], int), f"{where}:{node.lineno}"))
    return found


def platform_codes() -> dict[str, set[tuple[int | None, str]]]:
    trees = [(str(p.relative_to(ROOT)), ast.parse(p.read_text(encoding="utf-8"), filename=str(p))) for p in _sources()]
    found = codes_in(trees)
    for status, (code, _, _) in _HTTP_TEXT.items():  # kit.web's answers to 404, 405, 413 … from the framework
        found[code].add((status, f"kit/getihu_kit/web.py _HTTP_TEXT[{status}]"))
    return found


FOUND = platform_codes()


def test_the_walk_finds_what_it_looks_for():
    src = ('class Gone(DomainError):\n    status, code, title = 410, "gone", "已删除"\n'
           'class Busy(Conflict):\n    code = "busy"\n'
           'raise NotFound("x", code="run_lost")\nraise Gone("x")\n'
           'out.reject(i, "uscc", "m", Gone, code="gone_row")\n'
           'return problem(504, "slow", "t", "d", request)\n'
           'raise Conflict("x", code="odd", status=423)\n')
    found = codes_in([("m.py", ast.parse(src)), ("kit.py", ast.parse(
        'class NotFound(DomainError):\n    status, code, title = 404, "not_found", "未找到"\n'
        'class Conflict(DomainError):\n    status, code, title = 409, "conflict", "冲突"\n'))])
    assert {c: {s for s, _ in v} for c, v in found.items()} == {
        "gone": {410}, "busy": {409}, "run_lost": {404}, "gone_row": {410}, "slow": {504}, "odd": {423},
        "not_found": {404}, "conflict": {409}}


def test_there_are_codes_to_check():
    assert len(FOUND) >= 55 and {"run_not_found", "window_closed", "not_eligible", "deadline_passed",
                                 "token_expired", "upstream_timeout", "idempotency_key_reused"} <= set(FOUND)


def test_every_code_the_platform_answers_has_its_page():
    missing = {c: sorted(w for _, w in v) for c, v in FOUND.items() if c not in PROBLEM_TYPES}
    assert not missing, f"add these codes to kit/getihu_kit/problems.py (status, Chinese title, explanation): {missing}"


def test_every_page_is_for_a_code_the_platform_answers():
    dead = sorted(set(PROBLEM_TYPES) - set(FOUND))
    assert not dead, f"no code raises these any more: remove them from kit/getihu_kit/problems.py: {dead}"


def test_each_page_states_the_status_the_code_is_answered_with():
    wrong = {c: sorted((s, w) for s, w in v if s is not None and s != PROBLEM_TYPES[c].status)
             for c, v in FOUND.items() if c in PROBLEM_TYPES}
    assert not {c: v for c, v in wrong.items() if v}


def test_entries_are_whole_and_in_chinese():
    assert len({p.code for p in ALL}) == len(ALL), "a code is catalogued twice"
    han = re.compile(r"[\u4e00-\u9fff]")
    for p in ALL:
        assert re.fullmatch(r"[a-z][a-z_]*[a-z]", p.code), p.code
        assert 400 <= p.status <= 599, p.code
        for text in (p.title, p.description, p.action):
            assert text.strip() and han.search(text), (p.code, text)
