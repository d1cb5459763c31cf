import { describe, expect, it } from 'vitest';
import { runSoak } from '../../../bench/soak.ts';
import { TEST_DB } from '../../test/harness.ts';

/**
 * The bounded soak of docs/RELIABILITY.md for one minute (ten in the benchmark suite): a mix of reports,
 * actions, lists, details and KPIs from 16 clients. Zero errors; memory flat within 10 % after warm-up.
 * It runs once per suite, in the SQLite pass (the server code is the same; PostgreSQL is soaked by hand).
 */
describe.skipIf(TEST_DB !== 'sqlite')('soak', () => {
  it('serves a minute of mixed load without an error and without growing', async () => {
    const r = await runSoak({
      minutes: Number(process.env.QINGDAN_SOAK_MINUTES ?? 1),
      workers: 16,
      warmUpMs: 20_000,
    });
    console.log(
      `soak: ${r.requests} requests (${r.perSecond}/s), ${r.errors} errors, memory after warm-up ${r.rssMbAfterWarmUp.first} → ${r.rssMbAfterWarmUp.last} MB (${r.driftPercent} %)`,
    );
    expect(r.sampleErrors).toEqual([]);
    expect(r.errors).toBe(0);
    // Growth after warm-up (memory read after a full collection) is what would show a leak.
    expect(r.driftPercent).toBeLessThanOrEqual(10);
  }, 180_000);
});
