/**
 * Routing accuracy (issue 22): how often the suggested lead unit is the one that actually led, on problems
 * held out from what the suggestion learned from. Every fifth closed problem (by closing time) is held out;
 * the router learns from the other four fifths, exactly as GET /api/problems/suggest does from the records.
 * Measured with the category (as at dispatch, when the operator has chosen it) and on the words alone.
 *
 * On the demo the texts are a small set of sentences per category and every category goes to one unit, so
 * both figures are high and say mainly that the router learns what the records hold. On generated data the
 * text is assembled from per-category object words and complaint phrases shared by all categories, and the
 * lead unit is a function of the category: "with category" is nearly right by construction; "words only" shows
 * whether the object words alone carry the unit. Neither says how real callers' words would route.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { seedHetang } from '../src/demo/hetang.ts';
import { random } from '../src/kernel/random.ts';
import { rankUnits, trainRouter, type RoutingCase } from '../src/kernel/textModel.ts';
import { readReferenceSnapshot } from '../src/modules/reference/index.ts';
import { createContext } from '../src/server/bootstrap.ts';
import { contextOf, makeProblem } from './synth.ts';

/** One labelled case: what the router sees and the unit that led. */
type Labelled = RoutingCase & { unitId: string };

/** Top-1 and top-3 accuracy of a router learned from four fifths, on the fifth held out. */
export interface Accuracy {
  learnedFrom: number;
  heldOut: number;
  top1: number;
  top3: number;
}

/** The accuracy on held-out cases, with the category or on the words alone. */
export function heldOutAccuracy(cases: Labelled[], withCategory: boolean): Accuracy {
  const train = cases.filter((_, i) => i % 5 !== 4);
  const test = cases.filter((_, i) => i % 5 === 4);
  const model = trainRouter(withCategory ? train : train.map((c) => ({ ...c, categoryCode: null })));
  let top1 = 0;
  let top3 = 0;
  for (const c of test) {
    const ranked = rankUnits(model, { ...c, categoryCode: withCategory ? c.categoryCode : null }, 3);
    if (ranked[0]?.unitId === c.unitId) top1++;
    if (ranked.some((u) => u.unitId === c.unitId)) top3++;
  }
  const pct = (n: number) => Math.round((n / Math.max(1, test.length)) * 1000) / 10;
  return { learnedFrom: train.length, heldOut: test.length, top1: pct(top1), top3: pct(top3) };
}

/** The demo's closed problems and as many generated ones, measured both ways. */
export async function routingAccuracy(generated = 5000) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingdan-routing-'));
  const ctx = await createContext(loadConfig({}, { dataDir, logLevel: 'silent', scheduler: false }), {
    logger: pino({ level: 'silent' }),
  });
  try {
    await seedHetang(ctx, { problems: 'full' });
    const rows = await ctx.db
      .selectFrom('problems')
      .select(['title', 'description', 'category_code', 'township_code', 'lead_unit_id'])
      .where('jurisdiction_id', '=', '430202')
      .where('status', '=', 'closed')
      .where('lead_unit_id', 'is not', null)
      .orderBy('closed_at')
      .orderBy('id')
      .execute();
    const demo: Labelled[] = rows.map((r) => ({
      unitId: r.lead_unit_id!,
      text: `${r.title}\n${r.description}`,
      categoryCode: r.category_code,
      townshipCode: r.township_code,
    }));
    const gen = contextOf('430202', await readReferenceSnapshot(ctx.db, '430202'), Date.UTC(2024, 11, 31));
    const r = random(22);
    const synthetic: Labelled[] = [];
    for (let i = 0; synthetic.length < generated && i < generated * 3; i++) {
      const p = makeProblem(r, gen, i);
      if (p.status === 'closed' && p.leadUnitId)
        synthetic.push({
          unitId: p.leadUnitId,
          text: `${p.title}\n${p.description}`,
          categoryCode: p.categoryCode,
          townshipCode: p.townshipCode,
        });
    }
    return {
      demo: { withCategory: heldOutAccuracy(demo, true), wordsOnly: heldOutAccuracy(demo, false) },
      generated: {
        withCategory: heldOutAccuracy(synthetic, true),
        wordsOnly: heldOutAccuracy(synthetic, false),
      },
    };
  } finally {
    await ctx.database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The figures as a table. */
export function routingTable(a: Awaited<ReturnType<typeof routingAccuracy>>): string {
  const line = (name: string, x: Accuracy) =>
    `| ${name} | ${x.learnedFrom} | ${x.heldOut} | ${x.top1} | ${x.top3} |`;
  return [
    'routing suggestion, held-out accuracy (every 5th closed problem held out):',
    '| data | learned from | held out | top-1 % | top-3 % |',
    '|---|---|---|---|---|',
    line('demo, with category', a.demo.withCategory),
    line('demo, words only', a.demo.wordsOnly),
    line('generated, with category', a.generated.withCategory),
    line('generated, words only', a.generated.wordsOnly),
  ].join('\n');
}
