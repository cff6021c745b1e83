// Vite build and dev server for the dashboard, plus the vitest set-up (jsdom for component tests).
// The server (default port 8080) serves dashboard/dist at /; in dev, /api and /socket.io are proxied
// to it so the same relative URLs work in both.
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const API = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // uPlot and the chart pages are lazy chunks; the first load stays small.
    chunkSizeWarningLimit: 600,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: API, changeOrigin: false },
      '/socket.io': { target: API, ws: true },
    },
  },
  // The `dashboard` project of the root vitest.config.ts; `npx vitest run` in dashboard/ runs it alone.
  test: {
    name: 'dashboard',
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    restoreMocks: true,
  },
});
