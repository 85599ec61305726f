import { expect, test } from "@playwright/test";

import { go, scan, seed, shot } from "./support";

test("公众：按名称和统一社会信用代码查询名录，阅读分型标准、培育标准与公示、帮扶措施", async ({ page }) => {
  const started = Date.now();
  await page.goto("/directory");
  await expect(page.getByTestId("directory").locator("tbody tr").first()).toBeVisible();
  // Time to first render of the 名录 page: navigation to the first row of the table.
  const firstRender = await page.evaluate(() => performance.now());
  console.log(`directory-first-render-ms ${Math.round(firstRender)} (wall ${Date.now() - started})`);
  await scan(page, "名录查询");

  await page.getByLabel("名称或统一社会信用代码").fill("张记山货");
  await page.getByRole("button", { name: "查询" }).click();
  const row = page.getByTestId("directory").locator("tbody tr", { hasText: seed.operator_name });
  await expect(row).toBeVisible();
  await expect(row).toContainText(`${seed.year}年度 成长型`);
  await expect(row).toContainText("漠河市");
  await scan(page, "名录查询结果");
  await shot(page, "directory");

  await page.getByLabel("名称或统一社会信用代码").fill(seed.operator_uscc);
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByTestId("directory").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("directory")).toContainText(seed.operator_uscc);

  // A forced 4xx: a query longer than the API accepts shows the problem's Chinese detail.
  await page.getByLabel("名称或统一社会信用代码").fill("山".repeat(101));
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await scan(page, "名录查询（请求被拒绝）");

  await go(page, "分型标准");
  await expect(page.getByRole("heading", { name: "个体工商户分型标准" })).toBeVisible();
  await expect(page.getByTestId("conditions")).toContainText("登记在册");
  await scan(page, "分型标准");
  await shot(page, "standards");

  await go(page, "培育标准与公示");
  await expect(page.getByText("漠河市特色个体工商户分类标准")).toBeVisible();
  await scan(page, "培育标准与公示");

  await go(page, "帮扶措施");
  await expect(page.getByTestId("measures")).toBeVisible();
  await page.getByRole("radio", { name: "成长型" }).check({ force: true });
  await scan(page, "帮扶措施");

  // A console route nobody defined, and a page that needs a role: both in Chinese.
  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
  await scan(page, "页面不存在");
  await page.goto("/staff/runs");
  await expect(page.getByRole("heading", { name: "登录" })).toBeVisible();
  await scan(page, "登录（需要身份）");
});
