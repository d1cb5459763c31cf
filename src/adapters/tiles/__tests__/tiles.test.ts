import { describe, expect, it } from 'vitest';
import { tileSource } from '../index.ts';

describe('tileSource', () => {
  it('is none without a setting: the maps draw the schematic', () => {
    expect(tileSource(null)).toBeNull();
    expect(tileSource('  ')).toBeNull();
  });

  it('takes an XYZ template as it is', () => {
    const t = tileSource('https://tiles.example.cn/{z}/{x}/{y}.png');
    expect(t).toMatchObject({
      url: 'https://tiles.example.cn/{z}/{x}/{y}.png',
      labelsUrl: null,
      maxZoom: 18,
    });
  });

  it('makes 天地图 vector tiles and their place names from a key', () => {
    const t = tileSource('tianditu:abcdef0123456789')!;
    expect(t.url).toContain('/vec_w/wmts?');
    expect(t.url).toContain('TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=abcdef0123456789');
    expect(t.labelsUrl).toContain('/cva_w/wmts?');
    expect(t.subdomains).toBe('01234567');
  });

  it('refuses a setting that would give blank maps, saying what it wants', () => {
    expect(() => tileSource('tiles.example.cn/{z}/{x}/{y}.png')).toThrow(/\{z\}, \{x\} and \{y\}/);
    expect(() => tileSource('https://tiles.example.cn/tile.png')).toThrow(/QINGDAN_TILE_URL/);
  });
});
