/**
 * Tests import sibling packages from their sources, so a package's tests do
 * not wait for the others' builds (the published packages resolve to dist/).
 */
import { fileURLToPath } from 'node:url';

const src = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export const workspaceAliases: Record<string, string> = {
  // a subpath before its package: an alias also matches the paths below its name
  '@relevance/methods/stats/descriptive': src('./packages/methods/src/stats/descriptive.ts'),
  '@relevance/core-wasm': src('./packages/core-wasm/src/index.ts'),
  '@relevance/methods': src('./packages/methods/src/index.ts'),
  '@relevance/pipelines': src('./packages/pipelines/src/index.ts'),
  '@relevance/report': src('./apps/report/src/index.ts'),
};

/** The test settings every package shares: its test/ files, long timeouts (WASM and GPU start-up), forked workers. */
export function packageTestConfig(extra: { globalSetup?: string[] } = {}) {
  return {
    resolve: { alias: workspaceAliases },
    test: {
      include: ['test/**/*.test.ts'],
      ...extra,
      testTimeout: 120_000,
      hookTimeout: 120_000,
      pool: 'forks' as const,
    },
  };
}
