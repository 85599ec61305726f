"""Messages people read name conditions in Chinese: every reason code typing, cultivation and appeal emit has a label
in kit.labels. The codes are collected from the rules themselves — the typing rulesets' conditions and their fallback
reasons, the Refusal(...) calls of cultivation's rule modules (and the local bars a county may add), appeal-svc's
target kinds and decisions — never from the label table, so a new rule without a label fails here."""
from __future__ import annotations

import ast
import inspect
import re

from getihu_kit.labels import REASON_LABELS, reason_label


def typing_codes() -> set[str]:
    from typing_svc.rules import RULESETS, model
    codes = {c.code for rs in RULESETS for c in rs.conditions}
    # the fallbacks Ruleset.reasons returns for a 生存型, read from its source
    codes |= set(re.findall(r'\["([a-z_]+)"\]', inspect.getsource(model.Ruleset.reasons)))
    return codes


def cultivation_codes() -> set[str]:
    from cultivation_svc.rules import eligibility, limits
    from cultivation_svc.rules.parameters import KNOWN_EXTRA_BARS
    codes: set[str] = set()
    for module in (eligibility, limits):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Refusal" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    codes.add(first.value)
                elif isinstance(first, ast.JoinedStr):  # f"local_bar:{bar.kind}": one code per bar a county may add
                    prefix = "".join(v.value for v in first.values if isinstance(v, ast.Constant))
                    codes |= {prefix + kind for kind in KNOWN_EXTRA_BARS}
    return codes


def appeal_codes() -> set[str]:
    from appeal_svc.rules import workflow
    return set(workflow.TARGET_KINDS) | set(workflow.CLOSED)


def credit_codes() -> set[str]:
    """The refusals of a credit read (typing's credit rules): the code= of each error the rule raises."""
    from typing_svc.credit import rules
    return {k.value.value for node in ast.walk(ast.parse(inspect.getsource(rules))) if isinstance(node, ast.Call)
            for k in node.keywords if k.arg == "code" and isinstance(k.value, ast.Constant)}


def spot_check_outcomes() -> set[str]:
    """What a spot-check records on a recognition and a draw's item: the strings assigned to `spot_check` in
    cultivation's recognition code, and the outcome a new item starts with."""
    from cultivation_svc.recognitions import restoration, service, spot_check_draws
    codes: set[str] = set()
    for module in (service, restoration, spot_check_draws):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Assign):
                targets = [e for t in node.targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
                values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value] * len(targets)
                codes |= {v.value for t, v in zip(targets, values) if getattr(t, "attr", None) == "spot_check"
                          and isinstance(v, ast.Constant) and isinstance(v.value, str)}
            if isinstance(node, ast.keyword) and node.arg == "outcome" and isinstance(node.value, ast.Constant):
                codes.add(node.value.value)
    return codes


def test_the_collectors_find_the_rules():
    """The collectors are not empty by accident: a few codes each must be among what they found."""
    assert {"registered_on_reference_date", "tax_paid_prior_year", "no_growth_criterion"} <= typing_codes()
    assert {"penalty_bar", "quota", "calendar", "not_registered", "local_bar:major_safety_accident"} <= cultivation_codes()
    assert {"typing_result", "cultivation_refusal", "upheld"} <= appeal_codes()
    assert {"credit_consent_missing", "credit_consent_withdrawn", "credit_consent_expired",
            "credit_consent_out_of_scope"} <= credit_codes()
    assert {"pending", "passed", "refused", "material_requested", "material_submitted"} <= spot_check_outcomes()


def test_every_reason_code_has_a_chinese_label():
    codes = typing_codes() | cultivation_codes() | appeal_codes() | credit_codes() | spot_check_outcomes()
    missing = sorted(c for c in codes if c not in REASON_LABELS)
    assert missing == [], f"reason codes without a label in kit.labels: {missing}"
    han = re.compile(r"[\u4e00-\u9fff]")
    assert all(han.search(reason_label(c)) for c in codes)


def test_every_role_has_a_chinese_label():
    from getihu_kit.auth import ROLES
    from getihu_kit.labels import ROLE_LABELS
    assert sorted(set(ROLES) - set(ROLE_LABELS)) == []
