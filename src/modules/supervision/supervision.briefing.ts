/**
 * The briefing as a Word document (工作简报, issue 22): the campaign's figures in the article's own sentence
 * forms — N名领导干部领衔N个调研课题, 已解决问题 by domain, 融资, 盘活土地 — then a table per domain with its
 * categories, and typical cases with their results. Every figure comes from the records (the statistics
 * and the public results list), written by the same briefing text as GET /api/briefing.
 */
import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { briefing, formatYuan } from '../ledger/index.ts';
import { publicResults, summary, SummaryQuery } from '../stats/index.ts';
import { supervisionRepository } from './supervision.repository.ts';

const percent = (r: number | null) => (r === null ? '—' : `${(Math.round(r * 1000) / 10).toFixed(1)}%`);

/** A table cell with one line of text. */
function cell(text: string, bold = false): TableCell {
  return new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })] });
}

/** The briefing document of a campaign (by id or name) or of the whole jurisdiction, and its file name. */
export async function briefingDocx(
  ctx: AppContext,
  p: Principal | null,
  jid: string,
  campaign: string | undefined,
): Promise<{ docx: Buffer; name: string }> {
  const b = await briefing(ctx, p, jid, { campaign });
  const campaignId = b.scope.campaignId ?? undefined;
  const ref = await ctx.reference.get(jid);
  const lead = campaignId ? await supervisionRepository.campaignTopics(ctx.db, jid, campaignId) : null;
  const opening =
    lead && lead.topics > 0
      ? `${lead.officials}名领导干部领衔${lead.topics}个调研课题，走进企业、村（社区）一线。`
      : '';
  const byCategory = await summary(
    ctx,
    p,
    jid,
    SummaryQuery.parse({ campaign: campaignId, groupBy: 'category' }),
  );
  const children: (Paragraph | Table)[] = [
    new Paragraph({ text: '工作简报', heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER }),
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [
        new TextRun({
          text: `${b.scope.jurisdiction}${b.scope.campaignName ? ` “${b.scope.campaignName}”` : ''}`,
        }),
      ],
    }),
    new Paragraph({ children: [new TextRun({ text: `${opening}${b.text}` })] }),
  ];
  const domains = [...ref.domains.values()].filter((d) => b.figures.byDomain.some((x) => x.code === d.code));
  for (const d of domains) {
    const resolved = b.figures.byDomain.find((x) => x.code === d.code)?.resolved ?? 0;
    children.push(
      new Paragraph({ text: `${d.name}类（已解决问题${resolved}个）`, heading: HeadingLevel.HEADING_1 }),
    );
    const rows = byCategory.groups.filter((g) => g.key && ref.categories.get(g.key)?.domain === d.code);
    children.push(
      new Table({
        width: { size: 100, type: WidthType.PERCENTAGE },
        rows: [
          new TableRow({
            tableHeader: true,
            children: ['问题类别', '收集问题', '已解决', '解决率', '满意率'].map((h) => cell(h, true)),
          }),
          ...rows.map(
            (g) =>
              new TableRow({
                children: [
                  cell(g.label),
                  cell(String(g.received)),
                  cell(String(g.resolved)),
                  cell(percent(g.resolutionRate)),
                  cell(percent(g.satisfactionRate)),
                ],
              }),
          ),
        ],
      }),
    );
    const cases = await publicResults(ctx, jid, {
      campaign: campaignId,
      domain: d.code,
      page: 1,
      pageSize: 20,
    });
    // Typical cases: those whose results carry figures first, then the latest.
    const typical = cases.items
      .filter((c) => c.result)
      .sort((a, b2) => (b2.result!.indicators.length > 0 ? 1 : 0) - (a.result!.indicators.length > 0 ? 1 : 0))
      .slice(0, 2);
    if (typical.length) children.push(new Paragraph({ text: '典型案例', heading: HeadingLevel.HEADING_2 }));
    for (const c of typical) {
      const figures = c.result!.indicators.map(
        (i) => `${i.name}${i.unit === '元' ? formatYuan(i.value) : `${i.value}${i.unit}`}`,
      );
      children.push(
        new Paragraph({
          children: [
            new TextRun({ text: `${c.number} ${c.title}`, bold: true }),
            new TextRun({
              text: `（${c.leadUnit ?? ''}）：${c.result!.summary}${figures.length ? `成效：${figures.join('，')}。` : ''}`,
            }),
          ],
        }),
      );
    }
  }
  const doc = new Document({
    creator: 'Qingdan',
    title: '工作简报',
    styles: { default: { document: { run: { font: 'SimSun', size: 24 } } } },
    sections: [{ children }],
  });
  return {
    docx: await Packer.toBuffer(doc),
    name: `工作简报-${b.scope.campaignName ?? b.scope.jurisdiction}.docx`,
  };
}
