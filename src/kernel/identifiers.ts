/** Chinese identifier formats: 统一社会信用代码, 身份证号, mobile numbers and division codes. */

/** Result of {@link validateUscc}. */
export interface UsccResult {
  /** The format is valid (a checksum mismatch alone does not make it invalid). */
  valid: boolean;
  checksumOk: boolean;
  /** Trimmed, half-width, upper-case form. */
  normalized: string;
  message?: string;
}

/** Result of {@link validateIdNumber}. */
export interface IdNumberResult {
  valid: boolean;
  message?: string;
  /** The same reason in English, for answers in the user's language. */
  messageEn?: string;
  /** YYYY-MM-DD. */
  birthDate?: string;
  gender?: 'male' | 'female';
}

// GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_VALUE = new Map<string, number>([...USCC_CHARS].map((c, i) => [c, i]));
const USCC_WEIGHTS = Array.from({ length: 17 }, (_, i) => 3 ** i % 31);

const ID_WEIGHTS = Array.from({ length: 17 }, (_, i) => 2 ** (17 - i) % 11);
const ID_CHECK = '10X98765432';

/** Trims, folds full-width characters to half-width (NFKC) and drops inner spaces. */
function normalizeCode(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

/** The check character of the first 17 characters of a USCC (all must be in the alphabet). */
function usccCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (USCC_VALUE.get(body[i]) ?? 0) * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

/** Validates a 统一社会信用代码 (GB 32100-2015); a checksum mismatch only warns, as some early codes fail it. */
export function validateUscc(code: string): UsccResult {
  const normalized = normalizeCode(code ?? '');
  const invalid = (message: string): UsccResult => ({ valid: false, checksumOk: false, normalized, message });
  if (normalized.length === 0) return invalid('统一社会信用代码不能为空');
  if (normalized.length !== 18) return invalid(`统一社会信用代码应为18位，当前为${normalized.length}位`);
  for (const c of normalized) {
    if (!USCC_VALUE.has(c)) return invalid(`统一社会信用代码含有非法字符“${c}”（不使用I、O、S、V、Z）`);
  }
  if (!/^\d{6}$/.test(normalized.slice(2, 8))) {
    return invalid('统一社会信用代码第3至8位应为登记管理机关行政区划码（6位数字）');
  }
  const expected = usccCheckChar(normalized);
  if (normalized[17] !== expected) {
    return {
      valid: true,
      checksumOk: false,
      normalized,
      message: `统一社会信用代码校验位不符（按规则应为“${expected}”），请核对；少数早期赋码的代码可能如此`,
    };
  }
  return { valid: true, checksumOk: true, normalized };
}

/** Validates an 18-digit 居民身份证号码 (GB 11643-1999) and reads its birth date and gender. */
export function validateIdNumber(id: string): IdNumberResult {
  const s = normalizeCode(id ?? '');
  const invalid = (message: string, messageEn: string): IdNumberResult => ({
    valid: false,
    message,
    messageEn,
  });
  if (s.length === 0) return invalid('身份证号码不能为空', 'the ID number is empty');
  if (/^\d{15}$/.test(s))
    return invalid(
      '15位旧身份证号码不再使用，请填写18位号码',
      'the old 15-digit number is no longer used; give the 18-digit one',
    );
  if (s.length !== 18)
    return invalid(
      `身份证号码应为18位，当前为${s.length}位`,
      `an ID number has 18 characters, this one has ${s.length}`,
    );
  if (!/^\d{17}[\dX]$/.test(s))
    return invalid(
      '身份证号码格式错误：前17位应为数字，末位为数字或X',
      'the first 17 characters must be digits and the last a digit or X',
    );

  const year = Number(s.slice(6, 10));
  const month = Number(s.slice(10, 12));
  const day = Number(s.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 1800 ||
    birth.getUTCFullYear() !== year ||
    birth.getUTCMonth() !== month - 1 ||
    birth.getUTCDate() !== day
  ) {
    return invalid('身份证号码中的出生日期无效', 'the birth date in the number is not a date');
  }
  // Compared in +08:00, the time zone the number is issued in.
  const todayUtcMidnight = Math.floor((Date.now() + 8 * 3_600_000) / 86_400_000) * 86_400_000;
  if (birth.getTime() > todayUtcMidnight)
    return invalid('身份证号码中的出生日期晚于今天', 'the birth date in the number is after today');

  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (s.charCodeAt(i) - 48) * ID_WEIGHTS[i];
  const expected = ID_CHECK[sum % 11];
  if (s[17] !== expected)
    return invalid('身份证号码校验位错误，请核对', 'the check character is wrong; check the number');

  return {
    valid: true,
    birthDate: `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`,
    gender: (s.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female',
  };
}

/** Whether `s` is a mainland mobile number (11 digits starting 13–19). */
export function isMobile(s: string): boolean {
  return /^1[3-9]\d{9}$/.test(s);
}

/** Whether `s` is a division code: 6 digits (GB/T 2260), 9 (township) or 12 (village, statistical). */
export function isDivisionCode(s: string): boolean {
  return /^(?:\d{6}|\d{9}|\d{12})$/.test(s);
}
