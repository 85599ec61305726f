import { expect, test, type Page } from "@playwright/test";

import { scan } from "../support";

// Seeded by tests/test_console_oidc.py: the provider's accounts (login names) and the business the
// operator's ID number is registered as current operator of (registered here by the clerk).
interface OidcSeed {
  business: { uscc: string; name: string } & Record<string, unknown>;
  clerk: string;
  operator: string;
  nobody: string;
}
const seed: OidcSeed = JSON.parse(process.env.GETIHU_E2E_OIDC_SEED ?? "{}");
const CONSOLE = new URL(process.env.GETIHU_CONSOLE_URL ?? "http://127.0.0.1:8000").origin;

/** Through the provider's own pages: its login form, then its consent page, and back. */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.goto("/signin");
  await scan(page, "登录（统一身份认证）");
  await page.getByRole("button", { name: "通过统一身份认证登录" }).click();
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("any");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  // back at the console (the callback page, then where it leads)
  await page.waitForURL((url) => url.origin === CONSOLE);
}

test("统一身份认证：县级工作人员登记个体户，经营者以实名身份登录并看到其经营的个体户，未经营个体户的人看到中文提示", async ({ page }) => {
  await signInAtProvider(page, seed.clerk);
  await expect(page.getByRole("button", { name: "退出" })).toBeVisible();
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("getihu.session") ?? "{}").token as string);
  const created = await page.request.post("/api/v1/businesses", {
    data: seed.business, headers: { Authorization: `Bearer ${token}`, "Idempotency-Key": crypto.randomUUID() },
  });
  expect(created.status(), await created.text()).toBe(201);
  await page.getByRole("button", { name: "退出" }).click();
  await page.waitForURL(/\/session\/end|\/signin/);
  if (new URL(page.url()).pathname.startsWith("/session/end")) {
    await page.getByRole("button", { name: /Yes|sign me out/i }).click();
    await page.waitForURL(/\/signin/);
  }

  await signInAtProvider(page, seed.operator);
  await expect(page.getByRole("heading", { name: "我的个体户" })).toBeVisible();
  await expect(page.getByTestId("business")).toContainText(seed.business.name);
  await expect(page.getByTestId("business")).toContainText(seed.business.uscc);
  await scan(page, "我的个体户（统一身份认证）");
  const session = await page.evaluate(() => JSON.parse(localStorage.getItem("getihu.session") ?? "{}"));
  expect(session.usccs).toEqual([seed.business.uscc]);
  expect(session.roles).toEqual(["operator"]);
  await page.context().clearCookies();
  await page.evaluate(() => localStorage.clear());

  await signInAtProvider(page, seed.nobody);
  await expect(page.getByRole("alert")).toContainText("没有以您的身份证号码为当前经营者的个体工商户");
  await scan(page, "登录（未经营个体户）");
});
