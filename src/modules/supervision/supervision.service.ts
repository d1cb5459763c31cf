import type ExcelJS from 'exceljs';
import { hasRole, type Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, conflict } from '../../platform/errors.ts';
import { jurisdictionSettings } from '../../platform/jurisdictions.ts';
import { getProblem, overdueByLeadUnit, pressOrdinal } from '../problems/index.ts';
import { summary, SummaryQuery } from '../stats/index.ts';
import { renderPressNotice, type PressNotice } from './supervision.notice.ts';
import { unitScore, weightsFrom, type ScoreComponents, type ScoreWeights } from './supervision.scoring.ts';
import { cardOf, cardRulesFrom, type CardRules } from './supervision.cards.ts';

/** One unit's line in the month's ranking. */
export interface UnitScore {
  rank: number | null;
  unitId: string;
  name: string;
  score: number | null;
  components: ScoreComponents;
  counts: { received: number; accepted: number; closed: number; rated: number };
}

/** The month's ranking of units by score, with the weights used. */
export interface UnitScores {
  month: string;
  from: string;
  to: string;
  weights: ScoreWeights;
  items: UnitScore[];
}

/** The first day of the month after `month` (YYYY-MM). */
function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * The unit scores of a month (考核): each lead unit's rates over the problems received in the month,
 * weighted by the jurisdiction's scoring weights, best first. Units with no problem in the month are left
 * out; those with problems but nothing to score come last, unranked.
 */
export function unitScores(ctx: AppContext, p: Principal, month: string): Promise<UnitScores> {
  return scoresOf(ctx, p, p.jurisdictionId, month);
}

/**
 * A jurisdiction's unit scores of a month from its public figures (published problems, no personal data):
 * what the city's office (市督查室) compares across its districts.
 */
export function publicUnitScores(
  ctx: AppContext,
  jurisdictionId: string,
  month: string,
): Promise<UnitScores> {
  return scoresOf(ctx, null, jurisdictionId, month);
}

/** The unit scores of a month as `p` sees the jurisdiction's problems (the public figures when null). */
async function scoresOf(
  ctx: AppContext,
  p: Principal | null,
  jid: string,
  month: string,
): Promise<UnitScores> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw badRequest('month: 请用 YYYY-MM 格式 / a month as YYYY-MM', [
      { path: 'month', message: 'YYYY-MM' },
    ]);
  const from = `${month}-01`;
  const to = nextMonth(month);
  const weights = weightsFrom((await jurisdictionSettings(ctx.db, jid)).scoringWeights);
  const s = await summary(ctx, p, jid, SummaryQuery.parse({ groupBy: 'unit', from, to }));
  const items = s.groups
    .filter((g) => g.key !== null)
    .map((g) => {
      const components: ScoreComponents = {
        responseRate: g.responseRate,
        onTimeRate: g.onTimeRate,
        resolutionRate: g.resolutionRate,
        satisfactionRate: g.satisfactionRate,
        bounceRate: g.bounceRate,
        reopenRate: g.reopenRate,
      };
      return {
        rank: null as number | null,
        unitId: g.key!,
        name: g.label,
        score: unitScore(components, weights),
        components,
        counts: { received: g.received, accepted: g.accepted, closed: g.closed, rated: g.rated },
      };
    })
    .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name, 'zh'));
  let rank = 0;
  for (const [i, it] of items.entries()) {
    if (it.score === null) continue;
    rank = i > 0 && items[i - 1]!.score === it.score ? rank : i + 1;
    it.rank = rank;
  }
  return { month, from, to, weights, items };
}

/** The month's scores as an .xlsx sheet (排名, 单位, 得分 and each component). */
export async function unitScoresWorkbook(scores: UnitScores): Promise<Buffer> {
  const { default: Excel } = (await import('exceljs')) as unknown as { default: typeof ExcelJS };
  const wb = new Excel.Workbook();
  const ws = wb.addWorksheet(`${scores.month} 考核`);
  const pct = (v: number | null) => (v === null ? '' : Math.round(v * 1000) / 10);
  ws.columns = [
    { header: '排名', key: 'rank', width: 6 },
    { header: '单位', key: 'name', width: 28 },
    { header: '得分', key: 'score', width: 8 },
    { header: '受理数', key: 'accepted', width: 8 },
    { header: '响应率%', key: 'responseRate', width: 9 },
    { header: '按期办结率%', key: 'onTimeRate', width: 11 },
    { header: '解决率%', key: 'resolutionRate', width: 9 },
    { header: '满意率%', key: 'satisfactionRate', width: 9 },
    { header: '退单率%', key: 'bounceRate', width: 9 },
    { header: '重办率%', key: 'reopenRate', width: 9 },
  ];
  for (const it of scores.items)
    ws.addRow({
      rank: it.rank ?? '',
      name: it.name,
      score: it.score ?? '',
      accepted: it.counts.accepted,
      responseRate: pct(it.components.responseRate),
      onTimeRate: pct(it.components.onTimeRate),
      resolutionRate: pct(it.components.resolutionRate),
      satisfactionRate: pct(it.components.satisfactionRate),
      bounceRate: pct(it.components.bounceRate),
      reopenRate: pct(it.components.reopenRate),
    });
  ws.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The 督办单 of a problem as a PDF: numbered by the jurisdiction's count of presses in the year of the
 * last one, with the problem's facts, the lead unit, the deadline and every press note. A problem the
 * caller may not see is a 404; one never pressed has no 督办单 (409).
 */
export async function pressNoticePdf(
  ctx: AppContext,
  p: Principal,
  id: string,
): Promise<{ pdf: Buffer; number: string }> {
  const problem = await getProblem(ctx, p, id);
  const presses = problem.actions.filter((a) => a.action === 'press');
  const last = presses.at(-1);
  if (!last)
    throw conflict('该问题尚未督办，没有督办单 / the problem was never pressed', [
      { path: 'id', message: 'not pressed' },
    ]);
  const year = Number(last.createdAt.slice(0, 4));
  const ordinal = await pressOrdinal(ctx.db, p.jurisdictionId, last.seq, year);
  const jurisdiction = ctx.jurisdictions.find((j) => j.id === p.jurisdictionId);
  // 株洲市荷塘区 → 荷: the district's own name after its city, first character, as office numbers go.
  const short = (jurisdiction?.name ?? '').split('市').pop()?.slice(0, 1) || '督';
  const noticeNumber = `${short}督〔${year}〕第 ${ordinal} 号`;
  const notice: PressNotice = {
    noticeNumber,
    jurisdictionName: jurisdiction?.name ?? '',
    issuedAt: last.createdAt,
    problem: {
      number: problem.number,
      title: problem.title,
      description: problem.description,
      townshipName: problem.townshipName,
      villageName: problem.villageName,
      address: problem.address,
      closeDueAt: problem.closeDueAt,
      leadUnitName: problem.leadUnit?.name ?? '（未交办）',
      supportingUnitNames: problem.supportingUnits.map((u) => u.name),
    },
    presses: presses.map((a) => ({ at: a.createdAt, by: a.actor.name, note: a.note ?? '' })),
  };
  return { pdf: await renderPressNotice(notice), number: noticeNumber };
}

/** A unit's card with the overdue problems behind it. */
export interface UnitCard {
  unitId: string;
  name: string;
  card: 'red' | 'yellow';
  overdue: number;
  pressedOverdue: number;
  problems: { id: string; number: string; title: string; closeDueAt: string; pressed: boolean }[];
}

/**
 * The units holding a card now, red first: all of them for the supervision office and leaders, a handler's
 * own units (its unit and those below) on its home page.
 */
export async function unitCards(
  ctx: AppContext,
  p: Principal,
): Promise<{ rules: CardRules; items: UnitCard[] }> {
  const jid = p.jurisdictionId;
  const rules = cardRulesFrom({ cards: (await jurisdictionSettings(ctx.db, jid)).cards });
  const ref = await ctx.reference.get(jid);
  const scoped = hasRole(p, 'supervisor', 'leader', 'admin') ? null : p.unitIds;
  const rows = await overdueByLeadUnit(ctx.db, jid, ctx.clock.now().toISOString(), scoped);
  const byUnit = new Map<string, typeof rows>();
  for (const r of rows) byUnit.set(r.lead_unit_id!, [...(byUnit.get(r.lead_unit_id!) ?? []), r]);
  const items: UnitCard[] = [];
  for (const [unitId, list] of byUnit) {
    const pressedOverdue = list.filter((r) => r.press_count > 0).length;
    const card = cardOf(list.length, pressedOverdue, rules);
    if (!card) continue;
    items.push({
      unitId,
      name: ref.units.get(unitId)?.name ?? unitId,
      card,
      overdue: list.length,
      pressedOverdue,
      problems: list.map((r) => ({
        id: r.id,
        number: r.number,
        title: r.title,
        closeDueAt: r.close_due_at!,
        pressed: r.press_count > 0,
      })),
    });
  }
  items.sort(
    (a, b) =>
      Number(b.card === 'red') - Number(a.card === 'red') ||
      b.overdue - a.overdue ||
      a.name.localeCompare(b.name, 'zh'),
  );
  return { rules, items };
}
