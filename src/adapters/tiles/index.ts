/**
 * Map tiles, an outside system: which tile service the maps draw on, from `QINGDAN_TILE_URL`. Nothing
 * configured is the default, and the web app then draws its schematic of the jurisdiction from the
 * reference data instead of asking the internet for tiles.
 */

/** A tile service as the web app's map draws it. */
export interface TileSource {
  /** XYZ template with `{z}`, `{x}`, `{y}` and optionally `{s}`. */
  url: string;
  /** A second layer drawn over the first (place names), or null. */
  labelsUrl: string | null;
  /** The letters or digits that replace `{s}`. */
  subdomains: string;
  attribution: string;
  maxZoom: number;
}

/** 天地图 (the national platform, CGCS2000 ≈ WGS84, so no coordinate shift) in Web Mercator, by its key. */
function tianditu(key: string): TileSource {
  const layer = (name: string) =>
    `https://t{s}.tianditu.gov.cn/${name}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${name}` +
    `&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`;
  return {
    url: layer('vec'),
    labelsUrl: layer('cva'),
    subdomains: '01234567',
    attribution: '© 天地图 国家地理信息公共服务平台',
    maxZoom: 18,
  };
}

/**
 * The tile service a setting names: empty → none (the schematic); `tianditu:<key>` → 天地图 vector tiles
 * with place names; otherwise an http(s) XYZ template with `{z}`, `{x}` and `{y}`. A setting that is none
 * of these stops the start-up with a sentence saying why, rather than showing blank maps later.
 */
export function tileSource(setting: string | null | undefined): TileSource | null {
  const s = setting?.trim();
  if (!s) return null;
  const tdt = /^tianditu:([A-Za-z0-9]{8,64})$/.exec(s);
  if (tdt) return tianditu(tdt[1]!);
  if (!/^https?:\/\//.test(s) || !['{z}', '{x}', '{y}'].every((p) => s.includes(p)))
    throw new Error(
      'QINGDAN_TILE_URL: an http(s) tile template with {z}, {x} and {y}, or tianditu:<key>; leave it empty for the schematic map',
    );
  return { url: s, labelsUrl: null, subdomains: 'abc', attribution: '', maxZoom: 18 };
}
