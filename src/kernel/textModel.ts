/**
 * Learning from the records which unit handles what (routing suggestion, 智能派单) and how alike two reports
 * read (similar problems). Pure functions over Chinese text: words (Intl.Segmenter) and CJK bigrams, no
 * external model or service. A multinomial naive Bayes over the words of past problems, their category and
 * township ranks the units; the words that weighed most for a unit are its reasons.
 */
import { tokenize } from './text.ts';

/** Words too common in reports to say anything about who handles them. */
const STOPWORDS = new Set([
  '希望',
  '反映',
  '问题',
  '情况',
  '一下',
  '没有',
  '我们',
  '他们',
  '这个',
  '那个',
  '已经',
  '可以',
  '请求',
  '要求',
  '进行',
  '相关',
  '部门',
  '群众',
  '居民',
  '附近',
  '现在',
  '目前',
  '存在',
  '影响',
]);

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The words of a text (two characters or more) and its other CJK bigrams, each once. */
export function textFeatures(text: string): { words: string[]; bigrams: string[] } {
  const words = new Set<string>();
  for (const s of segmenter.segment(text))
    if (s.isWordLike && s.segment.length >= 2 && !STOPWORDS.has(s.segment))
      words.add(s.segment.toLowerCase());
  const bigrams = new Set<string>();
  for (const t of tokenize(text)) if (t.length >= 2 && !STOPWORDS.has(t) && !words.has(t)) bigrams.add(t);
  return { words: [...words], bigrams: [...bigrams] };
}

/** The CJK bigrams (and Latin words) of a text, for comparing texts. */
export function shingles(text: string): Set<string> {
  return new Set(tokenize(text).filter((t) => t.length >= 2));
}

/** Cosine similarity of two sets of shingles, in [0, 1]. */
export function textSimilarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return common / Math.sqrt(a.size * b.size);
}

/** One past problem the router learns from, or a new one to route. */
export interface RoutingCase {
  text: string;
  categoryCode: string | null;
  townshipCode: string | null;
}

/** A feature of a case: a word, the category or the township, with its weight in the score. */
export interface Feature {
  key: string;
  kind: 'word' | 'bigram' | 'category' | 'township';
  value: string;
  weight: number;
}

/** How much a category and a township weigh against one word of the text. */
const WEIGHTS = { word: 1, bigram: 0.5, category: 4, township: 1.5 };
/** Laplace smoothing. */
const ALPHA = 0.5;

/** The features of a case. */
export function caseFeatures(c: RoutingCase): Feature[] {
  const { words, bigrams } = textFeatures(c.text);
  const out: Feature[] = [
    ...words.map((w): Feature => ({ key: `w:${w}`, kind: 'word', value: w, weight: WEIGHTS.word })),
    ...bigrams.map((w): Feature => ({ key: `w:${w}`, kind: 'bigram', value: w, weight: WEIGHTS.bigram })),
  ];
  if (c.categoryCode)
    out.push({
      key: `c:${c.categoryCode}`,
      kind: 'category',
      value: c.categoryCode,
      weight: WEIGHTS.category,
    });
  if (c.townshipCode)
    out.push({
      key: `t:${c.townshipCode}`,
      kind: 'township',
      value: c.townshipCode,
      weight: WEIGHTS.township,
    });
  return out;
}

/** A router learned from past problems: counts per unit and feature. */
export interface RouterModel {
  units: Map<string, { docs: number; total: number; counts: Map<string, number> }>;
  all: { docs: number; total: number; counts: Map<string, number> };
  vocabulary: number;
}

/** Learns a router from past problems, each with the unit that led it. */
export function trainRouter(examples: (RoutingCase & { unitId: string })[]): RouterModel {
  const units: RouterModel['units'] = new Map();
  const all = { docs: 0, total: 0, counts: new Map<string, number>() };
  for (const ex of examples) {
    let u = units.get(ex.unitId);
    if (!u) units.set(ex.unitId, (u = { docs: 0, total: 0, counts: new Map() }));
    u.docs++;
    all.docs++;
    for (const f of caseFeatures(ex)) {
      u.counts.set(f.key, (u.counts.get(f.key) ?? 0) + 1);
      all.counts.set(f.key, (all.counts.get(f.key) ?? 0) + 1);
      u.total++;
      all.total++;
    }
  }
  return { units, all, vocabulary: all.counts.size + 1 };
}

/** A unit ranked for a case: its probability and the features that spoke for it most. */
export interface RankedUnit {
  unitId: string;
  score: number;
  reasons: Feature[];
}

/**
 * The units ranked for a case, best first (at most `limit`): naive Bayes log-likelihoods turned into
 * probabilities over the units; a unit's reasons are the case's features whose share in its past problems
 * most exceeds their share in all problems (at most three). Features never seen in the records are ignored.
 */
export function rankUnits(model: RouterModel, c: RoutingCase, limit = 3): RankedUnit[] {
  if (model.all.docs === 0) return [];
  const feats = caseFeatures(c).filter((f) => model.all.counts.has(f.key));
  const v = model.vocabulary;
  const logP = (counts: Map<string, number>, total: number, key: string) =>
    Math.log(((counts.get(key) ?? 0) + ALPHA) / (total + ALPHA * v));
  const scored = [...model.units.entries()].map(([unitId, u]) => {
    let s = Math.log(u.docs / model.all.docs);
    const lifts: { f: Feature; lift: number }[] = [];
    for (const f of feats) {
      const lp = logP(u.counts, u.total, f.key);
      s += f.weight * lp;
      lifts.push({ f, lift: f.weight * (lp - logP(model.all.counts, model.all.total, f.key)) });
    }
    return { unitId, log: s, lifts };
  });
  const max = Math.max(...scored.map((x) => x.log));
  const z = scored.reduce((acc, x) => acc + Math.exp(x.log - max), 0);
  return scored
    .map((x) => ({ unitId: x.unitId, score: Math.exp(x.log - max) / z, lifts: x.lifts }))
    .sort((a, b) => b.score - a.score || a.unitId.localeCompare(b.unitId))
    .slice(0, limit)
    .map((x) => ({ unitId: x.unitId, score: x.score, reasons: reasonsOf(c.text, x.lifts) }));
}

/**
 * The three features that spoke most for a unit. Words of the text are shown as the stretches of the text
 * its weighing bigrams cover (the segmenter does not know every word: 清运 comes out as 清 + 运), at most
 * six characters each; the category and the township as themselves.
 */
function reasonsOf(text: string, lifts: { f: Feature; lift: number }[]): Feature[] {
  // Only the bigrams that weigh at least half as much as the strongest one mark the text.
  const strongest = Math.max(
    0,
    ...lifts.filter((l) => l.f.kind !== 'category' && l.f.kind !== 'township').map((l) => l.lift),
  );
  const lift = new Map(
    lifts.filter((l) => l.lift > 0 && l.lift >= strongest / 2).map((l) => [l.f.value, l.lift]),
  );
  const chars = [...text.toLowerCase()];
  const spans: Feature[] = [];
  const spanLift = new Map<string, number>();
  let start = -1;
  let sum = 0;
  const close = (end: number) => {
    if (start >= 0) {
      const value = chars.slice(start, Math.min(end, start + 6)).join('');
      if (!spanLift.has(value)) {
        spanLift.set(value, sum);
        spans.push({ key: `w:${value}`, kind: 'word', value, weight: 1 });
      }
    }
    start = -1;
    sum = 0;
  };
  for (let i = 0; i + 1 < chars.length; i++) {
    const l = lift.get(chars[i]! + chars[i + 1]!) ?? 0;
    if (l > 0) {
      if (start < 0) start = i;
      sum += l;
    } else if (start >= 0 && (lift.get(chars[i - 1]! + chars[i]!) ?? 0) > 0) close(i + 1);
  }
  close(chars.length);
  const others = lifts
    .filter((l) => l.lift > 0 && (l.f.kind === 'category' || l.f.kind === 'township'))
    .map((l) => ({ f: l.f, lift: l.lift }));
  return [...others, ...spans.map((f) => ({ f, lift: spanLift.get(f.value)! }))]
    .sort((a, b) => b.lift - a.lift || a.f.key.localeCompare(b.f.key))
    .slice(0, 3)
    .map((x) => x.f);
}
