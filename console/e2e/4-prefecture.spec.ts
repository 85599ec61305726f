import { expect, test } from "@playwright/test";

import { go, scan, seed, shot, signIn } from "./support";

test("地区工作人员：发起分型运行，看进度和各类型户数，发布结果", async ({ page }) => {
  await signIn(page, "地区市场监管局工作人员");
  await expect(page.getByRole("heading", { name: "分型运行与发布" })).toBeVisible();
  const year = page.getByRole("spinbutton", { name: "分型年度" });

  // A forced 4xx: a year before the standard is in force is refused with the reason.
  await year.fill("2020");
  await year.press("Enter");
  await page.getByRole("button", { name: "发起分型运行" }).click();
  await expect(page.getByRole("alert")).toContainText("2024");
  await scan(page, "分型运行（年度被拒绝）");

  await year.fill(String(seed.year));
  await year.press("Enter");
  await expect(page.getByTestId("run").first()).toBeVisible();  // the seed's published run
  const before = await page.getByTestId("run").count();
  await page.getByRole("button", { name: "发起分型运行" }).click();
  await expect(page.getByTestId("run")).toHaveCount(before + 1);
  const run = page.getByTestId("run").first();
  await expect(run.getByTestId("run-status")).toHaveText("已完成", { timeout: 90_000 });
  await expect(run).toContainText("成长型：");
  await expect(run.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await scan(page, "分型运行（已完成）");
  await run.getByRole("button", { name: "发布结果" }).click();
  await expect(run.getByTestId("run-status")).toHaveText("已发布", { timeout: 90_000 });
  await scan(page, "分型运行（已发布）");
  await shot(page, "prefecture-runs");

  await page.goto("/staff/coverage");
  await expect(page.getByTestId("coverage")).toBeVisible();
  await scan(page, "部门数据到达情况");

  // The charts, each with its table: the county's 成长型 businesses of the published year.
  await go(page, "统计分析");
  await expect(page.getByTestId("chart-types_by_county").locator("canvas")).toBeVisible();
  await expect(page.getByTestId("table-types_by_county")).toContainText("漠河市");
  await expect(page.getByTestId("table-types_by_county")).toContainText("成长型");
  await expect(page.getByTestId("table-quota_use")).toContainText("漠河市");
  await scan(page, "统计分析");
  await shot(page, "prefecture-statistics");

  // The audit log shows the county clerk's read of a business's shared data.
  await go(page, "保密数据查阅留痕");
  await expect(page.getByTestId("audit-facts").locator("tbody tr", { hasText: seed.read_uscc }).first())
    .toContainText("县级市场监管局工作人员");
  await scan(page, "保密数据查阅留痕");
});
