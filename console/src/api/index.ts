/** The one way the console calls the platform: the generated typed client (clients/typescript)
 * with the token, a request id and an idempotency key per POST, and problem+json turned into the
 * Chinese message a clerk can act on. */
import { createGetihuClient, type Problem } from "@getihu/api-client";

import { token } from "../stores/session";

export type { Schema } from "@getihu/api-client";

export const api = createGetihuClient("", token);

function uuid(): string {
  // crypto.randomUUID needs a secure context; a bureau's intranet console may be plain http.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

api.use({
  onRequest({ request }) {
    request.headers.set("X-Request-ID", uuid());
    if (request.method === "POST" && !request.headers.has("Idempotency-Key")) {
      request.headers.set("Idempotency-Key", uuid());
    }
    return request;
  },
});

/** A refused call: `message` is the problem's Chinese detail (and each field's message). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly problem?: Problem,
  ) {
    super(message);
  }
}

function isProblem(body: unknown): body is Problem {
  return typeof body === "object" && body !== null && "detail" in body && "status" in body;
}

export function problemMessage(body: unknown, status: number): string {
  if (isProblem(body)) {
    const fields = (body.errors ?? []).map((e) => e.message).filter((m): m is string => !!m);
    const unique = fields.filter((m) => m !== body.detail && !body.detail.includes(m));
    return unique.length ? `${body.detail}：${unique.join("；")}` : body.detail;
  }
  if (status === 0) return "无法连接平台，请检查网络后重试";
  if (status >= 500) return "平台暂时无法处理该请求，请稍后重试";
  return "请求未被受理，请核对后重试";
}

/** The answer's data, or an ApiError with the problem's message. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiError(problemMessage(undefined, 0), 0);
  }
  const { data, error, response } = result;
  if (!response.ok || error !== undefined) {
    throw new ApiError(problemMessage(error, response.status), response.status, isProblem(error) ? error : undefined);
  }
  return data as T;
}

/** The message of anything a page caught. */
export function messageOf(e: unknown): string {
  return e instanceof ApiError ? e.message : "操作未完成，请稍后重试";
}
