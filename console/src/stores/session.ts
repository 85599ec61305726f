/** The signed-in principal: the only global state of the console (kept in localStorage, so a
 * reload keeps the session until the token expires). Two ways in: the development issuer's token
 * (its claims name the roles and businesses), or the OIDC provider's (auth/oidc.ts), whose facts
 * the gateway reads back as the platform sees them (GET /api/v1/auth/me: a real-name operator's
 * businesses come from the registry). */
import { reactive } from "vue";

import type { Schema } from "../api";
import type { OidcTokens } from "../auth/oidc";

export interface Principal {
  token: string;
  sub: string;
  roles: string[];
  region_code?: string;
  usccs?: string[];
  dataset?: string;
  department?: string;
  exp: number;
  // signed in at the OIDC provider: what its sign-out needs
  oidc?: { idToken?: string; endSession?: string; clientId: string };
}

const KEY = "getihu.session";

function claims(token: string): Record<string, unknown> {
  // The payload is base64url JSON; the gateway verifies the signature, the console only reads it.
  const part = token.split(".")[1] ?? "";
  const text = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
}

function load(): Principal | null {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "null") as Principal | null;
    return saved && saved.exp * 1000 > Date.now() ? saved : null;
  } catch {
    return null;
  }
}

export const session = reactive<{ principal: Principal | null }>({ principal: load() });

export function token(): string | undefined {
  return session.principal?.token;
}

export function signIn(accessToken: string): Principal {
  const c = claims(accessToken);
  const principal: Principal = {
    token: accessToken,
    sub: String(c.sub ?? ""),
    roles: Array.isArray(c.roles) ? c.roles.map(String) : [],
    region_code: typeof c.region_code === "string" ? c.region_code : undefined,
    usccs: Array.isArray(c.usccs) ? c.usccs.map(String) : undefined,
    dataset: typeof c.dataset === "string" ? c.dataset : undefined,
    department: typeof c.department === "string" ? c.department : undefined,
    exp: Number(c.exp ?? 0),
  };
  return keep(principal);
}

function keep(principal: Principal): Principal {
  session.principal = principal;
  localStorage.setItem(KEY, JSON.stringify(principal));
  return principal;
}

/** Signed in at the OIDC provider: the token, and who the platform says the caller is. */
export function signInWithProvider(tokens: OidcTokens, me: Schema<"SessionRead">, clientId: string): Principal {
  return keep({
    token: tokens.accessToken, sub: me.sub, roles: me.roles, region_code: me.region_code ?? undefined,
    usccs: me.usccs, dataset: me.dataset ?? undefined, department: me.department ?? undefined,
    exp: tokens.expiresAt, oidc: { idToken: tokens.idToken, endSession: tokens.endSession, clientId },
  });
}

/** Where the browser goes to end the provider's session too (none: the local sign-out suffices). */
function endSessionUrl(tokens: { idToken?: string; endSession?: string }, clientId?: string): string | null {
  if (!tokens.endSession || !tokens.idToken) return null;
  const url = new URL(tokens.endSession);
  url.searchParams.set("id_token_hint", tokens.idToken);
  url.searchParams.set("post_logout_redirect_uri", new URL("/signin", window.location.origin).href);
  if (clientId) url.searchParams.set("client_id", clientId);
  return url.href;
}

/** Forget the session here; signed in at the provider, end its session there too (the browser
 * leaves for the provider and comes back to the sign-in page). */
export function signOut(): void {
  const oidc = session.principal?.oidc;
  session.principal = null;
  localStorage.removeItem(KEY);
  const url = oidc ? endSessionUrl(oidc, oidc.clientId) : null;
  if (url) window.location.assign(url);
}

export function hasRole(...roles: string[]): boolean {
  return !!session.principal && roles.some((r) => session.principal!.roles.includes(r));
}
