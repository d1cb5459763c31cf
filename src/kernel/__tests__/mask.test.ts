import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from '../mask.ts';

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('0731-22881234')).toBe('073******1234');
    expect(maskPhone('12345678')).toBe('123*5678');
  });

  it('masks everything when too short to keep 3 + 4', () => {
    expect(maskPhone('1234567')).toBe('*******');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('')).toBe('');
  });

  it('passes null and undefined through', () => {
    expect(maskPhone(null)).toBeNull();
    expect(maskPhone(undefined)).toBeUndefined();
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 6 and last 4 characters', () => {
    expect(maskIdNumber('43020219900101123X')).toBe('430202********123X');
    expect(maskIdNumber('430202900101123')).toBe('430202*****1123');
  });

  it('masks everything when too short, and passes null and undefined through', () => {
    expect(maskIdNumber('4302021990')).toBe('**********');
    expect(maskIdNumber(null)).toBeNull();
    expect(maskIdNumber(undefined)).toBeUndefined();
  });
});

describe('maskName', () => {
  it('keeps the first character', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName(' 李四 ')).toBe('李*');
    expect(maskName('𠀋一')).toBe('𠀋*');
  });

  it('hides a one-character name, and passes null and undefined through', () => {
    expect(maskName('张')).toBe('*');
    expect(maskName('')).toBe('');
    expect(maskName(null)).toBeNull();
    expect(maskName(undefined)).toBeUndefined();
  });
});
