/**
 * Small factories for the resident-service tests: valid identifiers made by their own check rules, so a
 * test names what it needs (a person born on a date, a provider) instead of copying magic numbers.
 */

const ID_WEIGHTS = Array.from({ length: 17 }, (_, i) => 2 ** (17 - i) % 11);
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = Array.from({ length: 17 }, (_, i) => 3 ** i % 31);

/** A valid 18-digit ID number of someone born on `birth` (YYYY-MM-DD) in 430202; `seq` odd = male. */
export function idNumberFor(birth: string, seq = 101): string {
  const body = `430202${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  const sum = [...body].reduce((s, c, i) => s + Number(c) * ID_WEIGHTS[i]!, 0);
  return body + '10X98765432'[sum % 11];
}

/** A valid USCC whose 17-character body ends with `n` (digits only), check character included. */
export function usccFor(n: number): string {
  const body = `91430202MA4${String(n).padStart(6, '0')}`.slice(0, 17);
  const sum = [...body].reduce((s, c, i) => s + USCC_CHARS.indexOf(c) * USCC_WEIGHTS[i]!, 0);
  return body + USCC_CHARS[(31 - (sum % 31)) % 31];
}
