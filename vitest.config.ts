import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Fixed secrets for tests only (a deployment sets its own with `wrangler secret put`). */
export const TEST_SECRETS = {
  EDGELOG_ADMIN_TOKEN: "test-admin-token-0123456789",
  // base64 of the bytes 1..32: the seed of the shared signed-note vector.
  EDGELOG_SIGNING_KEY: "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=",
};

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: TEST_SECRETS },
          }),
        ],
        test: {
          name: "workerd",
          // The machines running the suite are small and shared: generous limits, no timing claims.
          testTimeout: 60_000,
          include: ["test/**/*.test.ts", "src/**/*.test.ts"],
          exclude: ["test/node/**"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
