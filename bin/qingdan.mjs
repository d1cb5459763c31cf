#!/usr/bin/env node
// The `qingdan` command. The server commands (`serve`, `start`) run the compiled bundle, dist/qingdan.mjs,
// built from the sources whenever it is missing or older than them (well under a second): a server
// process then carries no TypeScript loader (its worker thread, compiler and caches). Every other
// command, and any command with QINGDAN_FROM_SOURCE=1, loads the TypeScript sources through tsx.
// QINGDAN_COMPILED=1 runs any command from the bundle: the tests call the CLI many times, and starting the
// TypeScript loader costs each call more than the command itself.
import { pathToFileURL } from 'node:url';

const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
const compiled =
  (command === 'serve' || command === 'start' || process.env.QINGDAN_COMPILED === '1') &&
  process.env.QINGDAN_FROM_SOURCE !== '1';

async function fromBundle() {
  const { build, isStale, OUT } = await import('./build-server.mjs');
  if (isStale()) await build();
  return (await import(pathToFileURL(OUT).href)).main;
}

async function fromSource() {
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../src/cli/main.ts')).main;
}

let main;
if (compiled) {
  try {
    main = await fromBundle();
  } catch (err) {
    console.warn(`qingdan: could not build dist/qingdan.mjs (${err?.message ?? err}); running the sources`);
    main = await fromSource();
  }
} else {
  main = await fromSource();
}
await main(process.argv);
