"""The examples of appeal-svc's OpenAPI document (kit.web.apply_examples), keyed by schema name; the
request ones are sent by schemathesis, so each is accepted as it is (evidence is a real, tiny PDF)."""
from __future__ import annotations

from getihu_kit.examples import USCC_MOHE

_APPEAL_ID = "apl-3f9a1c7e2b6d4058"
# "%PDF-1.4" and a comment: enough for the evidence check (a PDF's leading bytes), a few bytes to send.
_PDF = "JVBERi0xLjQKJSAyMDI15bm057qz56iO6K+B5piOCiUlRU9GCg=="
_EVIDENCE_IN = {"filename": "2024年度完税证明.pdf", "content_type": "application/pdf", "content_base64": _PDF}
_EVIDENCE = {"id": "evd-8a2c4e6f0b1d3f57", "stage": "filing", "filename": "2024年度完税证明.pdf",
             "content_type": "application/pdf", "size": 37,
             "sha256": "dd321b1f8bb85e6fd9805f163b7efda5afe2c32a0d9a8e3f906b86be504b16e9",
             "uploaded_at": "2025-07-10T03:12:00Z"}
_STEP = {"at": "2025-07-10T03:12:00Z", "actor": "operator:张德福", "actor_role": "operator", "action": "file",
         "status_from": None, "status_to": "filed", "note": None, "details": {"evidence": 1}}
_APPEAL = {
    "id": _APPEAL_ID, "target_kind": "typing_result", "target_id": "ty_4a7d2c9e1f0b4e3a8c6d5b2a1f0e9d87",
    "uscc": USCC_MOHE, "year": 2025, "region_code": "232701", "ruleset": "national-2024",
    "original_type": "survival", "requested_type": "growth", "appellant": "operator:张德福",
    "appellant_kind": "operator", "objector_name": None, "objector_phone": None,
    "grounds": "2024年度已缴纳税款5832.50元，完税证明附后，应判定为成长型。", "status": "in_review",
    "status_label": "审查中", "filed_at": "2025-07-10T03:12:00Z", "due_on": "2025-07-24", "overdue": False,
    "material_request": None, "material_due_on": None, "decision": None, "corrected_type": None,
    "reason": None, "decided_by": None, "decided_at": None, "evidence": [_EVIDENCE], "trail": [_STEP],
}
_PHONE = "13904575678"

EXAMPLES: dict[str, dict] = {
    "EvidenceIn": _EVIDENCE_IN,
    "TypingObjectionCreate": {"uscc": USCC_MOHE, "year": 2025,
                              "grounds": "2024年度已缴纳税款5832.50元，完税证明附后，应判定为成长型。",
                              "requested_type": "growth", "evidence": [_EVIDENCE_IN]},
    "NoticeObjectionCreate": {"application_id": "app_7c2e9a4f1b3d5e6a8c0b",
                              "grounds": "该店所售蓝莓果酱并非本地林下原料加工，与申报材料不符。",
                              "objector_name": "刘红梅", "objector_phone": _PHONE, "evidence": []},
    "CultivationObjectionCreate": {"target_kind": "cultivation_refusal", "target_id": "app_7c2e9a4f1b3d5e6a8c0b",
                                   "grounds": "走访当日店主外出采购，并非停业，营业记录附后，请求重新核实。",
                                   "evidence": [_EVIDENCE_IN]},
    "AnonymousProof": {"objector_phone": _PHONE},
    "MaterialRequest": {"request": "请补充2024年度完税证明原件扫描件（加盖税务机关印章）", "deadline": "2025-07-20"},
    "MaterialSupply": {"note": "已补充完税证明扫描件", "evidence": [_EVIDENCE_IN]},
    "AnonymousMaterialSupply": {"objector_phone": _PHONE, "note": "补充原料采购单据照片", "evidence": []},
    "Decision": {"decision": "upheld", "reason": "经核实，该户2024年度确有纳税记录，异议成立，更正为成长型。",
                 "corrected_type": "growth"},
    "Withdrawal": {"reason": "已与工作人员沟通清楚，撤回异议"},
    "AnonymousWithdrawal": {"objector_phone": _PHONE, "reason": "误会已澄清，撤回异议"},
    "EvidenceRead": _EVIDENCE,
    "StepRead": _STEP,
    "AppealRead": _APPEAL,
    "AppealPage": {"items": [_APPEAL], "next_cursor": None},
}
