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
  },
});
