import { describe, expect, it } from 'vitest';
import { classifyNumber, luhnValid, redactText } from '../redact.ts';

describe('classifyNumber', () => {
  it('recognises an ID number only with a valid date and check character', () => {
    expect(classifyNumber('430202199001011233')).toBe('idNumber');
    expect(classifyNumber('11010519491231002X')).toBe('idNumber');
    expect(classifyNumber('430202199001011234')).toBeNull();
    expect(classifyNumber('430202199013011233')).toBeNull();
  });

  it('recognises a bank card by its Luhn digit', () => {
    expect(luhnValid('6222021234567890128')).toBe(true);
    expect(classifyNumber('6222021234567890128')).toBe('bankCard');
    expect(classifyNumber('6217000000000006')).toBe('bankCard');
    expect(classifyNumber('6222021234567890127')).toBeNull();
  });

  it('recognises a mainland mobile number, with or without 86', () => {
    expect(classifyNumber('13812341234')).toBe('phone');
    expect(classifyNumber('8619912341234')).toBe('phone');
    expect(classifyNumber('12812341234')).toBeNull();
    expect(classifyNumber('23812341234')).toBeNull();
  });
});

describe('redactText', () => {
  it('masks a phone number and an ID number in a description', () => {
    expect(redactText('联系电话13812341234，身份证430202199001011233，请回电')).toBe(
      '联系电话138****1234，身份证430202********1233，请回电',
    );
  });

  it('masks grouped and prefixed numbers, keeping the separators', () => {
    expect(redactText('电话 138-1234-1234 或 +86 139 1234 5678')).toBe(
      '电话 138-****-1234 或 +86 139 **** 5678',
    );
    expect(redactText('卡号 6222 0212 3456 7890 128')).toBe('卡号 **** **** **** ***0 128');
    expect(redactText('卡号6217000000000006')).toBe('卡号************0006');
  });

  it('masks full-width digits', () => {
    expect(redactText('电话１３８１２３４１２３４')).toBe('电话１３８****１２３４');
  });

  it('masks a number followed by an ordinary one in the same group', () => {
    expect(redactText('13812341234 2024年')).toBe('138****1234 2024年');
  });

  it('leaves ordinary numbers alone', () => {
    const plain = [
      '引进投资3500万元，盘活34.23亩，2024-01-08',
      '编号 20240108123456789',
      '订单号 430202199001011234',
      '卡号 6222021234567890127',
      '固话 0731-22881234',
      'USCC 91430200MA4L0A1B2C',
      '12812341234',
      '138123412345',
    ];
    for (const s of plain) expect(redactText(s)).toBe(s);
  });

  it('does not mask digits inside a longer code of letters and digits', () => {
    expect(redactText('批次 A13812341234B')).toBe('批次 A13812341234B');
  });

  it('passes null, undefined and short text through', () => {
    expect(redactText(null)).toBeNull();
    expect(redactText(undefined)).toBeUndefined();
    expect(redactText('短')).toBe('短');
  });
});
