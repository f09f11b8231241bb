import { defineConfig } from 'vite';

// Plain Vite: TypeScript and JSX (Preact's automatic runtime, from tsconfig) need no plugin.
export default defineConfig({
  build: {
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` against a running `wrrk-local` (API on 3000).
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/_local': 'http://127.0.0.1:3000',
      '/config.json': 'http://127.0.0.1:3000',
    },
  },
});
