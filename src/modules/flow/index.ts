export {
  lifecycle,
  type Lifecycle,
  type TransitionRule,
  type TransitionTable,
  type Decision,
} from './flow.transitions.ts';
export {
  appendLog,
  lastLogSeq,
  moduleVersion,
  moduleVersionWithout,
  countApart,
  logVersion,
  logOf,
  actorOf,
  SYSTEM_ACTOR,
  verifyServiceLogs,
  logHashRecord,
  type Actor,
  type LogInput,
  type LogEntry,
  type BrokenLink,
} from './flow.log.ts';
export { periodsOf, type Period, type PeriodRule, type TimedEntry } from './flow.periods.ts';
