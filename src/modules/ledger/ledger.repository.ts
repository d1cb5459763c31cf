import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Values per IN list. */
const IN_BATCH = 500;

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** All SQL of the ledger: lookups for the export, and lookups and batched writes for the import. */
export const ledgerRepository = {
  /** The topics of a jurisdiction (a few dozen), with their campaign and lead official. */
  topics(db: Db, jurisdictionId: string) {
    return db
      .selectFrom('topics')
      .select(['id', 'title', 'campaign_id', 'lead_official_name'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .execute();
  },

  /** A campaign by id or by its exact name. */
  findCampaign(db: Db, jurisdictionId: string, idOrName: string) {
    return db
      .selectFrom('campaigns')
      .select(['id', 'name'])
      .where('jurisdiction_id', '=', jurisdictionId)
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .executeTakeFirst();
  },

  /** Progress notes (进展) and import records of the given problems, oldest first. */
  async progressActions(db: Db, jurisdictionId: string, problemIds: string[]) {
    const out: {
      problem_id: string;
      action: string;
      note: string | null;
      data: string;
      created_at: string;
    }[] = [];
    for (const ids of chunks(problemIds, IN_BATCH)) {
      const rows = await db
        .selectFrom('actions')
        .select(['problem_id', 'action', 'note', 'data', 'created_at'])
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('problem_id', 'in', ids)
        .where('action', 'in', ['progress', 'import'])
        .orderBy('seq')
        .execute();
      out.push(...rows);
    }
    return out;
  },

  /** Which of the given numbers are taken already. */
  async existingNumbers(db: Db, jurisdictionId: string, numbers: string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const part of chunks(numbers, IN_BATCH)) {
      const rows = await db
        .selectFrom('problems')
        .select('number')
        .where('jurisdiction_id', '=', jurisdictionId)
        .where('number', 'in', part)
        .execute();
      for (const r of rows) out.add(r.number);
    }
    return out;
  },

  /** How many problems the database holds, in every jurisdiction (sizes a bulk load against the table). */
  async problemCount(db: Db): Promise<number> {
    const r = await db
      .selectFrom('problems')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },

  /** Raises a counter to at least `value`, so that numbers made later never collide with imported ones. */
  async raiseCounter(db: Db, jurisdictionId: string, name: string, value: number): Promise<void> {
    await db
      .insertInto('counters')
      .values({ jurisdiction_id: jurisdictionId, name, value })
      .onConflict((oc) =>
        oc.columns(['jurisdiction_id', 'name']).doUpdateSet({
          value: sql<number>`case when counters.value < excluded.value then excluded.value else counters.value end`,
        }),
      )
      .execute();
  },
};
