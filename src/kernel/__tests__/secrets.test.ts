import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fieldCipherFromSpec } from '../secrets.ts';

const key = () => crypto.randomBytes(32).toString('base64');

describe('field encryption', () => {
  it('encrypts, detects tampering, and keeps lookups and old values readable across a key rotation', () => {
    const k1 = key();
    const before = fieldCipherFromSpec(`k1=${k1}`);
    const sealed = before.encrypt('43020219900101123X');
    expect(sealed.startsWith('k1:')).toBe(true);
    expect(sealed).not.toContain('1990');
    expect(before.decrypt(sealed)).toBe('43020219900101123X');
    const forged = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => before.decrypt(forged)).toThrow();

    // Rotation: a new current key in front, the old one kept behind it.
    const after = fieldCipherFromSpec(`k2=${key()},k1=${k1}`);
    expect(after.decrypt(sealed)).toBe('43020219900101123X');
    expect(after.needsRotation(sealed)).toBe(true);
    expect(after.encrypt('x').startsWith('k2:')).toBe(true);
    expect(after.lookupHash('43020219900101123X')).toBe(before.lookupHash('43020219900101123X'));
  });
});
