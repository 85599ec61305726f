/** The signed-in principal: the only global state of the console (kept in localStorage, so a
 * reload keeps the session until the token expires). */
import { reactive } from "vue";

export interface Principal {
  token: string;
  sub: string;
  roles: string[];
  region_code?: string;
  usccs?: string[];
  dataset?: string;
  department?: string;
  exp: number;
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
  session.principal = principal;
  localStorage.setItem(KEY, JSON.stringify(principal));
  return principal;
}

export function signOut(): void {
  session.principal = null;
  localStorage.removeItem(KEY);
}

export function hasRole(...roles: string[]): boolean {
  return !!session.principal && roles.some((r) => session.principal!.roles.includes(r));
}
