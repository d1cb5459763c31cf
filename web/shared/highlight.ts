/**
 * Marks what a search matched in a text, as the server matches it (src/kernel/text.ts): the query's Latin
 * and number words, and every pair of neighbouring CJK characters (a lone character alone). Parts, not HTML:
 * the page renders them with <mark>, so no text is ever read as markup.
 */
const CJK_RUN = /[\u3400-\u9fff\uf900-\ufaff]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** The pieces of a query to mark in a text, lower-case. */
export function highlightTerms(q: string): string[] {
  const terms = new Set<string>();
  const s = q.normalize('NFKC').toLowerCase();
  for (const run of s.match(CJK_RUN) ?? []) {
    const chars = [...run];
    if (chars.length === 1) terms.add(run);
    for (let i = 0; i + 1 < chars.length; i++) terms.add(chars[i]! + chars[i + 1]!);
  }
  for (const w of s.replace(CJK_RUN, ' ').match(WORD) ?? []) terms.add(w);
  return [...terms];
}

/** A text cut into parts, `hit` where a term of the query covers it. */
export function highlightParts(text: string, q: string): { text: string; hit: boolean }[] {
  const terms = q ? highlightTerms(q) : [];
  if (!text || terms.length === 0) return [{ text, hit: false }];
  const lower = text.toLowerCase();
  const hit = new Array<boolean>(text.length).fill(false);
  for (const term of terms) {
    for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + 1))
      for (let k = at; k < at + term.length; k++) hit[k] = true;
  }
  const parts: { text: string; hit: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = parts.at(-1);
    if (last && last.hit === hit[i]) last.text += text[i];
    else parts.push({ text: text[i]!, hit: hit[i]! });
  }
  return parts;
}
