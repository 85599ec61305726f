/** OIDC sign-in: the authorization-code flow with PKCE (S256), state and nonce, for a public client
 * (no secret). The settings come from the gateway (GET /api/v1/auth/config, GETIHU_OIDC_*); the
 * provider's endpoints from its discovery document. What the redirect must bring back (state,
 * nonce, the code verifier, where to go next) waits in sessionStorage, one entry per attempt. */
import { api, must, type Schema } from "../api";

export type OidcConfig = Schema<"OidcConfig">;
export type AuthConfig = Schema<"AuthConfig">;

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

interface Pending {
  verifier: string;
  nonce: string;
  next: string;
  redirectUri: string;
  createdAt: number;
}

export interface OidcTokens {
  accessToken: string;
  idToken?: string;
  expiresAt: number; // seconds since the epoch
  endSession?: string;
}

const PENDING = "getihu.oidc.";
// A sign-in left at the provider's pages for longer than this starts over.
const PENDING_TTL_MS = 15 * 60 * 1000;

/** A refusal the person can act on (Chinese), from any step of the flow. */
export class SignInError extends Error {}

let config: Promise<AuthConfig> | null = null;

export function authConfig(): Promise<AuthConfig> {
  config ??= must(api.GET("/api/v1/auth/config")).catch((e) => {
    config = null;
    throw e;
  });
  return config;
}

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function random(n = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(n)));
}

async function challenge(verifier: string): Promise<string> {
  if (!crypto.subtle) {
    throw new SignInError("统一身份认证登录需要通过 HTTPS 访问本平台，请改用 https:// 开头的地址");
  }
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

async function discover(issuer: string): Promise<Discovery> {
  let doc: Discovery;
  try {
    const r = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
    if (!r.ok) throw new Error(String(r.status));
    doc = (await r.json()) as Discovery;
  } catch {
    throw new SignInError("暂时无法连接统一身份认证服务，请稍后重试；持续出现请联系系统管理员");
  }
  // RFC 8414 §3.3: the document must name the issuer it was fetched for.
  if (doc.issuer.replace(/\/$/, "") !== issuer.replace(/\/$/, "")) {
    throw new SignInError("统一身份认证服务的配置与平台设置的签发方不一致，请联系系统管理员");
  }
  return doc;
}

function redirectUri(cfg: OidcConfig): string {
  return cfg.redirect_uri ?? new URL("/signin/callback", window.location.origin).href;
}

/** Leave for the provider's login page; `next` is where the console opens after signing in. */
export async function startSignIn(cfg: OidcConfig, next: string): Promise<void> {
  const doc = await discover(cfg.issuer);
  const state = random();
  const pending: Pending = { verifier: random(48), nonce: random(), next, redirectUri: redirectUri(cfg),
                             createdAt: Date.now() };
  sessionStorage.setItem(PENDING + state, JSON.stringify(pending));
  const url = new URL(doc.authorization_endpoint);
  const params: Record<string, string> = {
    response_type: "code", client_id: cfg.client_id, redirect_uri: pending.redirectUri, scope: cfg.scopes,
    state, nonce: pending.nonce, code_challenge: await challenge(pending.verifier), code_challenge_method: "S256",
  };
  if (cfg.resource) params.resource = cfg.resource;
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  window.location.assign(url.href);
}

function payload(jwt: string): Record<string, unknown> {
  const part = (jwt.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
  const text = atob(part);
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
}

/** Back from the provider: check the state, exchange the code (with the verifier) at the token
 * endpoint, check the ID token's nonce. The platform verifies the access token's signature itself. */
export async function finishSignIn(cfg: OidcConfig, query: URLSearchParams): Promise<{ tokens: OidcTokens; next: string }> {
  const state = query.get("state") ?? "";
  const saved = sessionStorage.getItem(PENDING + state);
  sessionStorage.removeItem(PENDING + state);
  if (query.get("error")) {
    throw new SignInError(query.get("error") === "access_denied"
      ? "您在统一身份认证页面取消了授权，未能登录"
      : "统一身份认证服务未能完成登录，请重新登录");
  }
  const pending = saved ? (JSON.parse(saved) as Pending) : null;
  if (!pending || Date.now() - pending.createdAt > PENDING_TTL_MS) {
    throw new SignInError("登录请求已失效或不是从本页面发起的，请重新登录");
  }
  const code = query.get("code");
  if (!code) throw new SignInError("统一身份认证服务没有返回授权码，请重新登录");
  const doc = await discover(cfg.issuer);
  const body = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: pending.redirectUri,
                                     client_id: cfg.client_id, code_verifier: pending.verifier });
  if (cfg.resource) body.set("resource", cfg.resource);
  let answer: { access_token?: string; id_token?: string; expires_in?: number };
  try {
    const r = await fetch(doc.token_endpoint, { method: "POST", body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    answer = await r.json();
    if (!r.ok || !answer.access_token) throw new Error(String(r.status));
  } catch {
    throw new SignInError("换取登录令牌失败（授权码可能已使用或已过期），请重新登录");
  }
  if (answer.id_token && payload(answer.id_token).nonce !== pending.nonce) {
    throw new SignInError("登录应答与本次登录请求不符，为安全起见已中止，请重新登录");
  }
  const exp = Number(payload(answer.access_token!).exp ?? 0)
    || Math.floor(Date.now() / 1000) + Number(answer.expires_in ?? 0);
  return {
    tokens: { accessToken: answer.access_token!, idToken: answer.id_token, expiresAt: exp,
              endSession: doc.end_session_endpoint },
    next: pending.next,
  };
}
