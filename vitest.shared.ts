import { defineConfig } from "vitest/config";

/** Shared vitest settings: resolve workspace packages to their TypeScript sources. */
export const sharedTestConfig = defineConfig({
  resolve: { conditions: ["@travel/source"] },
  ssr: { resolve: { conditions: ["@travel/source"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The AWS SDK's "node >=22 from 2027" notice, printed once per test process on Node 20: its
    // own switch silences that one warning (no other warning is hidden).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
