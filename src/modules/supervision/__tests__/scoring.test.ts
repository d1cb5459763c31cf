import { describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHTS, unitScore, weightsFrom } from '../supervision.scoring.ts';

describe('the unit score', () => {
  it('weights each rate, counting return and reopen rates as one minus the rate', () => {
    // 15·0.8 + 25·0.5 + 25·0.75 + 25·1 + 5·(1−0.1) + 5·(1−0) = 12 + 12.5 + 18.75 + 25 + 4.5 + 5 = 77.75
    const c = {
      responseRate: 0.8,
      onTimeRate: 0.5,
      resolutionRate: 0.75,
      satisfactionRate: 1,
      bounceRate: 0.1,
      reopenRate: 0,
    };
    expect(unitScore(c)).toBe(77.8);
  });

  it('leaves out a component without data and shares its weight among the others', () => {
    // Without satisfaction (weight 25 of 100): (12 + 12.5 + 18.75 + 4.5 + 5) / 75 = 0.7033…
    const c = {
      responseRate: 0.8,
      onTimeRate: 0.5,
      resolutionRate: 0.75,
      satisfactionRate: null,
      bounceRate: 0.1,
      reopenRate: 0,
    };
    expect(unitScore(c)).toBe(70.3);
    const none = {
      ...c,
      responseRate: null,
      onTimeRate: null,
      resolutionRate: null,
      bounceRate: null,
      reopenRate: null,
    };
    expect(unitScore(none)).toBeNull();
  });

  it('takes weights from the settings and ignores what is not a weight', () => {
    const w = weightsFrom({ satisfactionRate: 50, onTimeRate: -3, bogus: 9 });
    expect(w).toEqual({ ...DEFAULT_WEIGHTS, satisfactionRate: 50 });
    expect(weightsFrom(null)).toEqual(DEFAULT_WEIGHTS);
  });
});
