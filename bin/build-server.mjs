// The production build of the server and the CLI: the TypeScript sources bundled into one ES module,
// dist/qingdan.mjs, so that `qingdan serve`/`start` run plain JavaScript without the TypeScript loader
// (its worker thread, its compiler and its caches cost memory in every server process). Packages stay
// external and load from node_modules as usual. Tests and `node --import tsx` keep running the sources.
//
// Each module's `import.meta.url` is replaced by its source file's URL (relative to the bundle), so that
// files found next to a source (seed data, the web app's build) are found exactly as they are from the
// sources.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The bundle that bin/qingdan.mjs runs. */
export const OUT = path.join(root, 'dist', 'qingdan.mjs');
const ENTRY = path.join(root, 'src', 'cli', 'main.ts');

/** The newest modification time of the files the bundle is made from. */
function newestSource() {
  let t = 0;
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '__tests__' || e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) t = Math.max(t, fs.statSync(p).mtimeMs);
    }
  };
  walk(path.join(root, 'src'));
  walk(path.join(root, 'bench'));
  for (const f of ['package.json', 'bin/build-server.mjs'])
    t = Math.max(t, fs.statSync(path.join(root, f)).mtimeMs);
  return t;
}

/** True when the bundle is missing or older than any of its sources. */
export function isStale() {
  if (!fs.existsSync(OUT)) return true;
  return fs.statSync(OUT).mtimeMs < newestSource();
}

/** Builds dist/qingdan.mjs (written to a temporary file and renamed: concurrent builds are safe). */
export async function build() {
  // Stamped with the time it started: a source saved during the build makes the bundle stale.
  const started = new Date();
  // esbuild comes with tsx, a dependency: resolve it from there.
  const esbuild = createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild');
  const outDir = path.dirname(OUT);
  const sourceUrls = {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        const text = await fs.promises.readFile(args.path, 'utf8');
        const rel = path.relative(outDir, args.path).split(path.sep).join('/');
        return {
          contents: text.replace(
            /\bimport\.meta\.url\b/g,
            `new URL(${JSON.stringify(rel)}, import.meta.url).href`,
          ),
          loader: 'ts',
        };
      });
    },
  };
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    // Non-ASCII text (the Chinese strings) escaped: V8 then keeps the bundle's source as one byte a character.
    charset: 'ascii',
    logLevel: 'warning',
    write: false,
    outfile: OUT,
    plugins: [sourceUrls],
  });
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.utimesSync(tmp, started, started);
    fs.renameSync(tmp, file.path);
  }
  return OUT;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const t = Date.now();
  await build();
  console.log(`built ${path.relative(root, OUT)} in ${Date.now() - t} ms`);
}
