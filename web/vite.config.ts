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

/**
 * The phone pages' service worker (/m/sw.js, scope /m/): it precaches the shell and every file the /m/
 * app loads (its entry, lazy pages, CSS, fonts), so /m/ opens and reloads with no network; API reads go
 * to the network first and fall back to the last answer kept; writes are never touched (the outbox in
 * IndexedDB sends them once the network is back). Written by hand rather than with a plugin package: it
 * is sixty lines, and the file list comes straight from this build's bundle.
 */
function phoneServiceWorker(): Plugin {
  return {
    name: 'qingdan-phone-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const byName = new Map(Object.values(bundle).map((f) => [f.fileName, f]));
      const entry = Object.values(bundle).find(
        (f) => f.type === 'chunk' && f.isEntry && (f.facadeModuleId ?? '').endsWith('/m/index.html'),
      );
      if (!entry) return;
      const files = new Set<string>();
      const visit = (fileName: string) => {
        if (files.has(fileName)) return;
        files.add(fileName);
        const f = byName.get(fileName);
        if (!f || f.type !== 'chunk') return;
        for (const next of [...f.imports, ...f.dynamicImports]) visit(next);
        for (const css of f.viteMetadata?.importedCss ?? []) visit(css);
        for (const asset of f.viteMetadata?.importedAssets ?? []) visit(asset);
      };
      visit(entry.fileName);
      // Fonts and images a stylesheet refers to are assets of their own.
      for (const f of Object.values(bundle))
        if (f.type === 'asset' && /\.(woff2?|ttf|svg|png)$/.test(f.fileName)) files.add(f.fileName);
      const list = [...files].filter((f) => !f.endsWith('.html')).sort();
      const version = list.join('|').length.toString(36) + '-' + hashOf(list.join('|'));
      this.emitFile({ type: 'asset', fileName: 'm/sw.js', source: swSource(version, list) });
    },
  };
}

/** A short stable hash of a text (the cache's version). */
function hashOf(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

function swSource(version: string, files: string[]): string {
  return `// Generated by the build: the phone pages' offline cache (see web/vite.config.ts).
const CACHE = 'qingdan-m-${version}';
const API = 'qingdan-m-api';
const SHELL = '/m/';
const FILES = ${JSON.stringify(files.map((f) => `/${f}`))};

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll([SHELL, ...FILES])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('qingdan-m-') && k !== CACHE && k !== API).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

const keep = (cache, req, res) => {
  if (res.ok) {
    const copy = res.clone();
    caches.open(cache).then((c) => c.put(req, copy));
  }
  return res;
};

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    if (!url.pathname.startsWith('/m')) return;
    e.respondWith(fetch(req).then((res) => keep(CACHE, SHELL, res)).catch(() => caches.match(SHELL)));
    return;
  }
  if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    e.respondWith(caches.match(req).then((hit) => hit || fetch(req).then((res) => keep(CACHE, req, res))));
    return;
  }
  // API reads (not sign-in, sessions or files) are kept for offline use; the rest goes its own way.
  if (url.pathname.startsWith('/api/') && !url.pathname.startsWith('/api/auth/') && !url.pathname.includes('.')) {
    e.respondWith(
      fetch(req)
        .then((res) => ((res.headers.get('content-type') || '').includes('json') ? keep(API, req, res) : res))
        .catch(() => caches.open(API).then((c) => c.match(req)).then((hit) => hit || Response.error())),
    );
  }
});
`;
}

export default defineConfig({
  root,
  base: '/',
  plugins: [selfHostedVantIcons(), vue(), historyFallback(), phoneServiceWorker(), precompress()],
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
