import { describe, expect, it } from 'vitest';
import { placeLine } from '../place.ts';

describe('placeLine', () => {
  it('says the township and the village once, before an address that does not name them', () => {
    expect(placeLine('月塘街道', '文化路社区', '8 号楼前')).toBe('月塘街道 文化路社区 8 号楼前');
    // The address names the village by its short name: only the township goes before it.
    expect(placeLine('月塘街道', '文化路社区居委会', '文化路 3 号')).toBe('月塘街道 文化路 3 号');
    expect(placeLine('月塘街道', '文化路社区', '月塘街道文化路社区附近')).toBe('月塘街道文化路社区附近');
    expect(placeLine('月塘街道', '文化路社区', null)).toBe('月塘街道 文化路社区');
    expect(placeLine(null, null, null)).toBe('');
  });
});
