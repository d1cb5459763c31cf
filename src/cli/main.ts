import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createContext } from '../server/bootstrap.ts';
import { reloadJurisdictions } from '../platform/jurisdictions.ts';
import { keepHeapLean, serve } from '../server/serve.ts';
import { DEMO_USERS, HETANG, seedHetang } from '../demo/hetang.ts';
import { DEMO_TEST_KEY, seedOpen311Sandbox } from '../demo/open311Sandbox.ts';
import { OPEN311_TEST_PREFIX, openSandbox } from '../open311/index.ts';
import { hetangDivisions, initJurisdiction, nationalDivisions } from '../modules/reference/index.ts';
import { createUser } from '../modules/users/index.ts';
import { UserInput } from '../modules/users/index.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../modules/auth/index.ts';
import { verifyChains, writeCheckpoints } from '../modules/audit/index.ts';
import { backupDatabase, restoreDatabase } from '../db/backup.ts';
import { runDeadlineScan, verifyProblemStates } from '../modules/problems/index.ts';
import type { AppContext } from '../platform/context.ts';
import { registerLedgerCommands } from '../modules/ledger/index.ts';
import { runServiceScans } from '../modules/services.scheduler.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function withContext<T>(
  fn: (ctx: AppContext) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const ctx = await createContext(loadConfig(), { migrate: opts.migrate });
  try {
    return await fn(ctx);
  } finally {
    await ctx.database.close();
  }
}

function jurisdictionOf(ctx: AppContext, given?: string): string {
  const j = given
    ? ctx.jurisdictions.find((x) => x.id === given || x.open311Id === given)
    : ctx.jurisdictions[0];
  if (!j)
    throw new Error(
      given
        ? `unknown jurisdiction ${given}`
        : 'no jurisdiction: run `qingdan init --division <code>` or `qingdan seed` first',
    );
  return j.id;
}

/** Builds the web app when its output is missing or older than its sources. */
export function buildWebIfNeeded(force = false): void {
  const src = path.join(root, 'web');
  const out = path.join(src, 'dist');
  if (!fs.existsSync(path.join(src, 'vite.config.ts'))) return;
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'dist' || e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }
    return t;
  };
  const builtAt = fs.existsSync(path.join(out, 'm', 'index.html'))
    ? fs.statSync(path.join(out, 'm', 'index.html')).mtimeMs
    : 0;
  // The web app also bundles the API's error texts from the kernel.
  const shared = path.join(root, 'src/kernel/apiText.ts');
  const sharedAt = fs.existsSync(shared) ? fs.statSync(shared).mtimeMs : 0;
  if (!force && builtAt > Math.max(newest(src), sharedAt)) return;
  console.log('Building the web app …');
  const r = spawnSync(
    process.execPath,
    [
      path.join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      path.join(src, 'vite.config.ts'),
      '--logLevel',
      'warn',
    ],
    { stdio: 'inherit', cwd: root },
  );
  if (r.status !== 0) throw new Error('web build failed');
}

/** Runs the CLI with the given argv. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program.name('qingdan').description('Qingdan (清单): problem list → results list').version('0.1.0');

  program
    .command('start')
    .description('build the web app if needed, migrate, seed the Hetang demo on an empty database, and serve')
    .action(async () => {
      keepHeapLean();
      buildWebIfNeeded();
      const ctx = await createContext(loadConfig());
      if (ctx.jurisdictions.length === 0) {
        console.log('Empty database: seeding the Hetang District demo …');
        const t = Date.now();
        const r = await seedHetang(ctx);
        await reloadJurisdictions(ctx);
        await seedOpen311Sandbox(ctx);
        console.log(`Seeded ${r.problems} problems in ${((Date.now() - t) / 1000).toFixed(1)} s.`);
      }
      const { url } = await serve(ctx);
      console.log(`\nQingdan is running on ${ctx.dialect.name} at ${url}`);
      console.log(
        `  phone pages  ${url}/m/\n  console      ${url}/admin/\n  big screen   ${url}/screen/\n  API docs     ${url}/api/docs\n  Open311      ${url}/open311/v2/discovery.json`,
      );
      if (ctx.jurisdictions.some((j) => j.id === HETANG.id))
        console.log(
          `  demo users   ${DEMO_USERS.join(', ')} (password ${HETANG.password}); Open311 key ${HETANG.apiKey} (test endpoint ${DEMO_TEST_KEY})`,
        );
    });

  program
    .command('build-web')
    .description('build the web app (phone pages, console, big screen) when its sources changed')
    .option('--force', 'build even if up to date')
    .action((o: { force?: boolean }) => buildWebIfNeeded(!!o.force));

  program
    .command('serve')
    .description('serve the API, Open311 and the built web app')
    .action(async () => {
      keepHeapLean();
      const ctx = await createContext(loadConfig());
      const { url } = await serve(ctx);
      console.log(`Qingdan listening at ${url} (${ctx.dialect.name})`);
    });

  program
    .command('migrate')
    .description('run pending database migrations')
    .action(() => withContext(async (ctx) => console.log(`migrations done on ${ctx.dialect.name}`)));

  program
    .command('init')
    .description('set up a county from the national division data')
    .requiredOption('--division <code>', 'six-digit county division code, e.g. 430202')
    .option('--name <name>', 'display name')
    .option('--prefix <prefix>', 'problem number prefix', 'QD')
    .option('--open311-id <id>', 'Open311 jurisdiction_id')
    .action((o: { division: string; name?: string; prefix: string; open311Id?: string }) =>
      withContext(async (ctx) => {
        const divisions = o.division === HETANG.id ? hetangDivisions() : await nationalDivisions(o.division);
        await initJurisdiction(ctx, {
          id: o.division,
          name: o.name,
          numberPrefix: o.prefix,
          open311Id: o.open311Id ?? null,
          divisions,
        });
        const townships = divisions.filter((d) => d.level === 'township').length;
        console.log(
          `initialised ${divisions[0]!.name} (${o.division}): ${townships} townships, ${divisions.length - townships - 1} villages`,
        );
      }),
    );

  program
    .command('seed')
    .description('seed the Hetang District demo into an empty database')
    .option('--no-problems', 'reference data, users and topics only')
    .action((o: { problems: boolean }) =>
      withContext(async (ctx) => {
        if (ctx.jurisdictions.some((j) => j.id === HETANG.id))
          throw new Error('the Hetang demo is seeded already');
        const t = Date.now();
        const r = await seedHetang(ctx, { problems: o.problems ? 'full' : 'none' });
        await reloadJurisdictions(ctx);
        await seedOpen311Sandbox(ctx);
        console.log(
          `seeded the Hetang demo: ${r.problems} problems in ${((Date.now() - t) / 1000).toFixed(1)} s`,
        );
      }),
    );

  const user = program.command('user').description('manage users');
  user
    .command('add')
    .description('add a user')
    .requiredOption('--username <name>')
    .requiredOption('--name <display name>')
    .requiredOption(
      '--role <roles>',
      'comma list: resident, enterprise, official, unit_handler, supervisor, leader, admin',
    )
    .option('--password <password>', 'at least 10 characters with letters and digits (or QINGDAN_PASSWORD)')
    .option('--unit <unitId>')
    .option('--phone <phone>')
    .option('--jurisdiction <id>')
    .action(
      (o: {
        username: string;
        name: string;
        role: string;
        password?: string;
        unit?: string;
        phone?: string;
        jurisdiction?: string;
      }) =>
        withContext(async (ctx) => {
          const input = UserInput.safeParse({
            username: o.username,
            displayName: o.name,
            roles: o.role.split(','),
            password: o.password ?? process.env.QINGDAN_PASSWORD,
            unitId: o.unit ?? null,
            phone: o.phone ?? null,
          });
          if (!input.success)
            throw new Error(input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
          const u = await createUser(ctx, jurisdictionOf(ctx, o.jurisdiction), input.data, null);
          console.log(`user ${u.username} created (${u.id}), roles ${u.roles.join(', ')}`);
        }),
    );

  const apikey = program
    .command('apikey')
    .description('manage API keys for integrations (Open311 clients, the hotline)');
  apikey
    .command('create')
    .requiredOption('--name <name>')
    .option('--jurisdiction <id>')
    .action((o: { name: string; jurisdiction?: string }) =>
      withContext(async (ctx) => {
        const k = await createApiKey(ctx, jurisdictionOf(ctx, o.jurisdiction), o.name, null);
        console.log(`API key for ${o.name} (shown once, store it now):\n${k.key}`);
      }),
    );
  apikey
    .command('revoke <idOrPrefix>')
    .option('--jurisdiction <id>')
    .action((idOrPrefix: string, o: { jurisdiction?: string }) =>
      withContext(async (ctx) => {
        const ok = await revokeApiKey(ctx, jurisdictionOf(ctx, o.jurisdiction), idOrPrefix, null);
        if (!ok) throw new Error(`no active key ${idOrPrefix}`);
        console.log(`revoked ${idOrPrefix}`);
      }),
    );
  apikey
    .command('list')
    .option('--jurisdiction <id>')
    .action((o: { jurisdiction?: string }) =>
      withContext(async (ctx) => {
        for (const k of await listApiKeys(ctx, jurisdictionOf(ctx, o.jurisdiction)))
          console.log(
            `${k.prefix}…  ${k.name}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}`,
          );
      }),
    );

  program
    .command('sandbox')
    .description(
      "set up a jurisdiction's Open311 test endpoint: a sandbox with its own services, keys and requests",
    )
    .option('--jurisdiction <id>')
    .action((o: { jurisdiction?: string }) =>
      withContext(async (ctx) => {
        const s = await openSandbox(ctx, jurisdictionOf(ctx, o.jurisdiction));
        console.log(
          s.key
            ? `test endpoint ${ctx.config.publicUrl}${OPEN311_TEST_PREFIX} serves jurisdiction_id ${s.open311Id}; its API key (shown once, store it now):\n${s.key}`
            : `the test endpoint exists already (jurisdiction_id ${s.open311Id}); make more keys with: qingdan apikey create --jurisdiction ${s.id}`,
        );
      }),
    );

  const audit = program.command('audit').description('the tamper-evident logs');
  audit
    .command('verify')
    .description(
      'check the hash chains, their lengths against the counters, the signed checkpoints and every user grant',
    )
    .action(() =>
      withContext(async (ctx) => {
        const r = await verifyChains(ctx.db, { file: ctx.config.auditCheckpointFile, cipher: ctx.cipher });
        for (const w of r.warnings) console.warn(`warning: ${w}`);
        if (r.ok)
          console.log(
            `audit chains intact: ${r.checked.actions} actions, ${r.checked.audit} administrative records, ` +
              `${r.checked.checkpoints} signed checkpoints, ${r.checked.users} user grants, ` +
              `${r.checked.serviceLog} service-log entries, ${r.checked.entitlements} entitlement entries`,
          );
        else {
          console.error(
            `BROKEN: ${r.broken!.log} of ${r.broken!.jurisdictionId}, seq ${r.broken!.seq} (id ${r.broken!.id}): ${r.broken!.reason}`,
          );
          process.exitCode = 1;
        }
        // The current state (what the results list and the KPIs read) against what each problem's log says.
        for (const j of ctx.jurisdictions) {
          const s = await verifyProblemStates(ctx.db, j.id, await ctx.reference.get(j.id));
          for (const d of s.differences)
            console.error(
              `DIFFERS: problem ${d.number} of ${j.id}: ${d.field} is ${JSON.stringify(d.found)}, the log says ${JSON.stringify(d.logged)}`,
            );
          if (s.differences.length) process.exitCode = 1;
          else console.log(`problem state of ${j.id} matches its log: ${s.checked} problems`);
        }
      }),
    );
  audit
    .command('checkpoint')
    .description(
      'sign the current head of every chain into the checkpoint file (the server does it every few minutes)',
    )
    .action(() =>
      withContext(async (ctx) => {
        const n = await writeCheckpoints(ctx.db, ctx.config.auditCheckpointFile, ctx.cipher, ctx.clock.now());
        console.log(`${n} chain heads signed into the checkpoint file`);
      }),
    );

  program
    .command('backup <file>')
    .description(
      'write an online, consistent copy of the database (SQLite backup API; pg_dump custom format on PostgreSQL)',
    )
    .action(async (file: string) => {
      const config = loadConfig();
      const b = await backupDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, file);
      console.log(
        `backup of the ${b.dialect} database written to ${b.file}: ${b.bytes} bytes in ${b.seconds.toFixed(1)} s, sha256 ${b.sha256}`,
      );
    });

  program
    .command('restore <file>')
    .description('replace the database with a backup (stop the server first), then verify the audit chains')
    .option('--force', 'replace a database that holds data')
    .action(async (file: string, o: { force?: boolean }) => {
      const config = loadConfig();
      const r = await restoreDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, file, {
        force: !!o.force,
      });
      if (r.replaced) console.log(`the previous database was kept as ${r.replaced}`);
      await withContext(async (ctx) => {
        const v = await verifyChains(ctx.db);
        const problems = await ctx.db
          .selectFrom('problems')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        const sealed = await ctx.db
          .selectFrom('users')
          .select('id_number_enc')
          .where('id_number_enc', 'is not', null)
          .limit(1)
          .executeTakeFirst();
        if (sealed?.id_number_enc) {
          try {
            ctx.cipher.decrypt(sealed.id_number_enc);
          } catch {
            console.error(
              'WARNING: encrypted ID numbers cannot be read with this key: restore secret.keys (or QINGDAN_KEYS) of the original installation',
            );
            process.exitCode = 1;
          }
        }
        if (!v.ok) {
          console.error(
            `restored, but the audit chain is BROKEN: ${v.broken!.log} seq ${v.broken!.seq} (id ${v.broken!.id}): ${v.broken!.reason}`,
          );
          process.exitCode = 1;
        } else
          console.log(
            `restored ${file}: ${Number(problems.n)} problems; audit chains intact (${v.checked.actions} actions, ${v.checked.audit} administrative records)`,
          );
      });
    });

  program
    .command('gen')
    .description(
      'generate a realistic synthetic jurisdiction through the bulk-import path (benchmarks, demos)',
    )
    .requiredOption('--problems <n>', 'how many problems', (v) => Number(v))
    .option('--seed <s>', 'random seed', (v) => Number(v), 1)
    .option('--json', 'print the figures as one JSON line at the end')
    .option('--no-raw', 'skip measuring the raw insert rate (the ceiling for import)')
    .option('--postings <n>', 'also this many job postings (the jobs map benchmark)', (v) => Number(v), 0)
    .option(
      '--care-orders <n>',
      'also this many home-care orders, with elders, providers and places (the care benchmark)',
      (v) => Number(v),
      0,
    )
    .action(
      (o: {
        problems: number;
        seed: number;
        json?: boolean;
        raw: boolean;
        postings: number;
        careOrders: number;
      }) =>
        withContext(async (ctx) => {
          if (!Number.isInteger(o.problems) || o.problems < 1)
            throw new Error('--problems: a positive whole number');
          const { generate, rawInsertRate } = await import('../../bench/generate.ts');
          const width = 30;
          const t = Date.now();
          const r = await generate(ctx, {
            problems: o.problems,
            seed: o.seed,
            onProgress: (done, total) => {
              const filled = Math.round((done / total) * width);
              const rate = Math.round(done / ((Date.now() - t) / 1000));
              process.stderr.write(
                `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${rate}/s   `,
              );
            },
          });
          process.stderr.write('\n');
          if (!Number.isInteger(o.postings) || o.postings < 0) throw new Error('--postings: a whole number');
          if (o.postings > 0) {
            const { generatePostings } = await import('../../bench/generate.jobs.ts');
            const g = await generatePostings(ctx, o.postings, o.seed);
            console.log(
              `generated ${g.postings.toLocaleString('en')} job postings in ${g.seconds.toFixed(1)} s`,
            );
          }
          if (!Number.isInteger(o.careOrders) || o.careOrders < 0)
            throw new Error('--care-orders: a whole number');
          if (o.careOrders > 0) {
            const { generateCareOrders } = await import('../../bench/generate.care.ts');
            const g = await generateCareOrders(ctx, o.careOrders, o.seed);
            console.log(
              `generated ${g.orders.toLocaleString('en')} care orders and ${g.places} places in ${g.seconds.toFixed(1)} s`,
            );
          }
          const rawRate = o.raw ? await rawInsertRate(ctx, Math.min(o.problems, 100_000), o.seed) : null;
          const ratio = rawRate ? Math.round((r.rate / rawRate) * 1000) / 10 : null;
          console.log(
            `imported ${r.imported.toLocaleString('en')} problems in ${r.seconds.toFixed(1)} s (${r.rate}/s)${rawRate ? `; raw insert ${rawRate}/s, import at ${ratio}% of it` : ''}`,
          );
          if (o.json) console.log(JSON.stringify({ ...r, rawRate, ratio, database: ctx.dialect.name }));
        }),
    );

  program
    .command('scan')
    .description(
      'run the deadline scan and the resident services’ scans once (overdue, 助急 escalation, expiry)',
    )
    .action(() =>
      withContext(async (ctx) =>
        console.log(JSON.stringify({ ...(await runDeadlineScan(ctx)), ...(await runServiceScans(ctx)) })),
      ),
    );

  registerLedgerCommands(program, withContext, jurisdictionOf);

  try {
    await program.parseAsync(argv);
  } catch (err) {
    console.error(`qingdan: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
