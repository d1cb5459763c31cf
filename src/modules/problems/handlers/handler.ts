/** What an action handler is given and what it decides (see problems.actions.ts, which applies it). */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import { uuidv7 } from '../../../kernel/ids.ts';
import type { Principal } from '../../../kernel/roles.ts';
import type { AppContext } from '../../../platform/context.ts';
import type { ReferenceData } from '../../reference/index.ts';
import type { ActionName } from '../problems.lifecycle.ts';
import type { ProblemRow } from '../problems.repository.ts';
import type { ActionBody } from '../problems.schema.ts';

/** What a handler is given: the problem as read in the action's transaction, who acts, when, and the body. */
export interface ActionInput<A extends ActionName> {
  ctx: AppContext;
  trx: Kysely<DB> | Transaction<DB>;
  p: Principal;
  row: ProblemRow;
  ref: ReferenceData;
  now: Date;
  at: string;
  body: ActionBody<A>;
}

/** A row of the inbox. */
export type Notice = Selectable<DB['notifications']>;

/**
 * What a handler decides beyond the transition's status, applied in the same transaction: the row's other
 * columns (through the funnel), the log entry's note and data, attachments to link, notices for the inbox,
 * and writes that must follow the change (units, results, merged problems, an automatic reopen).
 */
export interface ActionEffect {
  patch: Partial<ProblemRow>;
  note: string | null;
  data: Record<string, unknown>;
  attachments: string[];
  notices: Notice[];
  after: (() => Promise<void>)[];
}

/** One action's rule: checks the body against the problem and the reference data (4xx), fills the effect. */
export type ActionHandler<A extends ActionName> = (
  input: ActionInput<A>,
  effect: ActionEffect,
) => void | Promise<void>;

/** A handler for each action. */
export type ActionHandlers = { [A in ActionName]: ActionHandler<A> };

/** A notice about the problem for a unit, a role or a user, made at the action's time. */
export function notice(
  input: { row: ProblemRow; at: string },
  n: {
    unitId?: string | null;
    role?: string | null;
    userId?: string | null;
    kind: string;
    title: string;
    body: string;
  },
): Notice {
  return {
    jurisdiction_id: input.row.jurisdiction_id,
    id: uuidv7(),
    user_id: n.userId ?? null,
    unit_id: n.unitId ?? null,
    role: n.role ?? null,
    kind: n.kind,
    problem_id: input.row.id,
    title: n.title,
    body: n.body,
    created_at: input.at,
    read_at: null,
  };
}
