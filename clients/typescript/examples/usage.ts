/**
 * The main operations of the platform through @getihu/api-client, as a front end calls them.
 *
 * `make test` type-checks this file against the generated schema, so a change of the document that
 * breaks these calls (a path, a parameter, a body field) fails the build. Calls name the path and
 * method only, never an operation id. Dev tokens need a gateway started with GETIHU_DEV_AUTH=1.
 */
import { createGetihuClient, type GetihuClient, type Problem, type Schema } from "../src/index";

/** The data of an answer, or an Error carrying the problem+json body. */
function ok<T>(answer: { data?: T; error?: Problem | unknown; response: Response }): T {
  if (answer.data === undefined) {
    const problem = answer.error as Partial<Problem> | undefined;
    throw new Error(`${answer.response.status} ${problem?.title ?? ""}: ${problem?.detail ?? ""}`);
  }
  return answer.data;
}

export async function devToken(api: GetihuClient, body: Schema<"DevTokenRequest">): Promise<string> {
  return ok(await api.POST("/api/v1/auth/dev-token", { body })).access_token;
}

/** County staff register a business. */
export async function registerBusiness(staff: GetihuClient, uscc: string): Promise<Schema<"BusinessRead">> {
  const body: Schema<"BusinessCreate"> = {
    uscc,
    name: "测试小店",
    operator: { name: "张三", id_number: "110101199003070011", phone: "13812345678" },
    region_code: "232701",
    established_on: "2020-01-01",
  };
  const { data, error, response } = await staff.POST("/api/v1/businesses", { body });
  if (error) {
    throw new Error(`registration refused (${response.status}): ${error.detail}`);
  }
  return data;
}

/** Anyone searches the public directory, page by page. */
export async function searchDirectory(api: GetihuClient, q: string): Promise<Schema<"DirectoryEntry">[]> {
  const found: Schema<"DirectoryEntry">[] = [];
  let cursor: string | undefined;
  do {
    const page = ok(await api.GET("/api/v1/directory", { params: { query: { q, limit: 100, cursor } } }));
    found.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return found;
}

/** Prefecture staff start a typing run and follow its job until it ends. */
export async function runTyping(staff: GetihuClient, year: number): Promise<Schema<"RunRead">> {
  const run = ok(await staff.POST("/api/v1/typing/runs", { body: { year, region_codes: ["232701"] } }));
  if (run.job_id) {
    let job: Schema<"JobRead">;
    do {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      job = ok(await staff.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: run.job_id } } }));
    } while (job.status === "queued" || job.status === "running");
  }
  return ok(await staff.GET("/api/v1/typing/runs/{run_id}", { params: { path: { run_id: run.id } } }));
}

/** Staff list a year's typing results of one county. */
export async function typingResults(staff: GetihuClient, year: number): Promise<Schema<"ResultItem">[]> {
  const page = ok(await staff.GET("/api/v1/typing/results", {
    params: { query: { year, region_code: "232701", type: "growth", limit: 500 } },
  }));
  return page.items;
}

/** The operator objects to the business's typing result. */
export async function fileObjection(operator: GetihuClient, uscc: string, year: number): Promise<Schema<"AppealRead">> {
  return ok(await operator.POST("/api/v1/appeals", {
    body: { uscc, year, grounds: "营业收入统计有误", requested_type: "development", evidence: [] },
  }));
}

/** The operator applies for cultivation (名特优新). */
export async function applyForCultivation(operator: GetihuClient, uscc: string): Promise<Schema<"ApplicationRead">> {
  const body: Schema<"ApplicationCreate"> = {
    uscc,
    category: "distinctive",
    indicator_values: { annual_revenue: 1200000, brand: "老字号" },
    materials: [{ name: "营业执照", url: "https://files.example/licence.pdf" }],
  };
  return ok(await operator.POST("/api/v1/cultivation/applications", { body }));
}

/** The operator reads the business's unread messages. */
export async function unreadMessages(operator: GetihuClient, uscc: string): Promise<Schema<"InboxPage">> {
  return ok(await operator.GET("/api/v1/notifications/inbox", {
    params: { query: { recipient: `uscc:${uscc}`, unread: true } },
  }));
}

/** The whole walk against a gateway, e.g. `walkthrough("http://127.0.0.1:8000", "92232701MA0000001X")`. */
export async function walkthrough(baseUrl: string, uscc: string): Promise<void> {
  const anyone = createGetihuClient(baseUrl);
  const county = createGetihuClient(baseUrl, await devToken(anyone, {
    sub: "clerk-1", roles: ["county_staff"], region_code: "232701",
  }));
  const prefecture = createGetihuClient(baseUrl, await devToken(anyone, { sub: "clerk-2", roles: ["prefecture_staff"] }));
  let operatorToken: string | undefined;
  const operator = createGetihuClient(baseUrl, () => operatorToken);  // the token may come later (sign-in)
  operatorToken = await devToken(anyone, { sub: "owner-1", roles: ["operator"], usccs: [uscc] });

  const business = await registerBusiness(county, uscc);
  const listed = await searchDirectory(anyone, business.name ?? uscc);
  const run = await runTyping(prefecture, 2025);
  const results = await typingResults(county, 2025);
  const appeal = await fileObjection(operator, uscc, 2025);
  const application = await applyForCultivation(operator, uscc);
  const inbox = await unreadMessages(operator, uscc);
  console.log({
    registered: business.uscc, listed: listed.length, run: run.status, results: results.length,
    appeal: appeal.id, application: application.id, unread: inbox.unread,
  });
}
