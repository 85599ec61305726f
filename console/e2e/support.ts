/** What every journey does on every page: read the visible text for raw codes, English status words
 * and stack traces; run axe-core; take a screenshot of the main pages. */
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

export interface Seed {
  year: number;
  region: string;
  operator_uscc: string;
  operator_name: string;
  reviewed_uscc: string;
  reviewed_name: string;
  import_csv: string;
  objection_uscc: string;
  read_uscc: string;
  agency_csv: string;
  recommend_uscc: string;
  recommend_name: string;
}

export const seed: Seed = JSON.parse(process.env.GETIHU_E2E_SEED ?? "{}");

// A raw code (snake_case), an English status word, or a trace leaking into what a person reads.
const RAW_CODE = /[a-z]+_[a-z_]+/;
const STATUS_WORDS = /\b(queued|running|completed|failed|publishing|published|pending|submitted|approved|rejected|withdrawn|registered|error|success|not found|unauthorized|forbidden|undefined|null|true|false|NaN|Internal Server Error|Bad Request|Unprocessable)\b/i;
const TRACE = /(Traceback \(most recent call last\)|\bat [\w.$<>]+ \(.*:\d+:\d+\)|[A-Za-z]+Error: |\[object Object\])/;

const checked = new Set<string>();

export async function scan(page: Page, where: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  // Judge the page at rest: a tag or alert fading in is half transparent for axe's contrast rule.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
  // A component the console forgot to register stays an unknown <el-…> element and renders nothing.
  const unresolved = await page.evaluate(() => [...new Set([...document.querySelectorAll("*")]
    .map((e) => e.tagName.toLowerCase()).filter((t) => t.startsWith("el-")))]);
  expect(unresolved, `${where}: components not registered`).toEqual([]);
  const text = await page.locator("body").innerText();
  for (const [name, pattern] of [["raw code", RAW_CODE], ["English status word", STATUS_WORDS], ["stack trace", TRACE]] as const) {
    const m = text.match(pattern);
    expect(m, `${where}: visible ${name} “${m?.[0]}” in: …${m ? text.slice(Math.max(0, m.index! - 60), m.index! + 60) : ""}…`).toBeNull();
  }
  // axe once per page of a journey, and once more when it shows a refusal (the alert's colours);
  // the text after every state change.
  const alert = (await page.getByRole("alert").count()) > 0;
  const key = `${test.info().title} ${new URL(page.url()).pathname}${alert ? " alert" : ""}`;
  if (checked.has(key)) return;
  checked.add(key);
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const found = axe.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(found, `${where}: accessibility violations`).toEqual([]);
}

export async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.GETIHU_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** Sign in through the console's own page (the development issuer). */
export async function signIn(page: Page, role: string,
  extra: { county?: string; uscc?: string; dataset?: string; department?: string } = {}): Promise<void> {
  await page.goto("/signin");
  await choose(page, "身份", role);
  if (extra.county) await choose(page, "所属县（市、区）", extra.county);
  if (extra.uscc) await page.getByLabel("经营的个体户（统一社会信用代码，多个用逗号分隔）").fill(extra.uscc);
  if (extra.dataset) await page.getByLabel("报送的数据集").fill(extra.dataset);
  if (extra.department) await page.getByLabel("部门名称").fill(extra.department);
  await scan(page, "登录");
  await page.getByRole("button", { name: "登录" }).last().click();
  await expect(page.getByRole("button", { name: "退出" })).toBeVisible();
}

/** Open a page from the navigation, as a person does (through the menu drawer at phone size). */
export async function go(page: Page, name: string): Promise<void> {
  const menu = page.getByRole("button", { name: "打开导航菜单" });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
}

/** Pick an option of a select by keyboard (Element Plus's select opens on Enter). */
export async function choose(page: Page, name: string, option: string): Promise<void> {
  await page.getByRole("combobox", { name }).focus();
  await page.keyboard.press("Enter");
  await page.getByRole("option", { name: option, exact: true }).click();
  await expect(page.getByRole("option", { name: option, exact: true })).toBeHidden();
}
