import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { dirname, relative, resolve } from 'node:path';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

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

/**
 * Compresses the built files ahead of time, brotli and gzip, so the server sends them by the client's
 * Accept-Encoding without compressing on each request (phones on a slow network get a third of the bytes).
 * Files that do not shrink (images, fonts) are left alone.
 */
function precompress(): Plugin {
  const outDir = resolve(root, 'dist');
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const file = resolve(dir, name);
      return statSync(file).isDirectory() ? walk(file) : [file];
    });
  return {
    name: 'qingdan-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!/\.(js|mjs|css|html|svg|json|webmanifest|txt)$/.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 1024) continue;
        const br = brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } });
        const gz = gzipSync(raw, { level: 9 });
        if (br.length < raw.length) writeFileSync(`${file}.br`, br);
        if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
      }
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [selfHostedVantIcons(), vue(), historyFallback(), precompress()],
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
