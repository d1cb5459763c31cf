/**
 * The briefing (工作简报): the campaign's figures written in the article's form, e.g.
 * "……共收集问题N个，已解决问题104个，其中企业发展类15个、营商环境类36个、民生保障类53个；帮助3家企业获得融资3500万元，
 * 盘活闲置土地34.23亩……". Every figure comes from the statistics module, never from constants.
 */
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
// The stats module has no index.ts yet; its service is the public surface used here.
import { summary } from '../stats/index.ts';
import { ledgerRepository } from './ledger.repository.ts';
import type { Briefing, BriefingQuery } from './ledger.schema.ts';

/** '3500万元', '1.2亿元', '800元'. */
export function formatYuan(v: number): string {
  const trim = (x: number) => String(Math.round(x * 100) / 100);
  if (v >= 100_000_000) return `${trim(v / 100_000_000)}亿元`;
  if (v >= 10_000) return `${trim(v / 10_000)}万元`;
  return `${trim(v)}元`;
}

const percent = (r: number | null) => (r === null ? null : `${(Math.round(r * 1000) / 10).toFixed(1)}%`);
const plain = (v: number) => String(Math.round(v * 100) / 100);

/** The phrases for the result indicators, in the article's wording; unknown indicators read "name value unit". */
function indicatorPhrases(indicators: Briefing['figures']['indicators']): string[] {
  const value = (code: string) => indicators.find((i) => i.code === code)?.value ?? 0;
  const out: string[] = [];
  const firms = value('financed_enterprises');
  const amount = value('financing_amount');
  if (firms > 0 && amount > 0) out.push(`帮助${plain(firms)}家企业获得融资${formatYuan(amount)}`);
  else if (amount > 0) out.push(`促成融资${formatYuan(amount)}`);
  else if (firms > 0) out.push(`帮助${plain(firms)}家企业获得融资`);
  const wording: Record<string, (v: number) => string> = {
    idle_land_area: (v) => `盘活闲置土地${plain(v)}亩`,
    investment_amount: (v) => `引进投资${formatYuan(v)}`,
    new_jobs: (v) => `新增就业${plain(v)}人`,
    residents_served: (v) => `惠及群众${plain(v)}人次`,
    days_saved: (v) => `压缩办理时限${plain(v)}天`,
    fees_reduced: (v) => `减免费用${formatYuan(v)}`,
  };
  for (const i of indicators) {
    if (i.code === 'financed_enterprises' || i.code === 'financing_amount' || i.value <= 0) continue;
    const w = wording[i.code];
    out.push(
      w ? w(i.value) : `${i.name}${i.unit === '元' ? formatYuan(i.value) : `${plain(i.value)}${i.unit}`}`,
    );
  }
  return out;
}

/** Writes the briefing for a campaign (by id or name), or for the whole jurisdiction without one. */
export async function briefing(
  ctx: AppContext,
  p: Principal | null,
  jid: string,
  q: BriefingQuery,
): Promise<Briefing> {
  let campaign: { id: string; name: string } | null = null;
  if (q.campaign) {
    campaign = (await ledgerRepository.findCampaign(ctx.db, jid, q.campaign)) ?? null;
    if (!campaign) throw notFound(`campaign ${q.campaign}`);
  }
  const ref = await ctx.reference.get(jid);
  // The briefing is written in Chinese: its figures keep the Chinese names whatever the caller's language.
  const s = await summary(
    ctx,
    p,
    jid,
    { campaign: campaign?.id, township: q.township, from: q.from, to: q.to, groupBy: 'domain' },
    'zh',
  );
  const domainOrder = [...ref.domains.keys()];
  const byDomain = s.groups
    .filter((g) => g.key !== null)
    .sort((a, b) => domainOrder.indexOf(a.key!) - domainOrder.indexOf(b.key!))
    .map((g) => ({ code: g.key, name: g.label, resolved: g.resolved }));
  const figures: Briefing['figures'] = {
    received: s.totals.received,
    resolved: s.totals.resolved,
    byDomain,
    indicators: s.totals.indicators,
    resolutionRate: s.totals.resolutionRate,
    satisfactionRate: s.totals.satisfactionRate,
    onTimeRate: s.totals.onTimeRate,
  };

  const jurisdiction = ctx.jurisdictions.find((j) => j.id === jid)?.name ?? '';
  const township = q.township ? (ref.divisionName(q.township) ?? '') : '';
  const opening = campaign
    ? `${jurisdiction}${township}“${campaign.name}”活动开展以来`
    : `${jurisdiction}${township}问题清单工作开展以来`;
  const solvedParts = byDomain.filter((d) => d.resolved > 0).map((d) => `${d.name}类${d.resolved}个`);
  let text = `${opening}，共收集问题${figures.received}个，已解决问题${figures.resolved}个`;
  if (solvedParts.length) text += `，其中${solvedParts.join('、')}`;
  const phrases = indicatorPhrases(figures.indicators);
  text += phrases.length ? `；${phrases.join('，')}。` : '。';
  const rates = [
    ['问题解决率', percent(figures.resolutionRate)],
    ['按期办结率', percent(figures.onTimeRate)],
    ['群众满意率', percent(figures.satisfactionRate)],
  ].filter(([, v]) => v !== null);
  if (rates.length) text += `${rates.map(([k, v]) => `${k}${v}`).join('，')}。`;
  return {
    text,
    scope: { jurisdiction, campaignId: campaign?.id ?? null, campaignName: campaign?.name ?? null },
    figures,
  };
}
