/**
 * Bridges from the resident services to the core loop (DESIGN §3): a failure becomes a problem with a
 * category, a unit and a deadline (`raiseProblem`), a success adds to a result indicator
 * (`recordIndicator`). Problems are made only through the problems module's public service, so they
 * follow its rules, its log and its deadlines like any other.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest } from '../../platform/errors.ts';
import { act, createProblem } from '../problems/index.ts';
import { bridgesRepository } from './bridges.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Indicators the service modules count, beside the core's (which they may also use). */
export const SERVICE_INDICATORS = {
  care_services: { name: '居家养老服务人次', unit: '人次' },
  meals_served: { name: '助餐人次', unit: '人次' },
  subsidy_fen: { name: '发放补贴（分）', unit: '分' },
  jobs_placed: { name: '就业人数', unit: '人' },
} as const;

/** A failure to hand to the core loop. */
export interface RaiseProblemInput {
  /** The person the problem is reported for (a resident who gave a 差评): they see it as its reporter. */
  reporter: Principal;
  /** The module and record it comes from; written into the description and the dispatch note. */
  module: string;
  refId: string;
  categoryCode: string;
  /** The unit that must handle it (by name, as in the reference data). */
  unitName: string;
  title: string;
  description: string;
  villageCode: string;
  fields?: Record<string, unknown>;
}

/** The problem a failure became. */
export interface RaisedProblem {
  problemId: string;
  number: string;
  status: string;
  unitId: string;
  closeDueAt: string | null;
}

/** The supervisor principal that dispatches a bridged problem on the module's behalf (and reports what a scan finds). */
export function dispatcher(jid: string, module: string): Principal {
  return {
    jurisdictionId: jid,
    userId: null,
    username: `system:${module}`,
    displayName: `${module} 服务平台`,
    roles: ['supervisor'],
    unitId: null,
    unitIds: [],
    scope: { kind: 'jurisdiction', ref: null },
    via: 'api_key',
  };
}

/**
 * Makes a problem of a failure and dispatches it to its unit, whose time rules set the deadline.
 * Runs after the caller's own change has committed (the problems service writes in its own transaction);
 * the caller stores the returned id so that a retry does not raise twice.
 */
export async function raiseProblem(ctx: AppContext, input: RaiseProblemInput): Promise<RaisedProblem> {
  const jid = input.reporter.jurisdictionId;
  const ref = await ctx.reference.get(jid);
  const unit = [...ref.units.values()].find((u) => u.name === input.unitName && u.active);
  if (!unit) throw badRequest(`未知的承办单位 ${input.unitName} / unknown unit`);
  const created = await createProblem(
    ctx,
    input.reporter,
    {
      kind: ref.categories.get(input.categoryCode)?.kind,
      categoryCode: input.categoryCode,
      title: input.title,
      description: `${input.description}\n（来源：${input.module} ${input.refId}）`,
      villageCode: input.villageCode,
      fields: input.fields,
    } as Parameters<typeof createProblem>[2],
    { channel: 'resident' },
  );
  const dispatched = await act(ctx, dispatcher(jid, input.module), created.id, 'dispatch', {
    leadUnitId: unit.id,
    note: `${input.module} ${input.refId} 自动交办`,
  });
  return {
    problemId: dispatched.id,
    number: dispatched.number,
    status: dispatched.status,
    unitId: unit.id,
    closeDueAt: dispatched.closeDueAt ?? null,
  };
}

/** A success to count. */
export interface IndicatorInput {
  code: string;
  module: string;
  refId: string;
  /** Whole units (or fen); stored as given. */
  value: number;
  villageCode: string | null;
  at: string;
}

/**
 * Adds to an indicator inside the caller's transaction, once per record and code (a retried callback
 * counts once). Returns false when that record had counted already.
 */
export async function recordIndicator(db: Db, jid: string, input: IndicatorInput): Promise<boolean> {
  if (!Number.isSafeInteger(input.value)) throw badRequest('indicator value must be an integer');
  if (await bridgesRepository.find(db, jid, input.module, input.refId, input.code)) return false;
  await bridgesRepository.insert(db, {
    jurisdiction_id: jid,
    id: uuidv7(),
    code: input.code,
    module: input.module,
    ref_id: input.refId,
    value_scaled: input.value,
    village_code: input.villageCode,
    occurred_at: input.at,
  });
  return true;
}

/** Sums of indicators in a period [from, to), by code. */
export async function indicatorTotals(
  db: Db,
  jid: string,
  codes: string[],
  from: string,
  to: string,
): Promise<Record<string, number>> {
  const rows = await bridgesRepository.sums(db, jid, codes, from, to);
  const out: Record<string, number> = Object.fromEntries(codes.map((c) => [c, 0]));
  for (const r of rows) out[r.code] = Number(r.total);
  return out;
}
