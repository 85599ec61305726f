"""Use cases of the questionnaires (二(七) 问卷调查；二(八) 评估个体工商户对政策的知晓度、理解度、满意度).

A questionnaire is versioned: a draft may change, a published version never does (a change makes the
next version). A published version is sent to a target group resolved from monitoring's own
projections; each business reached gets one QuestionnaireSent event (notify-svc puts it in the
business's inbox) and answers once. Keyword-only functions, session first; they flush, never commit.
"""
from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from getihu_kit import clock
from getihu_kit.auth import Principal, require_region, scoped_region
from getihu_kit.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from getihu_kit.pagination import PageRequest
from getihu_kit.schemas.monitoring import QuestionnaireSent
from monitoring_svc import repository
from monitoring_svc.events import OUTBOX
from monitoring_svc.models import Questionnaire, QuestionnaireQuestion
from monitoring_svc.schemas import (DIMENSION_LABELS, QUESTION_KIND_LABELS, QUESTIONNAIRE_STATUS_LABELS,
                                    AnswerCreate, AnswerRead, AnswerValue, AssignedPage, AssignedQuestionnaire,
                                    DimensionRate, OptionCount, PolicyRates, QuestionRead, QuestionResult,
                                    QuestionnaireCreate, QuestionnaireFields, QuestionnairePage, QuestionnaireRead,
                                    QuestionnaireResults, QuestionnaireSummary, SendRead, SendTarget)

CHOICE_KINDS = ("single", "multiple")
RATED_KINDS = ("single", "scale")  # the kinds whose answer says yes or no to a dimension


# --- rules (plain functions) -----------------------------------------------------------------------
def question_errors(data: QuestionnaireFields, known_policies: set[str]) -> list[dict]:
    """What is wrong with the questions, each error naming its field."""
    errors = []
    for i, q in enumerate(data.questions):
        at = f"questions.{i}"
        if q.kind in CHOICE_KINDS and len(q.options) < 2:
            errors.append({"field": f"{at}.options", "message": f"第{i + 1}题是选择题，请至少给出2个选项"})
        if q.kind not in CHOICE_KINDS and q.options:
            errors.append({"field": f"{at}.options", "message": f"第{i + 1}题是{QUESTION_KIND_LABELS[q.kind]}题，不设选项"})
        if q.dimension is not None:
            if q.kind not in RATED_KINDS:
                errors.append({"field": f"{at}.dimension",
                               "message": f"第{i + 1}题：评估维度只能用于单选题或量表题"})
            if q.policy_id is None:
                errors.append({"field": f"{at}.policy_id",
                               "message": f"第{i + 1}题评估{DIMENSION_LABELS[q.dimension]}，请填写所评估的政策"})
            if q.kind == "single" and not any(o.positive for o in q.options):
                errors.append({"field": f"{at}.options", "message": f"第{i + 1}题评估{DIMENSION_LABELS[q.dimension]}，"
                                                                    "请至少将一个选项标为“知晓 / 理解 / 满意”（positive）"})
        if q.policy_id is not None and q.policy_id not in known_policies:
            errors.append({"field": f"{at}.policy_id", "message": f"第{i + 1}题关联的政策“{q.policy_id}”不在惠企政策目录中"})
    return errors


def answer_items(questions: list[QuestionnaireQuestion], answers: list[AnswerValue]) -> tuple[list[dict], list[dict]]:
    """The rows of an answer and the errors in it (per question kind, each naming its field)."""
    by_no = {q.no: q for q in questions}
    errors, items, seen = [], [], set()
    for i, a in enumerate(answers):
        at = f"answers.{i}"
        q = by_no.get(a.no)
        if q is None:
            errors.append({"field": f"{at}.no", "message": f"问卷没有第{a.no}题"})
            continue
        if a.no in seen:
            errors.append({"field": f"{at}.no", "message": f"第{a.no}题回答了两次"})
            continue
        seen.add(a.no)
        given = {k for k in ("choice", "choices", "scale", "text") if getattr(a, k) is not None}
        wanted = {"single": "choice", "multiple": "choices", "scale": "scale", "text": "text"}[q.kind]
        if given != {wanted}:
            errors.append({"field": f"{at}.{wanted}",
                           "message": f"第{a.no}题是{QUESTION_KIND_LABELS[q.kind]}题，请只填写 {wanted}"})
            continue
        options = len(q.options)
        if q.kind == "single":
            if a.choice > options:
                errors.append({"field": f"{at}.choice", "message": f"第{a.no}题只有{options}个选项"})
                continue
            items.append({"no": a.no, "value": a.choice, "text": None})
        elif q.kind == "multiple":
            chosen = sorted(set(a.choices))
            if not chosen:
                errors.append({"field": f"{at}.choices", "message": f"第{a.no}题请至少选择一项"})
                continue
            if chosen[-1] > options:
                errors.append({"field": f"{at}.choices", "message": f"第{a.no}题只有{options}个选项"})
                continue
            items += [{"no": a.no, "value": c, "text": None} for c in chosen]
        elif q.kind == "scale":
            items.append({"no": a.no, "value": a.scale, "text": None})
        else:
            items.append({"no": a.no, "value": None, "text": a.text})
    missing = [q.no for q in questions if q.required and q.no not in seen]
    if missing:
        errors.append({"field": "answers", "message": "以下必答题尚未回答：第" + "、".join(map(str, missing)) + "题"})
    return items, errors


def _raise_all(errors: list[dict]) -> None:
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors[:5]), field=errors[0]["field"], errors=errors)


# --- reads ---------------------------------------------------------------------------------------
def _read(session: Session, q: Questionnaire) -> QuestionnaireRead:
    qs = [QuestionRead(no=x.no, kind=x.kind, kind_label=QUESTION_KIND_LABELS[x.kind], text=x.text, options=x.options,
                       required=x.required, policy_id=x.policy_id, dimension=x.dimension,
                       dimension_label=DIMENSION_LABELS.get(x.dimension)) for x in repository.questions(session, q.id, q.version)]
    return QuestionnaireRead(id=q.id, version=q.version, region_code=q.region_code, title=q.title,
                             description=q.description, closes_on=q.closes_on, status=q.status,
                             status_label=QUESTIONNAIRE_STATUS_LABELS[q.status], created_by=q.created_by,
                             created_at=q.created_at, published_at=q.published_at, questions=qs)


def _visible_to_staff(principal: Principal, q: Questionnaire | None) -> bool:
    # the prefecture's questionnaires (no county) are every county's; a county's, its own and the prefecture's
    return q is not None and principal.is_staff and (q.region_code is None or principal.can_act_in_region(q.region_code))


def _version(session: Session, qid: str, version: int, principal: Principal, *, for_update: bool = False
             ) -> Questionnaire:
    q = repository.get_questionnaire(session, qid, version, for_update=for_update)
    if not _visible_to_staff(principal, q):
        raise NotFound(f"问卷“{qid}”第{version}版不存在", code="questionnaire_not_found")
    return q


def _question_rows(data: QuestionnaireFields) -> list[dict]:
    return [{"no": i + 1, "kind": q.kind, "text": q.text, "options": [o.model_dump() for o in q.options],
             "required": q.required, "policy_id": q.policy_id, "dimension": q.dimension}
            for i, q in enumerate(data.questions)]


def _check(session: Session, data: QuestionnaireFields) -> None:
    _raise_all(question_errors(data, repository.existing_policies(
        session, sorted({q.policy_id for q in data.questions if q.policy_id}))))


def create(session: Session, *, data: QuestionnaireCreate, principal: Principal) -> QuestionnaireRead:
    """County staff make their county's questionnaires; the prefecture its own (no county) or a county's."""
    region = data.region_code if principal.sees_all_regions else (data.region_code or principal.region_code)
    if region is not None or not principal.sees_all_regions:
        require_region(principal, region)
    _check(session, data)
    q = Questionnaire(id=f"qn-{uuid.uuid4().hex[:16]}", version=1, region_code=region, title=data.title,
                      description=data.description, closes_on=data.closes_on, status="draft",
                      created_by=principal.audit_name(), created_at=clock.now())
    session.add(q)
    session.flush()
    repository.replace_questions(session, q.id, 1, _question_rows(data))
    return _read(session, q)


def update(session: Session, *, qid: str, data: QuestionnaireFields, principal: Principal) -> QuestionnaireRead:
    """A draft changes in place; a published version stays as it was sent and the change is the next version."""
    q = repository.latest_questionnaire(session, qid, for_update=True)
    if not _visible_to_staff(principal, q):
        raise NotFound(f"问卷“{qid}”不存在", code="questionnaire_not_found")
    if not principal.can_act_in_region(q.region_code):
        raise Forbidden("地区局的问卷由地区局修改；县级可修改本县的问卷")
    _check(session, data)
    if q.status == "published":
        q = Questionnaire(id=q.id, version=q.version + 1, region_code=q.region_code, status="draft",
                          created_by=principal.audit_name(), created_at=clock.now(), title=data.title,
                          description=data.description, closes_on=data.closes_on)
        session.add(q)
    else:
        q.title, q.description, q.closes_on = data.title, data.description, data.closes_on
    session.flush()
    repository.replace_questions(session, q.id, q.version, _question_rows(data))
    return _read(session, q)


def publish(session: Session, *, qid: str, version: int, principal: Principal) -> QuestionnaireRead:
    q = _version(session, qid, version, principal, for_update=True)
    if not principal.can_act_in_region(q.region_code):
        raise Forbidden("地区局的问卷由地区局发布；县级可发布本县的问卷")
    if q.status == "published":
        raise Conflict(f"问卷第{version}版已发布，内容不可再改；修改后将生成新版本", code="questionnaire_already_published")
    q.status, q.published_at = "published", clock.now()
    session.flush()
    return _read(session, q)


def get(session: Session, *, qid: str, version: int, principal: Principal) -> QuestionnaireRead:
    """Staff of its scope, or an operator whose business it was sent to."""
    q = repository.get_questionnaire(session, qid, version)
    if not (_visible_to_staff(principal, q) or (q is not None and principal.has("operator") and repository.receives(
            session, qid, version, sorted(principal.usccs)))):
        raise NotFound(f"问卷“{qid}”第{version}版不存在，或未发放给本户", code="questionnaire_not_found")
    return _read(session, q)


def list_versions(session: Session, *, principal: Principal, status: str | None, page: PageRequest) -> QuestionnairePage:
    regions = None if principal.sees_all_regions else [None, principal.region_code]
    rows, nxt = repository.questionnaires_page(session, region_codes=regions, status=status, page=page)
    return QuestionnairePage(items=[QuestionnaireSummary(
        id=q.id, version=q.version, region_code=q.region_code, title=q.title, status=q.status,
        status_label=QUESTIONNAIRE_STATUS_LABELS[q.status], closes_on=q.closes_on, published_at=q.published_at)
        for *_, q in rows], next_cursor=nxt)


def _open(q: Questionnaire) -> None:
    if q.status != "published":
        raise RuleViolation(f"问卷第{q.version}版尚未发布，发布后才能发放和填写", code="questionnaire_not_published")
    if q.closes_on is not None and clock.today() > q.closes_on:
        raise RuleViolation(f"问卷已于 {q.closes_on.isoformat()} 截止", code="questionnaire_closed")


# --- sending ---------------------------------------------------------------------------------------
def send(session: Session, *, qid: str, version: int, target: SendTarget, principal: Principal) -> SendRead:
    """Resolve the group and emit one QuestionnaireSent per business newly reached, set-based."""
    q = _version(session, qid, version, principal)
    _open(q)
    regions = list(dict.fromkeys(target.region_codes))
    allowed = q.region_code or (None if principal.sees_all_regions else principal.region_code)
    if allowed is not None:  # a county's questionnaire goes to its county; county staff send to theirs
        outside = [r for r in regions if r != allowed]
        if outside:
            raise Forbidden(f"只能向本辖区（{allowed}）发放：{'、'.join(outside)} 不在其内", field="region_codes")
        regions = [allowed]
    if target.types and target.year is None:
        raise InvalidInput("按分型类型选定发放对象时，请填写分型年度", field="year")
    cps = list(dict.fromkeys(target.contact_point_ids))
    known = repository.contact_point_regions(session, cps)
    for i, cp in enumerate(cps):
        if cp not in known or not principal.can_act_in_region(known[cp]):
            raise NotFound(f"联系点“{cp}”不存在", code="contact_point_not_found", field=f"contact_point_ids.{i}")
    send_id = f"send-{uuid.uuid4().hex[:16]}"
    matched, sent = repository.send_to_targets(
        session, qid=qid, version=version, send_id=send_id, at=clock.now(), region_codes=regions,
        types=target.types, year=target.year, categories=target.categories, contact_point_ids=cps)
    if sent:
        OUTBOX.emit_select(session, QuestionnaireSent, repository.sent_events(qid, version, send_id, q.title, q.closes_on))
    return SendRead(send_id=send_id, questionnaire_id=qid, version=version, matched=matched, sent=sent)


def assigned(session: Session, *, uscc: str, principal: Principal, page: PageRequest) -> AssignedPage:
    """The questionnaires sent to a business: its operator, or staff of its county."""
    if not principal.owns(uscc):
        if not principal.is_staff:
            raise Forbidden("只能查看本户收到的问卷", field="uscc")
        b = repository.business(session, uscc)
        if b is None:
            raise NotFound(f"未找到个体工商户 {uscc} 的登记信息（新登记的户稍后再试）", code="business_not_found",
                           field="uscc")
        if not principal.can_act_in_region(b.region_code):
            raise Forbidden("只能查看本辖区个体工商户收到的问卷", field="uscc")
    rows, nxt = repository.assigned_page(session, uscc, page)
    return AssignedPage(items=[AssignedQuestionnaire(
        questionnaire_id=r.questionnaire_id, version=r.version, title=r.title, closes_on=r.closes_on,
        sent_at=r.sent_at, answered=r.answered) for r in rows], next_cursor=nxt)


# --- answering -----------------------------------------------------------------------------------
def answer(session: Session, *, qid: str, version: int, data: AnswerCreate, principal: Principal) -> AnswerRead:
    if not principal.owns(data.uscc):
        raise Forbidden("经营者只能为本户填写问卷", field="uscc")
    q = repository.get_questionnaire(session, qid, version)
    to = repository.recipient(session, qid, version, data.uscc) if q is not None else None
    if to is None:
        raise NotFound(f"本户没有收到问卷“{qid}”第{version}版", code="questionnaire_not_found")
    _open(q)
    items, errors = answer_items(repository.questions(session, qid, version), data.answers)
    _raise_all(errors)
    now = clock.now()
    if not repository.record_answer(session, {"questionnaire_id": qid, "version": version, "uscc": data.uscc,
                                              "region_code": to.region_code, "answered_by": principal.audit_name(),
                                              "answered_at": now}, items):
        raise Conflict(f"本户已填写过该问卷（第{version}版），每户只能填写一次", code="questionnaire_already_answered")
    session.flush()
    return AnswerRead(questionnaire_id=qid, version=version, uscc=data.uscc, answered_at=now, answers=data.answers)


# --- results ---------------------------------------------------------------------------------------
def rate(answered: int, positive: int) -> float | None:
    return round(positive / answered, 4) if answered else None


def policy_rates(rows) -> list[PolicyRates]:
    """Rows of (policy_id, title, dimension, answered, positive) as one entry per policy."""
    by_policy: dict[str, dict] = {}
    for r in rows:
        entry = by_policy.setdefault(r.policy_id, {"title": r.title})
        entry[r.dimension] = DimensionRate(answered=r.answered, positive=r.positive, rate=rate(r.answered, r.positive))
    empty = DimensionRate(answered=0, positive=0, rate=None)
    return [PolicyRates(policy_id=pid, title=e["title"], **{d: e.get(d, empty) for d in DIMENSION_LABELS})
            for pid, e in sorted(by_policy.items())]


def results(session: Session, *, qid: str, version: int, principal: Principal, region_code: str | None
            ) -> QuestionnaireResults:
    q = _version(session, qid, version, principal)
    region = scoped_region(principal, region_code)
    recipients, answered = repository.response_counts(session, qid, version, region)
    counts: dict[int, dict[int | None, int]] = {}
    for no, value, n in repository.distribution(session, qid, version, region):
        counts.setdefault(no, {})[value] = n
    out = []
    for x in repository.questions(session, qid, version):
        c = counts.get(x.no, {})
        if x.kind in CHOICE_KINDS:
            dist = [OptionCount(value=i + 1, label=o["label"], count=c.get(i + 1, 0)) for i, o in enumerate(x.options)]
        elif x.kind == "scale":
            dist = [OptionCount(value=v, label=f"{v}分", count=c.get(v, 0)) for v in range(1, 6)]
        else:
            dist = []
        total = sum(o.count for o in dist) if x.kind == "scale" else 0
        average = round(sum(o.value * o.count for o in dist) / total, 2) if total else None
        out.append(QuestionResult(no=x.no, kind=x.kind, text=x.text, answered=c.get(None, 0), distribution=dist,
                                  average=average))
    return QuestionnaireResults(
        questionnaire_id=q.id, version=q.version, region_code=region, recipients=recipients, answered=answered,
        response_rate=rate(recipients, answered), questions=out,
        policies=policy_rates(repository.policy_rates(session, region_code=region, qid=qid, version=version)))
