/**
 * One handler per action of the lifecycle table (problems.lifecycle.ts), each typed by its body's schema
 * (problems.schema.ts `ActionBodies`): the compiler checks that every action has exactly one.
 */
import type { ActionHandlers } from './handler.ts';
import { delegationHandlers } from './delegation.ts';
import { followUpHandlers } from './followUp.ts';
import { intakeHandlers } from './intake.ts';
import { superviseHandlers } from './supervise.ts';
import { workHandlers } from './work.ts';

/** The handler of each action. */
export const ACTION_HANDLERS: ActionHandlers = {
  ...intakeHandlers,
  ...workHandlers,
  ...followUpHandlers,
  ...superviseHandlers,
  ...delegationHandlers,
};
