/**
 * Tokenising Chinese text for full-text search (全文检索).
 *
 * Documents are indexed as: Latin/number words whole; for every run of CJK characters, every
 * character bigram and every single character. A query must
 * match all of its tokens: the bigrams of its CJK runs (the character itself for a one-character
 * run) and its Latin/number words. Because every bigram and every character of a document is
 * indexed, a document that contains the query string always matches, as long as the query does
 * not cut a Latin/number word in half ("24" does not find "2024"): substring search on CJK text,
 * word search on Latin text. Dictionary words (Intl.Segmenter) are not indexed: matching never
 * needs them, and segmenting cost four fifths of the tokenising time on bulk imports.
 */

const WORD = 1;
const CJK = 2;
const OTHER = 0;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const MARK = /\p{M}/u;
const MAX_QUERY_TOKENS = 16;

/** Whether a code point is a Han ideograph (or kana), i.e. written without spaces between words. */
function isCjk(cp: number): boolean {
  if (cp < 0x2e80) return false;
  if (cp <= 0x9fff) {
    return (
      cp >= 0x4e00 || // CJK Unified Ideographs
      (cp >= 0x3400 && cp <= 0x4dbf) || // Extension A
      cp <= 0x2fdf || // radicals, Kangxi radicals
      cp === 0x3005 ||
      cp === 0x3006 ||
      cp === 0x3007 ||
      (cp >= 0x3021 && cp <= 0x3029) ||
      (cp >= 0x3038 && cp <= 0x303b) ||
      (cp >= 0x3041 && cp <= 0x3096) || // hiragana
      (cp >= 0x309d && cp <= 0x309f) ||
      (cp >= 0x30a1 && cp <= 0x30fa) || // katakana (not the middle dot U+30FB)
      (cp >= 0x30fc && cp <= 0x30ff) ||
      (cp >= 0x31f0 && cp <= 0x31ff)
    );
  }
  return (
    (cp >= 0xf900 && cp <= 0xfaff) || // compatibility ideographs
    (cp >= 0x20000 && cp <= 0x2fa1f) || // extensions B–F, I, compatibility supplement
    (cp >= 0x30000 && cp <= 0x323af) // extensions G, H
  );
}

/**
 * Removes invisible characters that must not split a run: soft hyphen, zero-width space and
 * joiners, word joiner, BOM, and variation selectors (incl. the ideographic ones, U+E0100–E01EF).
 */
function stripIgnorable(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let width = 0;
    if (
      c === 0xad ||
      (c >= 0x200b && c <= 0x200d) ||
      c === 0x2060 ||
      c === 0xfeff ||
      (c >= 0xfe00 && c <= 0xfe0f)
    ) {
      width = 1;
    } else if (c === 0xdb40) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdd00 && lo <= 0xddef) width = 2;
    }
    if (width > 0) {
      out += s.slice(last, i);
      i += width - 1;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** Case-folds and unifies width (full-width ＡＢＣ１２３ → abc123) so documents and queries agree. */
function normalizeText(text: string): string {
  return stripIgnorable(text.normalize('NFKC').toLowerCase());
}

/**
 * Calls `word` for each maximal run of letters/digits and `cjk` for each maximal run of CJK
 * characters, with the UTF-16 start of each character plus the run's end as the last entry.
 * A single pass over code points: no regular expression runs over the whole text.
 */
function forEachRun(s: string, word: (w: string) => void, cjk: (starts: number[]) => void): void {
  const n = s.length;
  let runKind = OTHER;
  let runStart = 0;
  let starts: number[] = [];
  const flush = (end: number): void => {
    if (runKind === WORD) word(s.slice(runStart, end));
    else if (runKind === CJK) {
      starts.push(end);
      cjk(starts);
    }
  };
  let i = 0;
  while (i < n) {
    let cp = s.charCodeAt(i);
    let width = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        width = 2;
      }
    }
    let kind: number;
    if (cp < 0x80) {
      kind =
        (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) ? WORD : OTHER;
    } else if (isCjk(cp)) {
      kind = CJK;
    } else {
      const ch = width === 1 ? s[i] : s.slice(i, i + 2);
      // A combining mark belongs to the word it follows; on its own it is not a token.
      kind = LETTER_OR_DIGIT.test(ch) || (runKind === WORD && MARK.test(ch)) ? WORD : OTHER;
    }
    if (kind !== runKind) {
      flush(i);
      runKind = kind;
      runStart = i;
      starts = [];
    }
    if (kind === CJK) starts.push(i);
    i += width;
  }
  flush(n);
}

/** The index tokens of a text: Latin/number words, CJK bigrams and characters; lower-case, unique, in order of appearance. */
export function tokenize(text: string): string[] {
  if (!text) return [];
  const s = normalizeText(text);
  const out = new Set<string>();
  forEachRun(
    s,
    (w) => out.add(w),
    (starts) => {
      const chars = starts.length - 1;
      for (let k = 0; k + 2 <= chars; k++) out.add(s.slice(starts[k], starts[k + 2]));
      for (let k = 0; k < chars; k++) out.add(s.slice(starts[k], starts[k + 1]));
    },
  );
  return [...out];
}

/** The fields of a problem row that full-text search covers. */
export interface SearchableProblem {
  number: string;
  title: string;
  description: string;
  address: string | null;
  enterprise_name: string | null;
}

/** The text to index for a problem: its number, title, description, address and enterprise name. */
export function problemSearchText(p: SearchableProblem): string {
  return searchText(p.number, p.title, p.description, p.address, p.enterprise_name);
}

/** The text to index for a record: the tokens of all parts joined by single spaces. */
export function searchText(...parts: (string | null | undefined)[]): string {
  // A newline between parts keeps a run from crossing from one field into the next.
  const text = parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('\n');
  return tokenize(text).join(' ');
}

/**
 * The tokens a document must all contain to match query `q` (at most 16; empty when the query has
 * no letters, digits or CJK characters, which callers should treat as "no text filter").
 */
export function queryTokens(q: string): string[] {
  if (!q) return [];
  const s = normalizeText(q);
  // Each candidate carries a priority: words and a chain of bigrams covering every CJK character
  // come first, so that capping drops only the overlapping bigrams in between.
  const tokens: string[] = [];
  const essential: boolean[] = [];
  const seen = new Set<string>();
  const push = (token: string, isEssential: boolean): void => {
    if (seen.has(token)) return;
    seen.add(token);
    tokens.push(token);
    essential.push(isEssential);
  };
  forEachRun(
    s,
    (w) => push(w, true),
    (starts) => {
      const chars = starts.length - 1;
      if (chars === 1) {
        push(s.slice(starts[0], starts[1]), true);
        return;
      }
      for (let k = 0; k + 2 <= chars; k++) {
        push(s.slice(starts[k], starts[k + 2]), k % 2 === 0 || k === chars - 2);
      }
    },
  );
  if (tokens.length <= MAX_QUERY_TOKENS) return tokens;

  const keep = new Array<boolean>(tokens.length).fill(false);
  let kept = 0;
  for (const pass of [true, false]) {
    for (let i = 0; i < tokens.length && kept < MAX_QUERY_TOKENS; i++) {
      if (!keep[i] && essential[i] === pass) {
        keep[i] = true;
        kept++;
      }
    }
  }
  return tokens.filter((_, i) => keep[i]);
}

/** The words a text is compared by: CJK bigrams and Latin/number words, single CJK characters left out. */
export function similarityGrams(t: string): Set<string> {
  return new Set(tokenize(t).filter((w) => !/^[\u3400-\u9fff]$/u.test(w)));
}

/** The Jaccard index of two texts' `similarityGrams`: what `similarityTo` computes from the texts. */
export function gramSimilarity(x: Set<string>, y: Set<string>): number {
  if (x.size === 0 || y.size === 0) return 0;
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return both / (x.size + y.size - both);
}

/**
 * How alike texts are to `a`, from 0 to 1: the Jaccard index of their CJK bigrams and Latin/number words
 * (single CJK characters left out: they match too easily). `a` is read once for any number of texts.
 * Used to tell a repeated demand (重复诉求).
 */
export function similarityTo(a: string): (b: string) => number {
  const x = similarityGrams(a);
  return (b) => (x.size === 0 ? 0 : gramSimilarity(x, similarityGrams(b)));
}

/** How alike two texts are, from 0 to 1 (see `similarityTo`). */
export function textSimilarity(a: string, b: string): number {
  return similarityTo(a)(b);
}

/**
 * Which of a query's tokens (from `queryTokens`) a text holds, exactly as `tokenize` of that text would
 * contain them, without tokenizing it: a ranked search scores hundreds of problems per request from their
 * rows. A CJK character or bigram is held where it occurs in the normalized text (two adjacent CJK
 * characters are always one run); a query with any other token tokenizes the text, as word boundaries
 * follow the rules of `forEachRun`.
 */
export function tokenHolder(tokens: string[]): (text: string) => boolean[] {
  const cjkOnly = tokens.every((t) => {
    for (const ch of t) if (!isCjk(ch.codePointAt(0)!)) return false;
    return true;
  });
  if (cjkOnly) {
    return (text) => {
      const s = normalizeText(text);
      return tokens.map((t) => s.includes(t));
    };
  }
  return (text) => {
    const held = new Set(tokenize(text));
    return tokens.map((t) => held.has(t));
  };
}

/** The text of a problem's searchable fields, joined as `problemSearchText` joins them (for `tokenHolder`). */
export function problemText(p: SearchableProblem): string {
  return [p.number, p.title, p.description, p.address, p.enterprise_name]
    .filter((x): x is string => typeof x === 'string' && x.length > 0)
    .join('\n');
}
