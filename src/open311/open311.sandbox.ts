/**
 * The Open311 test endpoint: a sandbox jurisdiction beside a real one. It has its own jurisdiction id,
 * its own copy of the reference data (services, divisions, time limits) and its own keys, so requests a
 * client posts while trying its integration live in the sandbox alone and never reach the real
 * jurisdiction's lists, KPIs, results or dashboard (every table is keyed by the jurisdiction).
 */
import type { AppContext } from '../platform/context.ts';
import { createApiKey } from '../modules/auth/index.ts';
import { initJurisdiction, type DivisionSeed } from '../modules/reference/index.ts';
import { open311IdOf } from './open311.calls.ts';

/** The problem number prefix of sandbox requests: a number seen anywhere says it was a test. */
export const SANDBOX_NUMBER_PREFIX = 'TEST';

/** A sandbox as set up: its jurisdiction id, its Open311 id, and a new key (null when it existed). */
export interface Sandbox {
  id: string;
  open311Id: string;
  key: string | null;
}

/**
 * Sets up the sandbox of a real jurisdiction with a key for it (the given one in the demo, else a new
 * random key, shown once). Returns the existing sandbox, without a key, when there is one.
 */
export async function openSandbox(
  ctx: AppContext,
  realId: string,
  opts: { key?: string } = {},
): Promise<Sandbox> {
  const real = ctx.jurisdictions.find((j) => j.id === realId && !j.sandboxOf);
  if (!real) throw new Error(`no real jurisdiction ${realId} to set up a test endpoint for`);
  const existing = ctx.jurisdictions.find((j) => j.sandboxOf === realId);
  if (existing) return { id: existing.id, open311Id: open311IdOf(existing), key: null };
  const ref = await ctx.reference.get(realId);
  const divisions: DivisionSeed[] = [...ref.divisions.values()]
    .sort((a, b) => a.code.length - b.code.length || a.code.localeCompare(b.code))
    .map((d) => ({
      code: d.code,
      name: d.name,
      parentCode: d.parentCode,
      level: d.level as DivisionSeed['level'],
    }));
  const county = [...ref.divisions.values()].find((d) => d.level === 'county');
  const id = `${realId}-test`;
  const open311Id = `test.${open311IdOf(real)}`;
  await initJurisdiction(ctx, {
    id,
    name: `${real.name}（测试）`,
    open311Id,
    numberPrefix: SANDBOX_NUMBER_PREFIX,
    divisions,
    seat: county && county.lat !== null && county.lng !== null ? [county.lat, county.lng] : undefined,
    sandboxOf: realId,
  });
  const k = await createApiKey(ctx, id, 'Open311 测试端点 / test endpoint', null, opts.key);
  return { id, open311Id, key: k.key };
}
