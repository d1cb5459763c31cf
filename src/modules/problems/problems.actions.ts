/**
 * Taking an action on a problem (DESIGN §2, §5): who may (403), from which status (409), with what body
 * (400), then the action's handler (handlers/) decides the change, which is written through the funnel
 * (problems.changes.ts) with its log entry, attachments and notices in one transaction.
 */
import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { idempotencyRepository } from '../../platform/idempotency.repository.ts';
import { linkAttachments } from '../attachments/index.ts';
import { ACTION_HANDLERS } from './handlers/index.ts';
import type { ActionEffect } from './handlers/handler.ts';
import { changeProblem, ConcurrentChange, type IdempotencyRef } from './problems.changes.ts';
import {
  ACTIONS,
  DELEGATION_LABELS,
  delegationFrom,
  delegationOf,
  STATUS_LABELS,
  TRANSITIONS,
  transitionFrom,
  type ActionName,
  type Status,
} from './problems.lifecycle.ts';
import { actorOf } from './problems.log.ts';
import { roleDenial } from './problems.policy.ts';
import { getProblem, loadVisible } from './problems.read.ts';
import { mayMessageReporter, notifyReporter } from './reporterNotifier.ts';
import { problemsRepository } from './problems.repository.ts';
import { ActionBodies, type ActionBody, type ProblemDetail } from './problems.schema.ts';
import { issueDetail } from '../../kernel/apiText.ts';
import { reporterNotice } from './reporterNotices.ts';

/** The body schema of each action, typed by its action. */
const BODIES: { [A in ActionName]: z.ZodType<ActionBody<A>> } = ActionBodies;

/** Whether a path segment names an action of the table. */
function isActionName(action: string): action is ActionName {
  return (ACTIONS as readonly string[]).includes(action);
}

/** The log entry's note when the handler gives none: the body's reason, note, summary or comment. */
function defaultNote(body: object): string | null {
  for (const key of ['reason', 'note', 'summary', 'comment'])
    if (key in body) {
      const v: unknown = (body as Record<string, unknown>)[key];
      if (typeof v === 'string') return v;
    }
  return null;
}

/**
 * Takes an action on a problem: checks the role (403), then the status (409), validates the body (400),
 * and writes the new state and the log entry in one transaction. Retries once on a concurrent change.
 */
export async function act(
  ctx: AppContext,
  p: Principal,
  id: string,
  action: string,
  rawBody: unknown,
  opts: { idempotency?: IdempotencyRef; within?: WithinAction } = {},
): Promise<ProblemDetail> {
  if (!isActionName(action)) throw notFound(`action ${action}`);
  await write(ctx, p, id, action, rawBody, opts);
  // The problem is read again only for an action that may send its reporter a message.
  const after = mayMessageReporter(action)
    ? await problemsRepository.findById(ctx.db, p.jurisdictionId, id)
    : undefined;
  if (after) await notifyReporter(ctx, after, action);
  return getProblem(ctx, p, id);
}

/** Writes that belong to an action and go into its transaction (e.g. the follow-up call that rated). */
export type WithinAction = (trx: Transaction<DB>) => Promise<void>;

/** The outcome of one problem of a batch action. */
export interface BatchOutcome {
  id: string;
  ok: boolean;
  status?: number;
  message?: string;
}

/** Takes one action on several problems, each on its own: a refusal of one does not stop the others. */
export async function actOnMany(
  ctx: AppContext,
  p: Principal,
  ids: string[],
  action: ActionName,
  body: unknown,
): Promise<{ results: BatchOutcome[]; succeeded: number; failed: number }> {
  const results: BatchOutcome[] = [];
  for (const id of ids) {
    try {
      await act(ctx, p, id, action, body);
      results.push({ id, ok: true });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ id, ok: false, status: err.statusCode, message: err.message });
    }
  }
  const succeeded = results.filter((r) => r.ok).length;
  return { results, succeeded, failed: results.length - succeeded };
}

async function write<A extends ActionName>(
  ctx: AppContext,
  p: Principal,
  id: string,
  name: A,
  rawBody: unknown,
  opts: { idempotency?: IdempotencyRef; within?: WithinAction },
): Promise<void> {
  const parsed = BODIES[name].safeParse(rawBody ?? {});
  for (let attempt = 0; ; attempt++) {
    try {
      await ctx.database.write(async (trx) => {
        const { row, facts } = await loadVisible(ctx, trx, p, id);
        const denial = roleDenial(p, facts, name);
        if (denial) throw forbidden(denial);
        const to = transitionFrom(name, row.status as Status);
        if (to === 'not_allowed')
          throw conflict(
            `「${STATUS_LABELS[row.status as Status]}」状态下不能执行「${TRANSITIONS[name].label}」/ cannot ${name} a problem that is ${row.status}`,
          );
        const part = delegationOf(row.delegate_state);
        if (delegationFrom(name, part) === 'not_allowed')
          throw conflict(
            `村级办理「${DELEGATION_LABELS[part]}」时不能执行「${TRANSITIONS[name].label}」/ cannot ${name} while the village's part is ${part}`,
          );
        if (!parsed.success) {
          const details = parsed.error.issues.map(issueDetail);
          throw badRequest(details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
        }
        await apply(ctx, trx, p, row, name, to, parsed.data);
        if (opts.within) await opts.within(trx);
        if (opts.idempotency)
          await idempotencyRepository.markCommitted(
            trx,
            p.jurisdictionId,
            opts.idempotency.principal,
            opts.idempotency.key,
            200,
            id,
          );
      });
      return;
    } catch (err) {
      if (err instanceof ConcurrentChange && attempt < 2) continue;
      if (err instanceof ConcurrentChange)
        throw conflict('the problem was changed at the same time; reload and try again');
      throw err;
    }
  }
}

/** Runs the action's handler and writes what it decided, in the action's transaction. */
async function apply<A extends ActionName>(
  ctx: AppContext,
  trx: Transaction<DB>,
  p: Principal,
  row: Awaited<ReturnType<typeof loadVisible>>['row'],
  name: A,
  to: Status,
  body: ActionBody<A>,
): Promise<void> {
  const ref = await ctx.reference.get(row.jurisdiction_id);
  const now = ctx.clock.now();
  const at = now.toISOString();
  const part = delegationFrom(name, delegationOf(row.delegate_state));
  const effect: ActionEffect = {
    patch: {
      status: to,
      updated_at: at,
      ...(part !== 'unchanged' && part !== 'not_allowed' ? { delegate_state: part } : {}),
    },
    note: defaultNote(body),
    data: {},
    attachments: [],
    notices: [],
    after: [],
  };
  await ACTION_HANDLERS[name]({ ctx, trx, p, row, ref, now, at, body }, effect);
  const logged = await changeProblem(trx, row, effect.patch, {
    action: name,
    actor: actorOf(p),
    note: effect.note,
    data: effect.data,
    public: TRANSITIONS[name].public,
    at,
  });
  if (effect.attachments.length)
    await linkAttachments(ctx, trx, p, effect.attachments, { problemId: row.id, actionId: logged.id });
  for (const f of effect.after) await f();
  const told = reporterNotice(row, name, at, effect.note);
  if (told) effect.notices.push(told);
  await problemsRepository.insertNotifications(trx, effect.notices);
}
