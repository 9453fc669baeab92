import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['firmware/**/*.test.ts', 'host/**/*.test.ts', 'models/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
