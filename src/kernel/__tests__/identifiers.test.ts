import { describe, expect, it } from 'vitest';
import { isDivisionCode, isMobile, validateIdNumber, validateUscc } from '../identifiers.ts';

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** The characters c for which body + c passes the checksum (the function's own algorithm). */
const passingUsccChecks = (body: string): string[] =>
  [...USCC_ALPHABET].filter((c) => validateUscc(body + c).checksumOk);
const passingIdChecks = (body: string): string[] =>
  [...'0123456789X'].filter((c) => validateIdNumber(body + c).valid);

describe('validateUscc (统一社会信用代码)', () => {
  it('accepts a published valid code', () => {
    expect(validateUscc('91350100M000100Y43')).toEqual({
      valid: true,
      checksumOk: true,
      normalized: '91350100M000100Y43',
    });
  });

  it('normalises case, spaces and full-width input', () => {
    expect(validateUscc(' 91350100m000100y43 ').normalized).toBe('91350100M000100Y43');
    expect(validateUscc('9135 0100 M000 100Y 43').checksumOk).toBe(true);
    expect(validateUscc('９１３５０１００Ｍ０００１００Ｙ４３').checksumOk).toBe(true);
  });

  it('warns but accepts a code whose check character does not match', () => {
    const r = validateUscc('91350100M000100Y44');
    expect(r.valid).toBe(true);
    expect(r.checksumOk).toBe(false);
    expect(r.message).toContain('校验位');
    expect(r.message).toContain('“3”');
  });

  it('has exactly one check character for every body', () => {
    for (const body of ['91430202MA4L0XXXX', '12430200006012345', '51430202MJJ000001', '31430000MD0000123']) {
      expect(passingUsccChecks(body)).toHaveLength(1);
    }
  });

  it.each([
    ['', '不能为空'],
    ['91350100M000100Y4', '应为18位'],
    ['91350100M000100Y431', '应为18位'],
    ['91350100M000I00Y43', '非法字符“I”'],
    ['91350100M000O00Y43', '非法字符“O”'],
    ['913501Z0M000100Y43', '非法字符“Z”'],
    ['91A50100M000100Y43', '行政区划码'],
  ])('rejects %j (%s)', (code, message) => {
    const r = validateUscc(code);
    expect(r.valid).toBe(false);
    expect(r.checksumOk).toBe(false);
    expect(r.message).toContain(message);
  });
});

describe('validateIdNumber (身份证号)', () => {
  it('accepts the standard example and reads birth date and gender', () => {
    expect(validateIdNumber('11010519491231002X')).toEqual({
      valid: true,
      birthDate: '1949-12-31',
      gender: 'female',
    });
    expect(validateIdNumber('11010519491231002x').valid).toBe(true);
  });

  it('finds exactly one check character, and reads an odd sequence digit as male', () => {
    const checks = passingIdChecks('43020219900101123');
    expect(checks).toHaveLength(1);
    const r = validateIdNumber(`43020219900101123${checks[0]}`);
    expect(r).toMatchObject({ valid: true, birthDate: '1990-01-01', gender: 'male' });
  });

  it('accepts 29 February only in a leap year', () => {
    expect(passingIdChecks('43020220000229002')).toHaveLength(1);
    expect(passingIdChecks('43020219000229002')).toHaveLength(0);
    expect(validateIdNumber('430202190002290021').message).toContain('出生日期');
  });

  it.each([
    ['', '不能为空'],
    ['430202900101123', '15位'],
    ['4302021990010112', '应为18位'],
    ['43020219900101123A', '格式错误'],
    ['4302021990010112X3', '格式错误'],
    ['430202199013011234', '出生日期'],
    ['430202199002301234', '出生日期'],
    ['430202209901011234', '晚于今天'],
    ['11010519491231002Y', '格式错误'],
    ['110105194912310021', '校验位'],
  ])('rejects %j (%s)', (id, message) => {
    const r = validateIdNumber(id);
    expect(r.valid).toBe(false);
    expect(r.message).toContain(message);
    expect(r.birthDate).toBeUndefined();
  });
});

describe('isMobile', () => {
  it.each(['13812341234', '19900001111', '16612345678'])('accepts %s', (s) => expect(isMobile(s)).toBe(true));
  it.each(['12812341234', '1381234123', '138123412345', '+8613812341234', '138 1234 1234', ''])(
    'rejects %j',
    (s) => expect(isMobile(s)).toBe(false),
  );
});

describe('isDivisionCode', () => {
  it.each(['430202', '430202001', '430202001001'])('accepts %s', (s) => expect(isDivisionCode(s)).toBe(true));
  it.each(['43020', '4302020', '43020200100', '4302020010011', '43020a', ''])('rejects %j', (s) =>
    expect(isDivisionCode(s)).toBe(false),
  );
});
