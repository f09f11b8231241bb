// Unit tests of the widget's pure modules (`src/*.test.ts`, `npm run test:unit`); the
// browser tests in tests/ run with `node --test` (`npm test`).
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['src/**/*.test.ts'], environment: 'node' } });
