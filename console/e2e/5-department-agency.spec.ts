import { expect, test } from "@playwright/test";

import { go, scan, seed, shot, signIn } from "./support";

test("数据共享部门报送文件看逐行报告并下载；行业主管部门推荐个体户", async ({ page }) => {
  await signIn(page, "数据共享部门", { dataset: "tax" });
  await go(page, "数据报送");
  await scan(page, "数据报送");
  // An empty file: the job fails and says why.
  await page.getByTestId("agency-file").setInputFiles({ name: "税务数据.csv", mimeType: "text/csv", buffer: Buffer.from("") });
  await page.getByRole("button", { name: "报送", exact: true }).click();
  await expect(page.getByTestId("job-summary")).toContainText("状态：失败");
  await expect(page.getByTestId("row-errors")).toContainText("文件为空");
  await scan(page, "数据报送（空文件）");

  await page.getByTestId("agency-file").setInputFiles({ name: "税务数据.csv", mimeType: "text/csv",
    buffer: Buffer.from(seed.agency_csv, "utf-8") });
  await page.getByRole("button", { name: "报送", exact: true }).click();
  await expect(page.getByTestId("job-summary")).toContainText("接受 1 行，拒绝 1 行");
  await expect(page.getByTestId("row-errors").locator("tbody tr")).toHaveCount(1);
  // The refused rows as the server's Excel file.
  const download = page.waitForEvent("download");
  await page.getByTestId("row-errors-xlsx").click();
  expect((await download).suggestedFilename()).toMatch(/\.xlsx$/);
  const batch = page.getByTestId("agency-batches").locator("tbody tr").first();
  await expect(batch).toContainText("已完成");
  await batch.getByRole("button", { name: "查看" }).click();
  await expect(page.getByText("接受 1 条，拒绝 1 条")).toBeVisible();
  await scan(page, "数据报送（逐行报告）");
  await shot(page, "agency-uploads");

  await page.getByRole("button", { name: "退出" }).click();
  await signIn(page, "行业主管部门", { department: "漠河市文化广电和旅游局" });
  await go(page, "部门推荐");
  await scan(page, "部门推荐");
  await page.getByTestId("recommend-uscc").fill(seed.recommend_uscc);
  await page.getByRole("textbox", { name: "持续经营年限" }).fill("6");
  // A forced 4xx: a recommendation without its reason is refused.
  await page.getByRole("button", { name: "推荐", exact: true }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await scan(page, "部门推荐（未写理由被拒绝）");
  await page.getByTestId("recommend-reason").fill("北极村特色山货，带动周边农户增收");
  await page.getByRole("button", { name: "推荐", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("已推荐");
  const row = page.getByTestId("dept-applications").locator("tbody tr", { hasText: seed.recommend_uscc });
  await expect(row).toContainText("待经营者同意");
  await scan(page, "部门推荐（已推荐）");
});
