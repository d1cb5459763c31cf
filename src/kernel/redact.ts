/**
 * Redaction of personal numbers in free text (个人信息脱敏): what a resident types into a description or a
 * note may hold a mobile number, an ID number or a bank-card number. Every public output passes its free
 * text through {@link redactText}. Numbers are recognised with their checksums where they exist (the ID
 * number's check character, a card's Luhn digit), so an ordinary amount, date or case number stays.
 */
import { validateIdNumber } from './identifiers.ts';

/** What kind of number a match was. */
export type RedactedKind = 'phone' | 'idNumber' | 'bankCard';

// A run of digits (half- or full-width), optionally grouped by single spaces or hyphens, possibly ending in
// an X (an ID number's check character) and with a +86 prefix. Letters and digits on either side make it
// part of a longer code, which is left alone.
const CANDIDATE =
  /(?<![0-9０-９A-Za-z])(?:[+＋]?(?:86|８６)[ -]?)?[0-9０-９](?:[ -]?[0-9０-９]){10,21}(?:[ -]?[XxＸｘ])?(?![0-9０-９A-Za-z])/g;

/** Folds full-width digits and X to half-width. */
function halfWidth(s: string): string {
  return s.normalize('NFKC');
}

/** The Luhn check (ISO/IEC 7812) over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** What a bare number (digits and a possible trailing X, no separators) is, if it is personal. */
export function classifyNumber(bare: string): RedactedKind | null {
  if (/^\d{17}[\dX]$/.test(bare) && validateIdNumber(bare).valid) return 'idNumber';
  if (/^\d{16,19}$/.test(bare) && luhnValid(bare)) return 'bankCard';
  if (/^(?:86)?1[3-9]\d{9}$/.test(bare)) return 'phone';
  return null;
}

const KEEP: Record<RedactedKind, [head: number, tail: number]> = {
  phone: [3, 4],
  idNumber: [6, 4],
  bankCard: [0, 4],
};

/** Replaces the digits (and X) of `token` outside the first `head` and last `tail` with '*', keeping separators. */
function maskSignificant(token: string, head: number, tail: number): string {
  const chars = Array.from(token);
  const positions = chars.flatMap((c, i) => (/[0-9０-９XxＸｘ]/.test(c) ? [i] : []));
  const from = head;
  const to = positions.length - tail;
  for (let k = from; k < to; k++) chars[positions[k]] = '*';
  return chars.join('');
}

/** Masks one candidate: the whole run if it is a personal number, else each of its groups that is. */
function redactCandidate(token: string): string {
  const bare = halfWidth(token)
    .replace(/[\s+-]/g, '')
    .toUpperCase();
  const kind = classifyNumber(bare);
  if (kind) {
    const [head, tail] = KEEP[kind];
    const prefix = kind === 'phone' && bare.length === 13 ? 2 : 0;
    return maskSignificant(token, head + prefix, tail);
  }
  // "13812341234 2024": the groups on their own.
  const groups = token.split(/([ -])/);
  if (groups.length === 1) return token;
  return groups.map((g) => (/^[ -]$/.test(g) ? g : redactCandidate(g))).join('');
}

/** Masks mobile numbers, ID numbers and bank-card numbers found in free text; other text is unchanged. */
export function redactText(text: string): string;
export function redactText<T extends null | undefined>(text: T): T;
export function redactText(text: string | null | undefined): string | null | undefined;
export function redactText(text: string | null | undefined): string | null | undefined {
  if (text === null || text === undefined || text.length < 11) return text;
  return text.replace(CANDIDATE, redactCandidate);
}

/** A copy of `value` with the named free-text fields passed through {@link redactText}; null stays null. */
export function redactFields<T extends object, K extends keyof T>(
  value: T | null,
  keys: readonly K[],
): T | null {
  if (value === null) return null;
  const out = { ...value };
  for (const k of keys) {
    const v = out[k];
    if (typeof v === 'string') out[k] = redactText(v) as T[K];
  }
  return out;
}
