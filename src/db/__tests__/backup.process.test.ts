import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { createContext } from '../../server/bootstrap.ts';
import { TEST_DB } from '../../test/harness.ts';
import {
  HttpClient,
  prepareDatabase,
  runCli,
  runCliAsync,
  startServer,
  writeLoad,
  type TestDatabase,
} from '../../test/server-process.ts';

/**
 * `qingdan backup` taken while a server process is under write load, restored with `qingdan restore`
 * into an empty database: the restored database passes `qingdan audit verify` and holds every report
 * acknowledged before the backup began.
 */
describe(`backup under write load and restore (${TEST_DB})`, () => {
  let live: TestDatabase;
  let restored: TestDatabase;

  beforeAll(async () => {
    live = await prepareDatabase();
    restored = await prepareDatabase({ seed: false });
    // The field-encryption key travels separately from the database copy (docs/RELIABILITY.md).
    fs.copyFileSync(path.join(live.dataDir, 'secret.keys'), path.join(restored.dataDir, 'secret.keys'));
  });
  afterAll(async () => {
    await live?.drop();
    await restored?.drop();
  });

  it('restores a consistent copy holding every write acknowledged before the backup', async () => {
    const server = await startServer(live);
    const resident = await new HttpClient(server.url).login('demo-resident');
    const load = writeLoad(resident, 'backup', 8);
    for (let waited = 0; load.acked.length < 50 && waited < 20_000; waited += 100)
      await new Promise((res) => setTimeout(res, 100));
    const before = [...load.acked];
    const file = path.join(live.dataDir, 'backups', `qingdan-${TEST_DB}.backup`);
    const started = Date.now();
    const backup = await runCliAsync(live, ['backup', file]);
    const finished = Date.now();
    const seconds = (finished - started) / 1000;
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toContain('backup of the');
    await load.stop();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const during = load.acked.filter((a) => a.at > started && a.at < finished).length;
    expect(before.length).toBeGreaterThan(10);
    expect(during).toBeGreaterThan(0); // the server kept acknowledging writes while the copy was taken

    const restore = runCli(restored, ['restore', file]);
    expect(restore.status, restore.stderr + restore.stdout).toBe(0);
    expect(restore.stdout).toContain('audit chains intact');
    const verify = runCli(restored, ['audit', 'verify']);
    expect(verify.status, verify.stderr).toBe(0);

    const ctx = await createContext(
      loadConfig({}, { dataDir: restored.dataDir, databaseUrl: restored.databaseUrl }),
      { logger: pino({ level: 'silent' }) },
    );
    try {
      const ids = new Set((await ctx.db.selectFrom('problems').select('id').execute()).map((r) => r.id));
      expect(before.filter((a) => !ids.has(a.id))).toEqual([]);
      console.log(
        `backup ${TEST_DB}: ${before.length} writes acknowledged before the backup, ${during} more during it (${seconds.toFixed(1)} s incl. CLI start); restored ${ids.size} problems, all ${before.length} present, audit verify ok`,
      );
    } finally {
      await ctx.database.close();
    }

    // A second restore over a database that holds data needs --force.
    const again = runCli(restored, ['restore', file]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('--force');
    expect(runCli(restored, ['restore', file, '--force']).status).toBe(0);
  }, 300_000);
});
