import { describe, expect, it } from 'vitest';
import { rankUnits, shingles, textFeatures, textSimilarity, trainRouter } from '../textModel.ts';

describe('the text model', () => {
  it('splits Chinese text into words and the bigrams between them, without common filler', () => {
    const f = textFeatures('希望清运垃圾桶');
    expect(f.words).toContain('垃圾桶');
    expect(f.words).not.toContain('希望');
    expect(f.bigrams).toContain('运垃');
  });

  it('ranks the unit whose past problems share the words, and names those words', () => {
    const model = trainRouter([
      { unitId: 'city', text: '垃圾桶满了没人清运', categoryCode: 'sanitation', townshipCode: null },
      { unitId: 'city', text: '垃圾站异味严重', categoryCode: 'sanitation', townshipCode: null },
      { unitId: 'roads', text: '路灯损坏夜间漆黑', categoryCode: 'roads', townshipCode: null },
      { unitId: 'roads', text: '路面坑洼积水', categoryCode: 'roads', townshipCode: null },
    ]);
    const r = rankUnits(model, { text: '楼下垃圾没人清运', categoryCode: null, townshipCode: null });
    expect(r[0]!.unitId).toBe('city');
    expect(r[0]!.score).toBeGreaterThan(r[1]!.score);
    expect(r[0]!.reasons.map((f) => f.value).join(' ')).toMatch(/清运/);
    expect(r.reduce((s, x) => s + x.score, 0)).toBeCloseTo(1, 6);
    expect(rankUnits(trainRouter([]), { text: 'x', categoryCode: null, townshipCode: null })).toEqual([]);
  });

  it('measures how alike two texts read', () => {
    const a = shingles('路面坑洼积水');
    expect(textSimilarity(a, shingles('路面坑洼积水'))).toBe(1);
    expect(textSimilarity(a, shingles('幼儿园报名'))).toBe(0);
    expect(textSimilarity(a, shingles(''))).toBe(0);
  });
});
