import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { dirname, relative, resolve } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';

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

/**
 * Vant's icon font is inlined as a data: URI with a CDN fallback; the server's Content-Security-Policy
 * allows fonts from 'self' only, and the app must never reach the internet. Write the font out as a
 * file next to the other caches and point the @font-face at it, so it ships as a hashed asset.
 */
function selfHostedVantIcons(): Plugin {
  const fontFile = resolve(root, '../node_modules/.cache/qingdan-web/vant-icon.woff2');
  return {
    name: 'qingdan-vant-icon-font',
    enforce: 'pre',
    transform(code, id) {
      if (!/vant[\\/]es[\\/]icon[\\/]index\.css$/.test(id.split('?')[0])) return null;
      const m = /src:url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\)[^;}]*/.exec(code);
      if (!m) return null;
      mkdirSync(dirname(fontFile), { recursive: true });
      writeFileSync(fontFile, Buffer.from(m[1], 'base64'));
      const rel = relative(dirname(id.split('?')[0]), fontFile)
        .split('\\')
        .join('/');
      return { code: code.replace(m[0], `src:url("${rel}") format("woff2")`), map: null };
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [selfHostedVantIcons(), vue(), historyFallback()],
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
