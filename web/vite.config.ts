import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const root = fileURLToPath(new URL('.', import.meta.url));
const apps = ['m', 'admin', 'screen'] as const;

/** In dev, serve each app's index.html for its history-mode routes (the server does the same in production). */
function historyFallback(): Plugin {
  return {
    name: 'qingdan-history-fallback',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const url = req.url ?? '';
        for (const app of apps) {
          const base = `/${app}`;
          if ((url === base || url.startsWith(`${base}/`)) && !/\.[a-z0-9]+(\?|$)/i.test(url)) {
            req.url = `${base}/index.html`;
            break;
          }
        }
        next();
      });
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [vue(), historyFallback()],
  resolve: { alias: { '@shared': resolve(root, 'shared') } },
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    manifest: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: Object.fromEntries(apps.map((app) => [app, resolve(root, app, 'index.html')])),
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/open311': 'http://127.0.0.1:3000',
    },
  },
});
