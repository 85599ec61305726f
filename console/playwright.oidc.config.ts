import { defineConfig } from "@playwright/test";

import base from "./playwright.config";

// The OIDC sign-in journey (e2e/oidc) against a stack whose services verify the local provider's
// tokens through its JWKS (tests/test_console_oidc.py); the other journeys use the development issuer.
export default defineConfig({ ...base, testDir: "e2e/oidc", testIgnore: [] });
