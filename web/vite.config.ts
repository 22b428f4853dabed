// The web console's build (`vite build web`, into web/dist) and its dev server (`npm run dev:web`), which
// proxies the API to a running `npm start` so the console hot-reloads against real data.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.RECIPEFLOW_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Read by the bundle budget test: which chunks the first page load needs.
    manifest: true,
    target: 'es2022',
    chunkSizeWarningLimit: 700,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/v1': api, '/config.json': api },
  },
});
