import { expect, test } from "@playwright/test";

import { choose, go, scan, seed, shot, signIn } from "./support";

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

test("经营者（手机）：查看分型结果及每项条件的事实与来源，查看帮扶措施，自主申报，提出异议，阅读站内信", async ({ page }) => {
  await signIn(page, "经营者", { uscc: seed.operator_uscc });
  await expect(page.getByRole("heading", { name: "我的个体户" })).toBeVisible();
  await expect(page.getByTestId("business")).toContainText(seed.operator_name);
  await expect(page.getByTestId("result-type")).toContainText("成长型");
  const explanation = page.getByTestId("explanation");
  await expect(explanation).toContainText("上一年度有2-3名（含）雇员");
  await expect(explanation).toContainText("雇员人数：2");
  await expect(explanation).toContainText("登记系统 · 年度报告");
  await expect(explanation.getByText("不符合").first()).toBeVisible();
  await scan(page, "我的个体户");
  await shot(page, "operator-result-phone");

  // A forced 4xx: a year without a result shows the problem's Chinese detail.
  await page.getByRole("spinbutton", { name: "分型年度" }).fill("2024");
  await page.getByRole("spinbutton", { name: "分型年度" }).press("Enter");
  await expect(page.getByRole("alert")).toBeVisible();
  await scan(page, "我的个体户（无该年度结果）");

  await go(page, "我的帮扶措施");
  await expect(page.getByTestId("measures")).toBeVisible();
  await scan(page, "我的帮扶措施");

  await go(page, "培育申报");
  await choose(page, "申报类别", "特色");
  await expect(page.getByTestId("indicators")).toContainText("漠河市特色个体工商户分类标准");
  await page.getByLabel("持续经营年限").fill("8");
  await page.getByRole("button", { name: "提交申报" }).click();
  await expect(page.getByRole("status")).toContainText("申报已提交");
  await expect(page.getByTestId("applications")).toContainText(seed.operator_uscc);
  await scan(page, "培育申报");
  await shot(page, "operator-applications-phone");
  // Apply again for the same category: refused in Chinese (a 4xx from the platform).
  await page.getByRole("button", { name: "提交申报" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await scan(page, "培育申报（重复申报被拒绝）");
  await page.getByRole("button", { name: "撤回" }).first().click();
  await expect(page.getByRole("status")).toContainText("申报已撤回");
  await expect(page.getByTestId("applications")).toContainText("已撤回");

  await go(page, "异议");
  // Without grounds the platform refuses (422) and names what is missing.
  await page.getByRole("button", { name: "提交异议" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await scan(page, "异议（请求被拒绝）");
  await page.getByLabel("异议理由").fill("2025年度已为3名雇员缴纳社会保险，请核实。");
  await page.getByTestId("evidence").setInputFiles({ name: "社保缴费证明.pdf", mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n% 社保缴费证明\n%%EOF\n") });
  await page.getByRole("button", { name: "提交异议" }).click();
  await expect(page.getByRole("status")).toContainText("异议已提交");
  await expect(page.getByTestId("appeals")).toContainText("1 份");
  await scan(page, "异议");

  await go(page, "站内信");
  await expect(page.getByTestId("unread")).toBeVisible();
  await scan(page, "站内信");
  await shot(page, "operator-inbox-phone");

  // 信息报告 is for recognised businesses: this one has none yet, and the page says so.
  await go(page, "信息报告");
  await expect(page.getByText("名下暂无有效的“名特优新”认定")).toBeVisible();
  await scan(page, "信息报告");
});
