"""schemathesis hooks of the OpenAPI conformance run (tests/test_openapi_conformance.py).

What a JSON Schema cannot say, said here once, so schema-valid cases are the ones the API must accept:
- the custom formats "uscc", "id-number" and "recipient" get valid check characters (GB 32100-2015,
  GB 11643-1999) — a pattern describes their shape, not the check;
- a fresh Idempotency-Key per case: a key reused with another body is rightly a 422;
- no invented `cursor`: it is opaque, only a `next_cursor` the API gave is valid;
- the cross-field rules the operation descriptions state (from_year before to_year, a reference date
  inside its typing year).
"""
from __future__ import annotations

import datetime as dt
import re
import uuid

import schemathesis
from schemathesis import GenerationMode
from hypothesis import strategies as st

from getihu_kit import clock
from getihu_kit.domain import id_number, regions, uscc
from getihu_kit.pagination import CURSOR_PATTERN
from registry_svc.imports import KINDS

COUNTIES = sorted(regions.COUNTIES)
TODAY = clock.today()
CURSOR = re.compile(CURSOR_PATTERN.strip("^$"))
_BODY = st.text(alphabet=uscc.CHARSET, min_size=9, max_size=9)


def _uscc(division: str, body: str) -> str:
    first17 = uscc.INDIVIDUAL_BUSINESS_PREFIX + division + body
    return first17 + uscc.check_character(first17)


USCCS = st.builds(_uscc, st.sampled_from(COUNTIES), _BODY)
ID_NUMBERS = st.builds(
    lambda division, birth, serial: id_number.make(division, birth=birth, serial=serial),
    st.sampled_from(COUNTIES), st.dates(dt.date(1940, 1, 1), dt.date(2006, 12, 31)), st.integers(0, 999))
RECIPIENTS = st.one_of(
    USCCS.map(lambda c: f"uscc:{c}"),
    st.sampled_from(COUNTIES).map(lambda c: f"region:{c}"),
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7e), min_size=1, max_size=40)
    .map(lambda u: f"user:{u}"))

schemathesis.openapi.format("uscc", USCCS)
schemathesis.openapi.format("id-number", ID_NUMBERS)
schemathesis.openapi.format("recipient", RECIPIENTS)


# The import's JSON Lines body goes on the wire as the text it is.
schemathesis.serializer.alias("application/x-ndjson", "text/plain")


@schemathesis.hook
def before_add_examples(ctx, examples):
    # The documented examples are positive cases too; the same fixes apply (the examples phase runs
    # no map_case).
    for case in examples:
        _positive_fixes(ctx, case)


@schemathesis.hook
def map_case(ctx, case):
    # Only a well-formed key or cursor is replaced: a malformed one stays, for the negative cases to test.
    headers = case.headers or {}
    if 1 <= len(str(headers.get("Idempotency-Key", ""))) <= 200:
        headers["Idempotency-Key"] = str(uuid.uuid4())
    query = case.query or {}
    if isinstance(query.get("cursor"), str) and CURSOR.fullmatch(query["cursor"]):
        del query["cursor"]
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return case
    return _positive_fixes(ctx, case)


def _positive_fixes(ctx, case):
    # The coverage phase draws codes from their pattern alone; examples combine parts' examples.
    path = ctx.operation.path if ctx.operation else ""
    body = case.body if isinstance(case.body, dict) else {}
    for container in (body, case.path_parameters, case.query):
        _valid_codes(container)
    if path == "/api/v1/businesses/imports" and isinstance(case.body, (str, bytes)) \
            and (case.query or {}).get("kind") in IMPORT_HEADERS and case.media_type == "text/csv":
        case.body = IMPORT_HEADERS[case.query["kind"]] + "\n"
    indicators = body.get("indicators")
    if path == "/api/v1/cultivation/criteria" and isinstance(indicators, list) and indicators \
            and all(isinstance(i, dict) and isinstance(i.get("weight"), (int, float)) for i in indicators):
        # A criteria's indicators have distinct codes and weights adding up to 100.
        for n, item in enumerate(indicators):
            item["weight"] = 100 - (len(indicators) - 1) if n == 0 else 1
            item["code"] = f"i{n}"
    questions = body.get("questions")
    if path.startswith("/api/v1/monitoring/questionnaires") and isinstance(questions, list):
        # Examples combine a question's parts from different examples: each question is made to follow
        # its kind (options for a choice only; a dimension on a single choice or scale); the seeded stack
        # has no policy to tie a question to.
        for q in questions:
            if not isinstance(q, dict):
                continue
            choice = q.get("kind") in ("single", "multiple")
            if not choice:
                q["options"] = []
            elif not isinstance(q.get("options"), list) or len(q["options"]) < 2:
                q["options"] = [{"label": "了解", "positive": True}, {"label": "不了解", "positive": False}]
            q["policy_id"] = q["dimension"] = None
    return case


# A file's required columns; the rows are the job's to check, one by one.
IMPORT_HEADERS = {kind: ",".join(sorted(spec.required)) for kind, spec in KINDS.items()}


def _valid_codes(node) -> None:
    """Replace a USCC or ID number with a wrong check character by a valid one, in place."""
    if not isinstance(node, dict):
        return
    for k, v in node.items():
        if k == "uscc" and isinstance(v, str) and not uscc.is_valid(v):
            node[k] = uscc.make("232701", serial=len(v))
        elif k == "usccs" and isinstance(v, list):
            node[k] = [c if isinstance(c, str) and uscc.is_valid(c) else uscc.make("232701", serial=n)
                       for n, c in enumerate(v)]
        elif k == "id_number" and isinstance(v, str) and not id_number.is_valid(v):
            node[k] = id_number.make("232701", birth=dt.date(1980, 1, 1), serial=len(v))
        else:
            _valid_codes(v)


def _year_of(value) -> int | None:
    d = _date(value)
    return d.year if d else None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@schemathesis.hook
def filter_case(ctx, case):
    path = ctx.operation.path if ctx.operation else ""
    query = case.query or {}
    body = case.body if isinstance(case.body, dict) else {}
    if path == "/api/v1/businesses/imports" and case.media_type == "application/x-ndjson" \
            and not isinstance(case.body, (str, bytes)):
        # A non-string "violates" the text schema only before it is sent: on the wire it is a JSON
        # line, which the import takes and checks row by row in its job (202, rows rejected there).
        return False
    if path.endswith("/statistics/transitions"):
        f, t = _int(query.get("from_year")), _int(query.get("to_year"))
        return f is None or t is None or f < t
    if path == "/api/v1/typing/runs" and body.get("reference_date") is not None:
        year = _int(body.get("year"))
        return year is None or _year_of(body["reference_date"]) in (None, year)
    if path.startswith("/api/v1/annual-report-windows/"):
        # Report year Y is filed from Y+1 (the window opens after Y) and types year Y+1.
        year = _int((case.path_parameters or {}).get("report_year"))
        if year is not None:
            if path.endswith("/open") and (_year_of(body.get("opened_on")) or TODAY.year) <= year:
                return False
            if body.get("reference_date") is not None and _year_of(body["reference_date"]) not in (None, year + 1):
                return False
    if path.endswith("/marks"):
        # A mark's fields follow its kind (registry rules.mark_problems; the schema's descriptions say so).
        kind = body.get("kind")
        if kind != "penalty" and any(body.get(f) is not None for f in ("penalty_kind", "amount", "publicized_on")):
            return False
        if kind == "penalty" and (body.get("penalty_kind") is None or body.get("publicized_on") is None):
            return False
        if (kind == "award") != (body.get("level") is not None) or (kind == "award" and body.get("end_on")):
            return False
        if kind == "penalty" and body.get("penalty_kind") in ("罚款", "没收违法所得") and body.get("amount") is None:
            return False
        start, end, publicized = (_date(body.get(f)) for f in ("start_on", "end_on", "publicized_on"))
        if start and ((end and end < start) or (publicized and publicized < start)):
            return False
        if kind == "suspension" and start and end and (end - start).days > 3 * 365:  # 歇业最长3年
            return False
    if path.endswith("/spot-check"):
        if body.get("action") == "request_material" and body.get("due_on") is None:
            return False
        if body.get("action") == "refuse" and not str(body.get("note") or "").strip():
            return False
    if path.startswith("/api/v1/cultivation/region-settings/") and ctx.operation.method.upper() == "PUT":
        # The calendar's and the relaxed groups' cross-field rules: the service's own validator, not a copy.
        from cultivation_svc.rules.parameters import validate_overrides
        try:
            return not validate_overrides({k: v for k, v in body.items() if v is not None}, TODAY)
        except Exception:  # a value the validator cannot read is refused by the schema already
            return False
    if path == "/api/v1/cultivation/applications" and ctx.operation.method.upper() == "POST":
        # 二(四)1: a relaxed group is one of the groups in force and names its basis; a basis needs a group.
        from cultivation_svc.rules.eligibility import RELAXED_GROUPS
        group, basis = body.get("relaxed_group"), str(body.get("relaxed_basis") or "").strip()
        if (group is None) != (not basis) or (group is not None and group not in RELAXED_GROUPS):
            return False
    if "/info-reports/" in path and path.endswith("/review") and body.get("decision") == "correction_requested" \
            and not str(body.get("note") or "").strip():
        return False  # asking for a correction names what to correct
    if path.endswith("/review") and path.startswith("/api/v1/cultivation/applications/") \
            and body.get("relaxed_group_confirmed") is not None:
        return False  # the seeded stack's cases claim no relaxed group: nothing to confirm
    if path == "/api/v1/monitoring/policies":
        # A policy's period ends on or after its first day (monitoring rules.policy_period_valid).
        start, end = _date(body.get("in_force_from")), _date(body.get("in_force_to"))
        if start and end and end < start:
            return False
    if path == "/api/v1/credit/consents" and ctx.operation.method.upper() == "POST":
        # A consent runs until a day after today (its field's description says so).
        expires = _date(body.get("expires_on"))
        if expires is not None and expires <= TODAY:
            return False
    if path.startswith("/api/v1/monitoring/questionnaires") and isinstance(body.get("questions"), list):
        # A questionnaire's questions follow their kind (the service's own check, not a copy); the seeded
        # stack has no policy, so a question tied to one is refused there too.
        from monitoring_svc.questionnaires import question_errors
        from monitoring_svc.schemas import QuestionnaireFields
        try:
            fields = QuestionnaireFields.model_validate({k: v for k, v in body.items() if k != "region_code"})
        except Exception:  # a value the model refuses is refused by the schema already
            return True
        return not question_errors(fields, set())
    if path.endswith("/sends") and body.get("types") and body.get("year") is None:
        return False  # a group chosen by type names the typing year
    if path.startswith("/api/v1/businesses"):
        # The registry records what has happened: no date of a registration event after the bureau's today.
        dated = [v for k, v in _flat(body) if k.endswith("_on")]
        if any((_date(v) or TODAY) > TODAY for v in dated):
            return False
    return True


def _flat(body: dict):
    for k, v in body.items():
        if isinstance(v, dict):
            yield from _flat(v)
        else:
            yield k, v


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None
