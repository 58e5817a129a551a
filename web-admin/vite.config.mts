/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// In development the API runs separately; the built app is served by the server itself at '/'.
const apiTarget = process.env.ARCGATE_API ?? 'http://localhost:3100';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 3000 },
  server: { proxy: { '/api': { target: apiTarget, changeOrigin: true } } },
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
