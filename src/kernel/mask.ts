/** Masking of personal data in lists and exports (手机号、身份证号、姓名脱敏). */

/** Keeps `head` leading and `tail` trailing characters, replacing the rest with '*'; all '*' if too short. */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = Array.from(value);
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}

/** Masks a phone number: '13812341234' → '138****1234'; too short to keep 3 + 4 → all '*'. */
export function maskPhone(phone: string): string;
export function maskPhone<T extends null | undefined>(phone: T): T;
export function maskPhone(phone: string | null | undefined): string | null | undefined;
export function maskPhone(phone: string | null | undefined): string | null | undefined {
  if (phone === null || phone === undefined) return phone;
  return keepEnds(phone, 3, 4);
}

/** Masks an ID number, keeping the first 6 and last 4: '43020219900101123X' → '430202********123X'. */
export function maskIdNumber(id: string): string;
export function maskIdNumber<T extends null | undefined>(id: T): T;
export function maskIdNumber(id: string | null | undefined): string | null | undefined;
export function maskIdNumber(id: string | null | undefined): string | null | undefined {
  if (id === null || id === undefined) return id;
  return keepEnds(id, 6, 4);
}

/** Masks a personal name, keeping the first character: '张三丰' → '张**'; a one-character name → '*'. */
export function maskName(name: string): string;
export function maskName<T extends null | undefined>(name: T): T;
export function maskName(name: string | null | undefined): string | null | undefined;
export function maskName(name: string | null | undefined): string | null | undefined {
  if (name === null || name === undefined) return name;
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*'.repeat(chars.length);
  return chars[0] + '*'.repeat(chars.length - 1);
}
