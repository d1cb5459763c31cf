/**
 * A transition table for any resident-service module, in the pattern of `problems.lifecycle.ts`: each
 * action names the states it may start from, the state it leads to and the relations that may take it.
 * A module declares its table once; the API, the UI (`allowedActions`) and the tests all read it.
 * As in the core, a caller without the relation gets 403 whatever the state, and a caller with it gets
 * 409 when the current state does not allow the action.
 */
import { conflict, forbidden } from '../../platform/errors.ts';

/** One action of a table. */
export interface TransitionRule<S extends string, R extends string> {
  /** States the action may start from. */
  from: readonly S[];
  /** The resulting state; `null` keeps the current one. */
  to: S | null;
  /** Any of these relations allows the action. */
  who: readonly R[];
  /** Chinese label, shown in the log and in messages. */
  label: string;
}

/** A module's whole table: action name → rule. */
export type TransitionTable<A extends string, S extends string, R extends string> = Readonly<
  Record<A, TransitionRule<S, R>>
>;

/** The outcome of asking whether an action may be taken. */
export type Decision<S extends string> =
  { ok: true; to: S } | { ok: false; status: 403 | 409; message: string };

/** A table with its state labels, and the questions every module asks of it. */
export interface Lifecycle<A extends string, S extends string, R extends string> {
  readonly actions: readonly A[];
  readonly table: TransitionTable<A, S, R>;
  readonly labels: Readonly<Record<S, string>>;
  /** Whether a string names an action of the table. */
  isAction(name: string): name is A;
  /** Whether `relations` may take `action` from `status`: 403, 409, or the next state. */
  decide(action: A, status: S, relations: ReadonlySet<R>): Decision<S>;
  /** Like `decide`, throwing the 403 or 409 as an AppError. */
  enforce(action: A, status: S, relations: ReadonlySet<R>): S;
  /** The actions `relations` may take from `status`, in table order. */
  allowedActions(status: S, relations: ReadonlySet<R>): A[];
}

/** Builds the questions of a table (`actions` fixes the order for `allowedActions`). */
export function lifecycle<A extends string, S extends string, R extends string>(
  actions: readonly A[],
  table: TransitionTable<A, S, R>,
  labels: Readonly<Record<S, string>>,
): Lifecycle<A, S, R> {
  const decide = (action: A, status: S, relations: ReadonlySet<R>): Decision<S> => {
    const rule = table[action];
    if (!rule.who.some((w) => relations.has(w)))
      return { ok: false, status: 403, message: `无权执行「${rule.label}」/ not allowed to ${action}` };
    if (!rule.from.includes(status))
      return {
        ok: false,
        status: 409,
        message: `「${labels[status]}」状态下不能执行「${rule.label}」/ cannot ${action} when ${status}`,
      };
    return { ok: true, to: rule.to ?? status };
  };
  return {
    actions,
    table,
    labels,
    isAction: (name: string): name is A => (actions as readonly string[]).includes(name),
    decide,
    enforce(action, status, relations) {
      const d = decide(action, status, relations);
      if (d.ok) return d.to;
      throw d.status === 403 ? forbidden(d.message) : conflict(d.message);
    },
    allowedActions: (status, relations) => actions.filter((a) => decide(a, status, relations).ok),
  };
}
