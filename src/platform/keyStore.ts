import fs from 'node:fs';
import path from 'node:path';
import { fieldCipherFromSpec, newKeySpec, type FieldCipher } from '../kernel/secrets.ts';

/**
 * Loads the field-encryption keys: `QINGDAN_KEYS` (comma list of `id=base64key`, the first is current) or
 * a key file in the data folder, created with a fresh random key at first start (mode 0600).
 */
export function loadFieldCipher(dataDir: string, env: NodeJS.ProcessEnv = process.env): FieldCipher {
  if (env.QINGDAN_KEYS) return fieldCipherFromSpec(env.QINGDAN_KEYS);
  const file = path.join(dataDir, 'secret.keys');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, newKeySpec(), { mode: 0o600 });
  }
  return fieldCipherFromSpec(fs.readFileSync(file, 'utf8').trim());
}
