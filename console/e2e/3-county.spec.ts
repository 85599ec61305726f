import { expect, test } from "@playwright/test";

import { go, scan, seed, shot, signIn } from "./support";

test("县级工作人员：导入文件看进度和错误行，查看数据到达情况，审核申报", async ({ page }) => {
  await signIn(page, "县级市场监管局工作人员", { county: "漠河市" });
  await expect(page.getByRole("heading", { name: "审核队列" })).toBeVisible();

  await go(page, "数据导入");
  await scan(page, "数据导入");
  // A forced 4xx: an empty file is refused with the reason.
  await page.getByTestId("import-file").setInputFiles({ name: "空文件.csv", mimeType: "text/csv", buffer: Buffer.from("") });
  await page.getByRole("button", { name: "开始导入" }).click();
  await expect(page.getByRole("alert")).toContainText("上传的文件为空");
  await scan(page, "数据导入（空文件被拒绝）");

  await page.getByTestId("import-file").setInputFiles({ name: "新登记个体户.csv", mimeType: "text/csv",
    buffer: Buffer.from(seed.import_csv, "utf-8") });
  await page.getByRole("button", { name: "开始导入" }).click();
  await expect(page.getByTestId("job-summary")).toContainText("状态：已完成");
  await expect(page.getByTestId("job-summary")).toContainText("接受 2 行，拒绝 1 行");
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  const errors = page.getByTestId("row-errors").locator("tbody tr");
  await expect(errors).toHaveCount(1);
  await expect(errors.first()).toContainText("3");
  await scan(page, "数据导入（完成）");
  await shot(page, "county-import");

  await go(page, "部门数据到达情况");
  await expect(page.getByTestId("coverage")).toContainText("税务");
  await scan(page, "部门数据到达情况");

  await go(page, "审核队列");
  const row = page.getByTestId("review-applications").locator("tbody tr", { hasText: seed.reviewed_uscc });
  await expect(row).toBeVisible();
  await scan(page, "审核队列");
  await shot(page, "county-reviews");
  await row.getByRole("textbox").fill("材料齐全，同意进入实地核查");
  await row.getByRole("button", { name: "通过", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("审核通过");
  await expect(page.getByTestId("review-applications").locator("tbody tr", { hasText: seed.reviewed_uscc })).toHaveCount(0);
  await scan(page, "审核队列（审核后）");

  // The worklist: the objection with its reply date, decided with a reply to the operator.
  await go(page, "工作清单");
  const objection = page.getByTestId("worklist-appeals").locator("tbody tr", { hasText: seed.objection_uscc });
  await expect(objection).toContainText("分型结果");
  await expect(objection).toContainText(/\d{4}-\d{2}-\d{2}/);
  await scan(page, "工作清单");
  await objection.getByRole("button", { name: "处理" }).click();
  const form = page.getByTestId("decide-appeal");
  // A forced 4xx: a decision without its reason is refused with what to write.
  await form.getByRole("button", { name: "作出决定并答复" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await scan(page, "工作清单（未写理由被拒绝）");
  await page.getByTestId("decision-reason").fill("经核对社保缴费记录，上一年度参保雇员为2人，维持原分型结果");
  await form.getByRole("button", { name: "作出决定并答复" }).click();
  await expect(page.getByRole("status")).toContainText("已作出处理决定");
  await expect(page.getByTestId("worklist-appeals").locator("tbody tr", { hasText: seed.objection_uscc })).toHaveCount(0);
  await scan(page, "工作清单（已处理）");
  await shot(page, "county-worklist");
});
