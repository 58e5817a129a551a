/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { precompress } from './vite.precompress.mts';

// In development the API runs separately; the built app is served by the server itself at '/'.
const apiTarget = process.env.ARCGATE_API ?? 'http://localhost:3100';

export default defineConfig({
  base: '/',
  plugins: [react(), precompress()],
  // The protocol's browser-safe part, compiled from source (its package build targets Node).
  resolve: {
    alias: {
      '@arcgate/protocol/browser': fileURLToPath(new URL('../protocol/src/browser.ts', import.meta.url)),
    },
  },
  // The phone pages have a budget (e2e/shell.test.mjs); a chunk this large is a mistake to look at.
  // The manifest lets the budget test tell the chart's chunks from the page's.
  build: { outDir: 'dist', emptyOutDir: true, manifest: true, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': { target: apiTarget, changeOrigin: true } } },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
