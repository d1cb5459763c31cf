import type { ReferenceData } from '../reference/index.ts';

/** The deadlines of a problem dispatched (or reopened) at `from`: its time-limit rule on the working-day calendar. */
export function deadlines(ref: ReferenceData, categoryCode: string, urgency: string, from: Date) {
  const rule = ref.ruleFor(categoryCode, urgency);
  return {
    respondDueAt: ref.calendar.addWorkingHours(from, rule.respondHours).toISOString(),
    closeDueAt: ref.calendar.addWorkingDays(from, rule.closeDays).toISOString(),
    rule,
  };
}
