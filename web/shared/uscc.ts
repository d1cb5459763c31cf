/** 统一社会信用代码 (GB 32100-2015) checking, as the user types. */

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type UsccCheck = 'empty' | 'partial' | 'invalid_chars' | 'bad_length' | 'checksum_mismatch' | 'ok';

/** Classifies a code: wrong characters or length are errors; a checksum mismatch only warns. */
export function checkUscc(raw: string, final = false): UsccCheck {
  const code = raw.trim().toUpperCase();
  if (!code) return 'empty';
  for (const ch of code) if (!ALPHABET.includes(ch)) return 'invalid_chars';
  if (code.length < 18) return final ? 'bad_length' : 'partial';
  if (code.length > 18) return 'bad_length';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(code[i]) * WEIGHTS[i];
  const check = (31 - (sum % 31)) % 31;
  return ALPHABET[check] === code[17] ? 'ok' : 'checksum_mismatch';
}

/** Masks a mobile number for display: 138****1234. */
export function maskPhone(phone?: string | null): string {
  if (!phone) return '';
  return /^1\d{10}$/.test(phone) ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone;
}

/** True for a mainland mobile number. */
export function isMobile(phone: string): boolean {
  return /^1[3-9]\d{9}$/.test(phone);
}
