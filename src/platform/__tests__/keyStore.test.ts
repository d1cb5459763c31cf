import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFieldCipher } from '../keyStore.ts';

describe('the key store', () => {
  it('creates the key file once (owner-only) and reads the same key from it afterwards', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qd-keys-'));
    try {
      const first = loadFieldCipher(path.join(dir, 'data'), {});
      const file = path.join(dir, 'data', 'secret.keys');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      const sealed = first.encrypt('43020219900101123X');
      const again = loadFieldCipher(path.join(dir, 'data'), {});
      expect(again.decrypt(sealed)).toBe('43020219900101123X');
      expect(again.lookupHash('x')).toBe(first.lookupHash('x'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
