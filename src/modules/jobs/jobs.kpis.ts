/**
 * The jobs KPIs (issue 24), for the dashboard and the big screen: registered workers (by priority group,
 * cells under 5 hidden) and employers, open postings and positions, matches, placements, median time to
 * first match, fill and expiry rates, wages confirmed paid (and unpaid ones raised to 区人社局), disputes
 * and days to resolve, station visits. Every figure is counted from the records.
 */
import { hasRole, STAFF_ROLES, type Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { forbidden } from '../../platform/errors.ts';
import { suppressSmallCells } from '../registry/index.ts';
import { jobsKpiRepository as kpi } from './jobs.repository.ts';
import { PRIORITY_GROUPS } from './jobs.schema.ts';

const PLACED = new Set(['on_site', 'completed', 'settled', 'disputed']);

/** The median of numbers, or null for none. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A share as a percentage with one decimal, or null when nothing was counted. */
function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

/** The KPIs of a jurisdiction. */
export async function jobsKpis(ctx: AppContext, p: Principal) {
  // Counts only, with small cells hidden: every staff role may read them, as the dashboard's KPIs.
  if (!hasRole(p, ...STAFF_ROLES)) throw forbidden('仅工作人员与领导可查看 / staff and leaders only');
  const jid = p.jurisdictionId;
  const [workers, employers, postings, apps, visits] = await Promise.all([
    kpi.workers(ctx.db, jid),
    kpi.employerCounts(ctx.db, jid),
    kpi.postingCounts(ctx.db, jid),
    kpi.applications(ctx.db, jid),
    kpi.visitCounts(ctx.db, jid),
  ]);
  const groups = new Map<string, number>(PRIORITY_GROUPS.map((g) => [g, 0]));
  for (const w of workers)
    for (const g of JSON.parse(w.priority_groups) as string[]) groups.set(g, (groups.get(g) ?? 0) + 1);
  const byStatus = (s: string) => postings.find((x) => x.status === s);
  const n = (v: number | string | null | undefined) => Number(v ?? 0);
  const closed = ['filled', 'expired', 'withdrawn', 'taken_down'].reduce(
    (s, st) => s + n(byStatus(st)?.n),
    0,
  );
  const firstMatch = new Map<string, string>();
  for (const a of apps) {
    const prev = firstMatch.get(a.worker_id);
    if (!prev || a.created_at < prev) firstMatch.set(a.worker_id, a.created_at);
  }
  const hoursToFirst = workers
    .filter((w) => firstMatch.has(w.id))
    .map((w) => (Date.parse(firstMatch.get(w.id)!) - Date.parse(w.created_at)) / 3_600_000);
  const done = apps.filter((a) => a.completed_at !== null);
  const paid = apps.filter((a) => a.paid_at !== null);
  const disputes = apps.filter((a) => a.disputed_at !== null);
  const resolved = disputes.filter((a) => a.resolved_at !== null);
  const med = median(hoursToFirst);
  const resolveDays = resolved.map(
    (a) => (Date.parse(a.resolved_at!) - Date.parse(a.disputed_at!)) / 86_400_000,
  );
  return {
    workers: {
      registered: workers.length,
      atStations: workers.filter((w) => w.registered_via === 'station').length,
      byPriorityGroup: suppressSmallCells([...groups].map(([group, count]) => ({ group, count }))),
    },
    employers: {
      registered: employers.reduce((s, e) => s + n(e.n), 0),
      verified: n(employers.find((e) => e.status === 'verified')?.n),
    },
    postings: {
      byStatus: Object.fromEntries(postings.map((x) => [x.status, n(x.n)])),
      open: n(byStatus('open')?.n),
      openPositions: n(byStatus('open')?.heads) - n(byStatus('open')?.filled),
      fillRate: rate(n(byStatus('filled')?.n), closed),
      expiryRate: rate(n(byStatus('expired')?.n), closed),
    },
    matches: apps.length,
    placements: apps.filter((a) => PLACED.has(a.status)).length,
    medianHoursToFirstMatch: med === null ? null : Math.round(med * 10) / 10,
    wages: {
      completed: done.length,
      confirmedPaid: paid.length,
      paidFen: paid.reduce((s, a) => s + n(a.worker_amount_fen ?? a.employer_amount_fen), 0),
      unpaidRaised: apps.filter((a) => a.problem_id !== null).length,
    },
    disputes: {
      total: disputes.length,
      resolved: resolved.length,
      medianDaysToResolve: median(resolveDays) === null ? null : Math.round(median(resolveDays)! * 10) / 10,
    },
    stationVisits: {
      total: visits.reduce((s, v) => s + n(v.n), 0),
      byStation: visits.map((v) => ({ stationId: v.place_id, visits: n(v.n) })),
    },
  };
}
