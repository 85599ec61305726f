"""Who may do what, through the gateway: one row per public operation, one column per role.

The table is written by hand from DESIGN.md ("Identity and access") and CONTRACT.md, not derived
from the routes' own declarations, which it is meant to check. A cell is "may": the answer is
neither 401 nor 403 (it may still be 404 or 422: the role got past the door, the request was
judged on its merits); or "may not": 401 without a token, 403 with one.
Object-level checks (two accounts of the same role) follow the table.
"""
from __future__ import annotations

import uuid

import pytest

from getihu_kit.auth import ROLES
from getihu_kit.domain import id_number, uscc

COUNTY = "232701"          # 加格达奇区, the county of the county clerk below
OTHER_COUNTY = "232721"    # 呼玛县
OWN = uscc.make(COUNTY, serial=990_001)      # the operator's business
FOREIGN = uscc.make(OTHER_COUNTY, serial=990_002)  # someone else's, in another county

PUBLIC = "public"
EVERYONE = {PUBLIC, *ROLES}
SIGNED_IN = set(ROLES) - {PUBLIC}
STAFF = {"county_staff", "prefecture_staff", "admin"}
PREFECTURE = {"prefecture_staff", "admin"}
NATIONAL = {"national_directory", "prefecture_staff", "admin"}
# DESIGN: a financial institution reads published types and categories (the public side, like anyone) and, for
# credit, what the public cannot, with the operator's consent; nothing staff, agencies or the 名录 client do.
# The matrix's institution holds the operator's consent to OWN (seeded below); object-level tests without it follow.
INSTITUTION = "financial_institution"


def _business(code: str, region: str, serial: int) -> dict:
    return {"uscc": code, "name": "矩阵测试店", "region_code": region, "established_on": "2019-04-01",
            "operator": {"name": "孙八", "id_number": id_number.make(serial=serial)}}


def _fresh_business() -> dict:
    serial = 900_000 + uuid.uuid4().int % 90_000
    return _business(uscc.make(COUNTY, serial=serial), COUNTY, serial)


# (what, method, path, body or None, query, who may)
MATRIX: list[tuple[str, str, str, object, dict, set[str]]] = [
    # the public side (CONTRACT: 名录, standards; cultivation criteria, notices and measures in force)
    ("名录查询", "GET", "/api/v1/directory", None, {"q": "矩阵"}, EVERYONE),
    ("代码的中文名称", "GET", "/api/v1/labels", None, {}, EVERYONE),
    ("分型标准", "GET", "/api/v1/typing/standards", None, {}, EVERYONE),
    ("个体户公开信息", "GET", f"/api/v1/businesses/{OWN}", None, {}, EVERYONE),
    ("已发布的分型结果", "GET", f"/api/v1/typing/results/{OWN}", None, {"year": 2026}, EVERYONE),
    ("培育标准", "GET", "/api/v1/cultivation/criteria", None, {}, EVERYONE),
    ("公示", "GET", "/api/v1/cultivation/notices", None, {}, EVERYONE),
    ("帮扶措施目录", "GET", "/api/v1/cultivation/measures", None, {}, EVERYONE),
    ("公示异议（匿名可提）", "POST", "/api/v1/appeals/notice-objections", {}, {}, EVERYONE),
    # sign-in (README "Sign-in and claims"): which ways are on, for the sign-in page; who signed in
    ("登录方式", "GET", "/api/v1/auth/config", None, {}, EVERYONE),
    ("当前登录身份", "GET", "/api/v1/auth/me", None, {}, SIGNED_IN),
    # registry (CONTRACT: staff register and mark; the prefecture closes the window)
    ("登记个体户", "POST", "/api/v1/businesses", _fresh_business, {}, STAFF),
    ("信用标记", "POST", f"/api/v1/businesses/{OWN}/marks",
     {"kind": "award", "start_on": "2025-05-01", "level": "county"}, {}, STAFF),
    ("批量导入", "POST", "/api/v1/businesses/imports", b"uscc\n", {"kind": "businesses"}, STAFF),
    ("本县个体户名录", "GET", "/api/v1/businesses", None, {}, STAFF),
    ("本县个体户名录导出（XLSX）", "GET", "/api/v1/businesses", None, {"format": "xlsx"}, STAFF),
    ("名录导出任务", "POST", "/api/v1/businesses/exports", {"format": "csv"}, {}, STAFF),
    ("名录导出文件", "GET", "/api/v1/businesses/exports/rg_nosuchjob/file", None, {}, STAFF),
    # a job that is not there: staff get past the door (404), nobody else does
    ("导入任务错误清单下载", "GET", "/api/v1/jobs/rg_matrix/errors", None, {"format": "xlsx"}, STAFF),
    ("关闭年报窗口", "POST", "/api/v1/annual-report-windows/2018/close", {"closed_on": "2019-06-30"}, {},
     PREFECTURE),
    # data sharing (agencies submit; facts and coverage for staff, audited; the audit log prefecture)
    ("部门提交数据", "POST", "/api/v1/data-sharing/batches", {"dataset": "tax", "year": 2025, "records": []}, {},
     {"agency"}),
    ("共享数据事实", "GET", f"/api/v1/data-sharing/facts/{OWN}", None, {"year": 2025}, STAFF),
    # coverage is counts per dataset, nothing confidential: an agency checks what of its own arrived
    ("数据覆盖情况", "GET", "/api/v1/data-sharing/coverage", None, {"year": 2025}, STAFF | {"agency"}),
    ("敏感数据查阅日志", "GET", "/api/v1/data-sharing/audit", None, {}, PREFECTURE),
    ("报送批次列表", "GET", "/api/v1/data-sharing/batches", None, {}, PREFECTURE | {"agency"}),
    ("文件报送任务错误清单下载", "GET", "/api/v1/jobs/ds_matrix/errors", None, {"format": "csv"},
     PREFECTURE | {"agency"}),
    # typing (the prefecture runs and publishes; staff read drafts; the national 名录 pulls the feed)
    ("发起分型运行", "POST", "/api/v1/typing/runs", {"year": 2019, "region_codes": [COUNTY]}, {}, PREFECTURE),
    ("分型运行列表", "GET", "/api/v1/typing/runs", None, {"year": 2026}, STAFF),
    ("分型结果列表", "GET", "/api/v1/typing/results", None, {"year": 2026}, STAFF),
    # exports of staff lists (CONTRACT: Exports): streamed, or as a job whose file is downloaded
    ("分型结果导出（CSV）", "GET", "/api/v1/typing/results", None, {"year": 2026, "format": "csv"}, STAFF),
    ("分型结果导出任务", "POST", "/api/v1/typing/results/exports", {"year": 2019, "format": "csv"}, {}, STAFF),
    ("分型结果导出文件", "GET", "/api/v1/typing/results/exports/ty_nosuchjob/file", None, {}, STAFF),
    ("分型统计", "GET", "/api/v1/typing/statistics", None, {"year": 2026}, STAFF),
    # published results only; the prefecture checks what the national 名录 receives
    ("全国名录数据推送", "GET", "/api/v1/typing/feed", None, {}, NATIONAL),
    # appeals (operators object to their own results; staff handle them)
    ("提出异议", "POST", "/api/v1/appeals",
     {"uscc": OWN, "year": 2026, "grounds": "年报从业人数填报有误"}, {}, {"operator"}),
    # "mine": the caller's own objections, none for an account without businesses (checked below)
    ("我的异议", "GET", "/api/v1/appeals/mine", None, {}, SIGNED_IN),
    ("异议处理列表", "GET", "/api/v1/appeals", None, {}, STAFF),
    ("异议处理清单导出（CSV）", "GET", "/api/v1/appeals", None, {"format": "csv"}, STAFF),
    # cultivation (counties draft criteria and review; departments recommend)
    # operators see their own applications, departments their recommendations, counties their county's
    ("申报与推荐列表", "GET", "/api/v1/cultivation/applications", None, {}, STAFF | {"operator", "department"}),
    ("申报清单导出（CSV）", "GET", "/api/v1/cultivation/applications", None, {"format": "csv"}, STAFF),
    ("本人的认定", "GET", "/api/v1/cultivation/recognitions/mine", None, {}, {"operator", "department"}),
    ("部门推荐", "POST", "/api/v1/cultivation/recommendations", {}, {}, {"department"}),
    ("已认定名单导出（CSV）", "GET", "/api/v1/cultivation/recognitions", None, {"format": "csv"}, STAFF),
    ("名额使用情况", "GET", "/api/v1/cultivation/quota", None, {"year": 2026}, STAFF),
    # the national 名录 pulls recognitions and their changes like the typing results
    ("全国名录认定推送", "GET", "/api/v1/cultivation/feed", None, {}, NATIONAL),
    # credit (二(七) 末段): the operator consents, sees and withdraws; the institution reads under the consent
    ("授权金融机构查询", "POST", "/api/v1/credit/consents", {}, {}, {"operator"}),
    ("本户的授权", "GET", "/api/v1/credit/consents", None, {}, {"operator"}),
    ("撤回授权", "POST", "/api/v1/credit/consents/cc_matrix_none/withdrawal", None, {}, {"operator"}),
    ("金融机构查询记录", "GET", "/api/v1/credit/reads", None, {}, {"operator"}),
    ("信用查询：分型结果及判定依据", "GET", f"/api/v1/credit/businesses/{OWN}/typing-result", None, {"year": 2026},
     {INSTITUTION}),
    ("信用查询：认定信息", "GET", f"/api/v1/credit/businesses/{OWN}/recognitions", None, {}, {INSTITUTION}),
    # 二(五)2 上级抽查 (DESIGN: the prefecture supervises the counties by spot-checks): draws are the prefecture's
    ("地局抽查抽样", "POST", "/api/v1/cultivation/spot-check-draws", {}, {}, PREFECTURE),
    ("历次抽查样本", "GET", "/api/v1/cultivation/spot-check-draws", None, {"region_code": COUNTY}, PREFECTURE),
    ("一次抽查样本", "GET", "/api/v1/cultivation/spot-check-draws/scd_matrix", None, {}, PREFECTURE),
    # the county's worklist (objections due among its rows): its own staff, and the prefecture over them
    ("县级工作清单", "GET", "/api/v1/cultivation/worklist", None, {"region_code": COUNTY}, STAFF),
    # notifications (an operator's inbox; staff see deliveries)
    # everyone signed in has an inbox of their own (operators; staff for their worklists)
    ("消息收件箱", "GET", "/api/v1/notifications/inbox", None, {}, SIGNED_IN),
    ("邮件短信投递记录", "GET", "/api/v1/notifications/deliveries", None, {}, STAFF),
    # questionnaires (二(七)(八)): staff of a county or the prefecture make, publish and send them and
    # read the results; the operator reads and answers those sent to its business
    ("问卷列表", "GET", "/api/v1/monitoring/questionnaires", None, {}, STAFF),
    ("新建问卷", "POST", "/api/v1/monitoring/questionnaires", {}, {}, STAFF),
    ("修改问卷", "PUT", "/api/v1/monitoring/questionnaires/qn-matrix", {}, {}, STAFF),
    ("问卷内容", "GET", "/api/v1/monitoring/questionnaires/qn-matrix/versions/1", None, {}, STAFF | {"operator"}),
    ("发布问卷", "POST", "/api/v1/monitoring/questionnaires/qn-matrix/versions/1/publication", None, {}, STAFF),
    ("发放问卷", "POST", "/api/v1/monitoring/questionnaires/qn-matrix/versions/1/sends", {}, {}, STAFF),
    ("填写问卷", "POST", "/api/v1/monitoring/questionnaires/qn-matrix/versions/1/answers", {}, {}, {"operator"}),
    ("问卷结果", "GET", "/api/v1/monitoring/questionnaires/qn-matrix/versions/1/results", None, {}, STAFF),
    ("本户收到的问卷", "GET", f"/api/v1/monitoring/businesses/{OWN}/questionnaires", None, {}, STAFF | {"operator"}),
]


def _headers(gateway, role: str) -> dict:
    if role == PUBLIC:
        return {}
    claims = {"operator": {"usccs": [OWN]}, "county_staff": {"region_code": COUNTY},
              "agency": {"dataset": "tax"}}.get(role, {})
    return gateway.token(f"matrix-{role}", [role], **claims)


@pytest.fixture(scope="module")
def seeded(gateway):
    clerk = gateway.token("matrix-seed", ["prefecture_staff"])
    for code, region, serial in ((OWN, COUNTY, 990_001), (FOREIGN, OTHER_COUNTY, 990_002)):
        r = gateway.post("/api/v1/businesses", headers=clerk, json=_business(code, region, serial))
        assert r.status_code in (201, 409), r.text
    r = gateway.post("/api/v1/credit/consents", headers=_headers(gateway, "operator"), json={
        "uscc": OWN, "institution": f"matrix-{INSTITUTION}", "scope": ["result_facts", "recognition_details"],
        "expires_on": "2099-12-31"})
    assert r.status_code in (201, 409), r.text  # 409: a consent in force from an earlier run
    return True


@pytest.mark.stack
@pytest.mark.parametrize("role", sorted(EVERYONE))
@pytest.mark.parametrize("what,method,path,body,query,allowed", MATRIX,
                         ids=[f"{row[1]} {row[2]}" for row in MATRIX])
def test_who_may_do_what(gateway, seeded, what, method, path, body, query, allowed, role):
    kw: dict = {"params": query, "headers": _headers(gateway, role)}
    body = body() if callable(body) else body
    if isinstance(body, bytes):
        kw["content"], kw["headers"] = body, {**kw["headers"], "Content-Type": "text/csv"}
    elif body is not None:
        kw["json"] = body
    r = gateway.request(method, path, **kw)
    assert r.status_code != 500, r.text
    if role in allowed:
        assert r.status_code not in (401, 403), f"{what}: {role} may, got {r.status_code} {r.text[:300]}"
    else:
        expected = 401 if role == PUBLIC else 403
        assert r.status_code == expected, f"{what}: {role} may not, got {r.status_code} {r.text[:300]}"


# --- object level: two accounts of the same role ---------------------------------------------------
@pytest.mark.stack
def test_a_county_clerk_acts_only_on_businesses_of_the_own_county(gateway, seeded):
    clerk = _headers(gateway, "county_staff")
    r = gateway.post(f"/api/v1/businesses/{FOREIGN}/marks", headers=clerk,
                     json={"kind": "award", "start_on": "2025-05-01", "level": "county"})
    assert r.status_code == 403, r.text
    r = gateway.post("/api/v1/businesses", headers=clerk, json=_business(
        uscc.make(OTHER_COUNTY, serial=990_003), OTHER_COUNTY, 990_003))
    assert r.status_code == 403, r.text
    r = gateway.get(f"/api/v1/data-sharing/facts/{FOREIGN}", params={"year": 2025}, headers=clerk)
    assert r.status_code == 403, r.text
    assert gateway.get(f"/api/v1/data-sharing/facts/{OWN}", params={"year": 2025}, headers=clerk).status_code != 403


@pytest.mark.stack
def test_an_operator_sees_only_the_public_view_and_objects_only_for_its_own_business(gateway, seeded):
    operator = _headers(gateway, "operator")
    foreign = gateway.get(f"/api/v1/businesses/{FOREIGN}", headers=operator).json()
    assert "*" in foreign["operator"]["id_number"], foreign  # masked: not this operator's business
    r = gateway.post("/api/v1/appeals", headers=operator,
                     json={"uscc": FOREIGN, "year": 2026, "grounds": "这不是我经营的店铺"})
    assert r.status_code == 403, r.text
    r = gateway.get(f"/api/v1/data-sharing/facts/{OWN}", params={"year": 2025}, headers=operator)
    assert r.status_code == 403, r.text  # agency facts are for staff, even of one's own business
    mine = gateway.get("/api/v1/appeals/mine", headers=_headers(gateway, "department")).json()
    assert mine["items"] == []  # an account without businesses has no objections to list


@pytest.mark.stack
def test_an_agency_submits_only_its_own_dataset(gateway, seeded):
    tax = _headers(gateway, "agency")
    r = gateway.post("/api/v1/data-sharing/batches", headers=tax,
                     json={"dataset": "social_insurance", "year": 2025, "records": []})
    assert r.status_code == 403, r.text


@pytest.mark.stack
def test_an_institution_reads_only_what_the_operator_consented_to_it_and_not_after_withdrawal(gateway, seeded):
    operator = _headers(gateway, "operator")
    other_bank = gateway.token("matrix-bank-b", [INSTITUTION])
    for path in (f"/api/v1/credit/businesses/{OWN}/typing-result", f"/api/v1/credit/businesses/{OWN}/recognitions"):
        r = gateway.get(path, params={"year": 2026}, headers=other_bank)  # OWN consented to the matrix's bank only
        assert r.status_code == 403 and r.json()["code"] == "credit_consent_missing", r.text
    bank = f"matrix-bank-{uuid.uuid4().hex[:8]}"
    r = gateway.post("/api/v1/credit/consents", headers=operator, json={
        "uscc": OWN, "institution": bank, "scope": ["recognition_details"], "expires_on": "2099-12-31"})
    assert r.status_code == 201, r.text
    consent = r.json()["id"]
    path = f"/api/v1/credit/businesses/{OWN}/recognitions"
    assert gateway.get(path, headers=gateway.token(bank, [INSTITUTION])).status_code == 200
    r = gateway.get(f"/api/v1/credit/businesses/{OWN}/typing-result", params={"year": 2026},
                    headers=gateway.token(bank, [INSTITUTION]))
    assert r.status_code == 403 and r.json()["code"] == "credit_consent_out_of_scope", r.text
    r = gateway.post(f"/api/v1/credit/consents/{consent}/withdrawal", headers=operator)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn", r.text
    r = gateway.get(path, headers=gateway.token(bank, [INSTITUTION]))
    assert r.status_code == 403 and r.json()["code"] == "credit_consent_withdrawn", r.text
    reads = gateway.get("/api/v1/credit/reads", params={"uscc": OWN}, headers=operator).json()["items"]
    assert [x["what"] for x in reads if x["institution"] == bank] == ["recognition_details"]
    # another operator neither sees nor withdraws these consents
    stranger = gateway.token("matrix-operator-2", ["operator"], usccs=[FOREIGN])
    assert gateway.get("/api/v1/credit/consents", params={"uscc": OWN}, headers=stranger).status_code == 403
    assert gateway.post(f"/api/v1/credit/consents/{consent}/withdrawal", headers=stranger).status_code == 404
