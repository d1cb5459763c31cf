// Prints the gzipped JavaScript each app loads on first load (its entry and the entry's static
// imports, from the Vite manifest), plus the lazy route chunks. Run after `npm run build:web`.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const dist = fileURLToPath(new URL('./dist/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

for (const app of ['m', 'admin', 'screen']) {
  const entryKey = `${app}/index.html`;
  const seen = new Set();
  const walk = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of manifest[key].imports ?? []) walk(dep);
  };
  walk(entryKey);
  const js = [...seen].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
  const css = [...new Set([...seen].flatMap((k) => manifest[k].css ?? []))];
  const jsTotal = js.reduce((s, f) => s + gz(f), 0);
  const cssTotal = css.reduce((s, f) => s + gz(f), 0);
  const lazy = [...new Set([...seen].flatMap((k) => manifest[k].dynamicImports ?? []))];
  console.log(
    `${app.padEnd(7)} first load: JS ${kb(jsTotal)} gzipped (${js.length} files), CSS ${kb(cssTotal)} gzipped; ${lazy.length} lazy chunks`,
  );
  if (process.argv.includes('--verbose')) for (const f of js) console.log(`          ${f} ${kb(gz(f))}`);
}
