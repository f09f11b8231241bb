import { defineConfig } from 'vitest/config';

// Unit tests (`npm run test:unit`): the hooks, the rules beside them and the sanitizer, in
// jsdom. The browser tests against a real stack are `npm test` (tests/*.test.mjs).
export default defineConfig({
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
});
