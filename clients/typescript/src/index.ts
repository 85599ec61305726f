/**
 * @getihu/api-client — a typed client of the Getihu platform's public API.
 *
 * `paths` and `components` are generated from the gateway's merged OpenAPI document
 * (src/schema.d.ts, `make client`); the runtime is openapi-fetch. Calls name the path and method,
 * never an operation id:
 *
 *     const api = createGetihuClient("https://getihu.example", token);
 *     const { data, error } = await api.GET("/api/v1/directory", { params: { query: { q: "小店" } } });
 *
 * Every error body is RFC 9457 problem+json (`Problem` below).
 */
import createClient, { type Client, type ClientOptions } from "openapi-fetch";

import type { components, paths } from "./schema";

export type { components, operations, paths } from "./schema";

/**
 * The client: `GET`, `POST`, `PUT`, `PATCH`, `DELETE` over the paths of the document, typed by their
 * JSON answers. A list that also streams CSV / XLSX (`format=csv|xlsx`, CONTRACT: Exports) and a
 * file download declare those media types too; they are fetched as files (a link, or `fetch` and
 * `response.blob()`), so the typed answers are the JSON ones.
 */
export type GetihuClient = Client<paths, JsonMedia>;

/** The media types the typed answers are read as: JSON, and problem+json for errors. */
export type JsonMedia = "application/json" | "application/problem+json";

/** A schema of the document by name, e.g. `Schema<"BusinessCreate">`. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

/** The body of every 4xx/5xx answer. */
export type Problem = Schema<"Problem">;

/** A bearer token, or a function giving the current one (read before each request). */
export type TokenSource = string | (() => string | null | undefined | Promise<string | null | undefined>);

/**
 * A client of the gateway at `baseUrl` (e.g. "http://127.0.0.1:8000", or "" for the same origin).
 * With a token, each request carries `Authorization: Bearer <token>` unless it sets its own.
 */
export function createGetihuClient(
  baseUrl: string,
  token?: TokenSource,
  options: Omit<ClientOptions, "baseUrl"> = {},
): GetihuClient {
  const client = createClient<paths, JsonMedia>({ ...options, baseUrl });
  if (token !== undefined) {
    client.use({
      async onRequest({ request }) {
        const value = typeof token === "function" ? await token() : token;
        if (value && !request.headers.has("Authorization")) {
          request.headers.set("Authorization", `Bearer ${value}`);
        }
        return request;
      },
    });
  }
  return client;
}
