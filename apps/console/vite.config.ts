// The coordinator console: a single-page app the gateway serves at `/` from dist/console.
// `npx vite --config apps/console/vite.config.ts` serves it in development and proxies
// `/api` to the gateway (GRIDLINE_GATEWAY_URL, default http://127.0.0.1:3000).
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const gateway = process.env.GRIDLINE_GATEWAY_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // No inline script anywhere: the gateway serves the console under a strict CSP.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': { target: gateway, changeOrigin: false } },
  },
});
