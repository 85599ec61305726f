import { defineConfig } from "@playwright/test";

// The journeys drive Debian's Chromium (deploy/browser-bootstrap.sh), never Playwright's own
// download, against a stack the caller started (tests/test_console_journeys.py: GETIHU_CONSOLE_URL).
export default defineConfig({
  testDir: "e2e",
  // the OIDC sign-in journey has a stack of its own (playwright.oidc.config.ts)
  testIgnore: ["oidc/**"],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Generous for a shared CI machine: a journey takes 10-20 s when the machine is quiet.
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: process.env.GETIHU_CONSOLE_URL ?? "http://127.0.0.1:8000",
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    trace: "off",
    actionTimeout: 15_000,
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.GETIHU_CHROMIUM ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      // Playwright gives each launch a fresh --user-data-dir of its own (and refuses one passed here).
    },
  },
});
