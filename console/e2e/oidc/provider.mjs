// A local OpenID provider for the sign-in journey (npm oidc-provider, its development login and
// consent pages): the console is a public client (no secret, PKCE S256); the access token is a JWT for
// the platform's audience, signed RS256 with a key made at start and published at /jwks, carrying
// the claims the platform maps (README "Sign-in"): roles, region_code, id_number.
//
// env: OIDC_PORT, OIDC_CLIENT_ID, OIDC_REDIRECT_URIS (comma separated), OIDC_AUDIENCE,
//      OIDC_ACCOUNTS = {"<login>": {<claims>}, ...}; prints "oidc-provider ready <issuer>" when listening.
import { generateKeyPairSync } from "node:crypto";

import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT ?? 0);
const issuer = `http://127.0.0.1:${port}`;
const audience = process.env.OIDC_AUDIENCE ?? "getihu";
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS ?? "{}");
const RESOURCE = "urn:getihu:api";
const API_SCOPE = "getihu";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "e2e-rs256", alg: "RS256", use: "sig" };

function account(login) {
  const claims = accounts[login];
  return claims ? { accountId: login, async claims() { return { sub: login, ...claims }; } } : undefined;
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID ?? "getihu-console",
    token_endpoint_auth_method: "none",
    grant_types: ["authorization_code"],
    response_types: ["code"],
    redirect_uris: (process.env.OIDC_REDIRECT_URIS ?? "").split(",").filter(Boolean),
    post_logout_redirect_uris: (process.env.OIDC_REDIRECT_URIS ?? "").split(",").filter(Boolean)
      .map((u) => new URL("/signin", u).href),
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: ["e2e-cookie-key-not-secret"] },
  pkce: { required: () => true },
  scopes: ["openid", "profile", API_SCOPE],
  claims: { openid: ["sub"], profile: ["name", "id_number", "roles", "region_code"] },
  async findAccount(ctx, sub) {
    return account(sub);
  },
  clientBasedCORS: () => true,
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: API_SCOPE, audience, accessTokenFormat: "jwt", accessTokenTTL: 3600,
        jwt: { sign: { alg: "RS256" } },
      }),
    },
  },
  // The platform reads the person's facts from the access token it is sent.
  async extraTokenClaims(ctx, token) {
    const claims = accounts[token.accountId];
    return claims ? { ...claims } : undefined;
  },
});
provider.proxy = false;
// Its development pages import a web font from the internet; the test machine is offline, and the
// browser would wait for it before the page counts as loaded.
provider.use(async (ctx, next) => {
  await next();
  if (typeof ctx.body === "string" && ctx.body.includes("fonts.googleapis.com")) {
    ctx.body = ctx.body.replace(/@import url\(https:\/\/fonts\.googleapis\.com[^)]*\);/g, "");
  }
});

const server = provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider ready ${issuer}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
