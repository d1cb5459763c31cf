/**
 * The place of a call from the words of its address (地址识别): "月塘街道文化路" → 月塘街道 / 文化路社区居委会.
 * Callers say names the way people say them — without 社区居委会 or 村委会, sometimes without 街道 — so each
 * division is also matched by its short name. The operator confirms the pick; nothing here is final.
 */
import type { ReferenceData } from '../reference/index.ts';

/** One reading of an address: a township and possibly a village, with the words that matched. */
export interface PlaceCandidate {
  townshipCode: string;
  townshipName: string;
  villageCode: string | null;
  villageName: string | null;
  matched: string[];
  score: number;
}

const VILLAGE_SUFFIX = /(社区居民委员会|社区居委会|村民委员会|居委会|村委会|社区|村)$/;
const TOWNSHIP_SUFFIX = /(街道办事处|街道|镇|乡)$/;

/** The names a division is called by: its full name and its short name (at least two characters). */
export function spokenNames(name: string, level: string): string[] {
  const short = name.replace(level === 'village' ? VILLAGE_SUFFIX : TOWNSHIP_SUFFIX, '');
  return short.length >= 2 && short !== name ? [name, short] : [name];
}

/** The longest of the names found in the text, or null. */
function longestIn(text: string, names: string[]): string | null {
  let best: string | null = null;
  for (const n of names) if (text.includes(n) && (!best || n.length > best.length)) best = n;
  return best;
}

/**
 * The readings of an address, best first (at most `limit`): a village named in the text counts most, more
 * when its own township is named too; a township alone is a reading without a village.
 */
export function placeFromAddress(ref: ReferenceData, address: string, limit = 5): PlaceCandidate[] {
  const text = address.replace(/\s+/g, '');
  if (!text) return [];
  const out: PlaceCandidate[] = [];
  const townships = [...ref.divisions.values()].filter((d) => d.level === 'township');
  const townHit = new Map<string, string>();
  for (const t of townships) {
    const hit = longestIn(text, spokenNames(t.name, 'township'));
    if (hit) townHit.set(t.code, hit);
  }
  for (const t of townships) {
    const tHit = townHit.get(t.code) ?? null;
    let anyVillage = false;
    for (const v of ref.divisionChildren(t.code)) {
      const vHit = longestIn(text, spokenNames(v.name, 'village'));
      // A short village name inside the township's own words ("月塘" of 月塘街道 in 上月塘社区) is not a hit.
      if (!vHit || (tHit && tHit.includes(vHit))) continue;
      anyVillage = true;
      out.push({
        townshipCode: t.code,
        townshipName: t.name,
        villageCode: v.code,
        villageName: v.name,
        matched: tHit ? [tHit, vHit] : [vHit],
        score: vHit.length * 2 + (tHit ? tHit.length * 3 : 0),
      });
    }
    if (tHit && !anyVillage)
      out.push({
        townshipCode: t.code,
        townshipName: t.name,
        villageCode: null,
        villageName: null,
        matched: [tHit],
        score: tHit.length * 3,
      });
  }
  return out
    .sort(
      (a, b) =>
        b.score - a.score || (a.villageCode ?? a.townshipCode).localeCompare(b.villageCode ?? b.townshipCode),
    )
    .slice(0, limit);
}
