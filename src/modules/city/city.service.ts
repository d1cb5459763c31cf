/**
 * The city's office (市督查室) sees its districts' KPIs and unit scores side by side. Each district is its
 * own jurisdiction and stays isolated: the city reads only the public aggregates each district publishes
 * (the same figures `GET /api/stats/summary` gives anyone), never a problem, a reporter or a log entry.
 * It is the one read that spans jurisdictions, and it spans only their aggregates.
 */
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { districtsOf } from '../../platform/jurisdictions.ts';
import { summary, SummaryQuery, type Kpis } from '../stats/index.ts';
import { publicUnitScores } from '../supervision/index.ts';
import { mayCompareDistricts } from './city.policy.ts';
import type { CityQuery, CityView, District } from './city.schema.ts';

/** KPIs of nothing: a district without problems in the month (counts 0, rates unknown). */
function emptyKpis(totals: Kpis): Kpis {
  const zero = Object.fromEntries(
    Object.entries(totals).map(([k, v]) => [k, typeof v === 'number' && !/Rate$|^avg/.test(k) ? 0 : null]),
  ) as unknown as Kpis;
  return { ...zero, indicators: totals.indicators.map((i) => ({ ...i, value: 0 })) };
}

/** The districts of the caller's city with their figures; 404 for a jurisdiction that has none below it. */
export async function cityView(ctx: AppContext, p: Principal, query: CityQuery): Promise<CityView> {
  if (!mayCompareDistricts(p))
    throw forbidden('仅市级督查室和领导可查看 / only the city office and leaders compare districts');
  const city = ctx.jurisdictions.find((j) => j.id === p.jurisdictionId);
  const districts = districtsOf(ctx, p.jurisdictionId);
  // Below a city there is no city view to show (not a refusal of the caller: nothing to compare).
  if (!city || districts.length === 0)
    throw new AppError(404, 'not_found', '本辖区下没有区县 / this jurisdiction has no districts below it');
  const byMonth = await Promise.all(
    districts.map((d) => summary(ctx, null, d.id, SummaryQuery.parse({ groupBy: 'month' }))),
  );
  // Without a month asked for: the latest month in which any district received a problem.
  const months = byMonth.flatMap((s) => s.groups.map((g) => g.key).filter((k): k is string => !!k));
  const month = query.month ?? (months.sort().at(-1) || ctx.clock.now().toISOString().slice(0, 7));
  const out: District[] = [];
  for (const [i, d] of districts.entries()) {
    const s = byMonth[i]!;
    const scores = await publicUnitScores(ctx, d.id, month);
    const inMonth = s.groups.find((g) => g.key === month);
    out.push({
      jurisdictionId: d.id,
      divisionCode: d.divisionCode,
      name: d.name,
      totals: s.totals,
      month: inMonth ? stripGroup(inMonth) : emptyKpis(s.totals),
      units: scores.items.map((u) => ({
        rank: u.rank,
        unitId: u.unitId,
        name: u.name,
        score: u.score,
        received: u.counts.received,
        closed: u.counts.closed,
      })),
    });
  }
  out.sort((a, b) => a.divisionCode.localeCompare(b.divisionCode));
  return { city: { divisionCode: city.divisionCode, name: city.name }, month, districts: out };
}

/** A group's KPIs without its key and label. */
function stripGroup(g: Kpis & { key: string | null; label: string }): Kpis {
  const { key: _key, label: _label, ...kpis } = g;
  return kpis;
}
