import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/schema.ts';
import type { AppContext } from './context.ts';

/** Reads the jurisdictions this installation serves into the context (after init or seed). */
export async function reloadJurisdictions(ctx: AppContext): Promise<void> {
  const rows = await ctx.db.selectFrom('jurisdictions').selectAll().orderBy('created_at').execute();
  ctx.jurisdictions = rows.map((r) => ({
    id: r.id,
    name: r.name,
    open311Id: r.open311_id,
    numberPrefix: r.number_prefix,
    divisionCode: r.division_code,
    sandboxOf: r.sandbox_of,
  }));
  await Promise.all(rows.map((r) => ctx.reference.invalidate(r.id)));
}

/** What a jurisdiction's settings say, each part read leniently: a part that is not as expected is unset. */
export interface JurisdictionSettings {
  /** The phones the demo seeded (`demo.codePhones`), whose one-time codes the answer may show. */
  demoCodePhones: string[];
  /** The unit scoring weights it sets (`scoring.weights`), checked by the supervision module. */
  scoringWeights: Record<string, unknown>;
  /** The rules of the units' yellow and red cards it sets (`cards`), checked by the supervision module. */
  cards: Record<string, unknown>;
}

const Settings = z.object({
  demo: z
    .object({ codePhones: z.array(z.unknown()) })
    .partial()
    .catch({}),
  scoring: z
    .object({ weights: z.record(z.string(), z.unknown()) })
    .partial()
    .catch({}),
  cards: z.record(z.string(), z.unknown()).catch({}),
});

/** Reads a jurisdiction's settings (the one reader of the `settings` column). */
export async function jurisdictionSettings(
  db: Kysely<DB> | Transaction<DB>,
  jurisdictionId: string,
): Promise<JurisdictionSettings> {
  const r = await db
    .selectFrom('jurisdictions')
    .select('settings')
    .where('id', '=', jurisdictionId)
    .executeTakeFirst();
  let json: unknown = {};
  try {
    json = JSON.parse(r?.settings ?? '{}');
  } catch {
    json = {};
  }
  const s = Settings.catch({ demo: {}, scoring: {}, cards: {} }).parse(json);
  return {
    demoCodePhones: (s.demo.codePhones ?? []).filter((p): p is string => typeof p === 'string'),
    scoringWeights: s.scoring.weights ?? {},
    cards: s.cards,
  };
}

/** Whether `code` is a district (or county) of the city `cityCode` (GB/T 2260: a city is `XXXX00`). */
export function isDistrictOf(cityCode: string, code: string): boolean {
  return (
    /^\d{4}00$/.test(cityCode) &&
    !cityCode.endsWith('0000') &&
    /^\d{6}$/.test(code) &&
    code !== cityCode &&
    code.slice(0, 4) === cityCode.slice(0, 4)
  );
}

/** The jurisdictions served here that are districts of `cityId` (none when it is not a city). */
export function districtsOf(ctx: AppContext, cityId: string) {
  const city = ctx.jurisdictions.find((j) => j.id === cityId);
  return city
    ? ctx.jurisdictions.filter((j) => !j.sandboxOf && isDistrictOf(city.divisionCode, j.divisionCode))
    : [];
}

/** The signed-in user's jurisdiction as the console shows it (`GET /api/auth/me`). */
export const JurisdictionLevel = z.object({
  id: z.string(),
  name: z.string(),
  divisionCode: z.string(),
  /** `city`: reads its districts' figures only (全市概览); `district`: runs the problem list. */
  level: z.enum(['city', 'district']),
});
export type JurisdictionLevel = z.infer<typeof JurisdictionLevel>;

/**
 * A jurisdiction as the console names it, with its level: a city (with districts served below it) reads
 * only the districts' figures; a district (or county) runs the problem list.
 */
export function jurisdictionLevel(ctx: AppContext, id: string): JurisdictionLevel | null {
  const j = ctx.jurisdictions.find((x) => x.id === id);
  if (!j) return null;
  const level = districtsOf(ctx, id).length ? ('city' as const) : ('district' as const);
  return { id: j.id, name: j.name, divisionCode: j.divisionCode, level };
}
