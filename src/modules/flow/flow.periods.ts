/**
 * Timed periods (DESIGN §3): where time is the measure of a service (waiting for acceptance, serving at
 * the door, a counter's queue), the period is read from the action log: from the first entry that
 * enters a state to the first that leaves it.
 */

/** A log entry as periods need it. */
export interface TimedEntry {
  toStatus: string | null;
  fromStatus: string | null;
  at: string;
}

/** A named period: from entering any of `start` to entering any of `end`. */
export interface PeriodRule {
  name: string;
  start: readonly string[];
  end: readonly string[];
}

/** A measured period; `endedAt` null while it runs, `seconds` then counts up to `now`. */
export interface Period {
  name: string;
  startedAt: string;
  endedAt: string | null;
  seconds: number;
}

/** The periods of one record's log (oldest first), each measured once from its first start. */
export function periodsOf(entries: readonly TimedEntry[], rules: readonly PeriodRule[], now: Date): Period[] {
  const out: Period[] = [];
  for (const rule of rules) {
    const startIdx = entries.findIndex((e) => e.toStatus !== null && rule.start.includes(e.toStatus));
    if (startIdx < 0) continue;
    const started = entries[startIdx]!;
    const ended = entries
      .slice(startIdx + 1)
      .find((e) => e.toStatus !== null && rule.end.includes(e.toStatus));
    const endMs = ended ? Date.parse(ended.at) : now.getTime();
    out.push({
      name: rule.name,
      startedAt: started.at,
      endedAt: ended?.at ?? null,
      seconds: Math.max(0, Math.round((endMs - Date.parse(started.at)) / 1000)),
    });
  }
  return out;
}
