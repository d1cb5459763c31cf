import crypto from 'node:crypto';

/**
 * Field encryption for personal data (ID numbers): AES-256-GCM with a key id prefix so keys can rotate,
 * and an HMAC for exact lookup without decrypting.
 */
export class FieldCipher {
  constructor(
    private readonly keys: Map<string, Buffer>,
    private readonly currentKeyId: string,
    /** The key of lookup hashes: a key named `lookup`, else the oldest (last listed), so rotation keeps lookups. */
    private readonly lookupKeyId: string = currentKeyId,
  ) {}

  /** Encrypts a value with the current key: `keyId:iv.tag.ciphertext` in base64url. */
  encrypt(plain: string): string {
    const key = this.keys.get(this.currentKeyId)!;
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${this.currentKeyId}:${iv.toString('base64url')}.${tag.toString('base64url')}.${ct.toString('base64url')}`;
  }

  /** Decrypts a value written by any known key; throws if it was tampered with. */
  decrypt(value: string): string {
    const [keyId, rest] = value.split(':', 2);
    const key = this.keys.get(keyId ?? '');
    if (!key || !rest) throw new Error(`unknown encryption key id ${keyId}`);
    const [iv, tag, ct] = rest.split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(ct!), decipher.final()]).toString('utf8');
  }

  /** True when the value was written with an older key and should be re-encrypted. */
  needsRotation(value: string): boolean {
    return !value.startsWith(`${this.currentKeyId}:`);
  }

  /** A MAC of `data` for one purpose, with a subkey of the current key: `keyId:hex`. */
  mac(purpose: string, data: string): string {
    return `${this.currentKeyId}:${this.macWith(this.currentKeyId, purpose, data)}`;
  }

  /** Whether `mac` was made by `mac(purpose, data)` with any known key (so rotation keeps old MACs valid). */
  verifyMac(purpose: string, data: string, mac: string): boolean {
    const [keyId, hex] = mac.split(':', 2);
    if (!keyId || !hex || !this.keys.has(keyId)) return false;
    const want = Buffer.from(this.macWith(keyId, purpose, data), 'hex');
    const got = Buffer.from(hex, 'hex');
    return got.length === want.length && crypto.timingSafeEqual(got, want);
  }

  private macWith(keyId: string, purpose: string, data: string): string {
    const sub = Buffer.from(
      crypto.hkdfSync('sha256', this.keys.get(keyId)!, Buffer.alloc(0), `qingdan:${purpose}`, 32),
    );
    return crypto.createHmac('sha256', sub).update(data).digest('hex');
  }

  /** A keyed hash for exact lookup (same input → same output, useless without the key). */
  lookupHash(plain: string): string {
    const key = this.keys.get(this.lookupKeyId)!;
    return crypto.createHmac('sha256', key).update(`lookup:${plain}`).digest('hex');
  }
}

/**
 * A cipher from a key list: `id=base64key` entries separated by commas or new lines, the first current.
 * Reading the list (from the environment or the key file) is the platform's key store.
 */
export function fieldCipherFromSpec(spec: string): FieldCipher {
  const keys = new Map<string, Buffer>();
  let current = '';
  for (const part of spec.split(/\s*[,\n]\s*/)) {
    const [id, b64] = part.trim().split('=', 2);
    if (!id || !b64) continue;
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes`);
    keys.set(id, key);
    if (!current) current = id;
  }
  if (!current) throw new Error('no encryption key configured');
  // Rotation adds a new key in front and keeps the old ones behind it: the lookup hash stays on the
  // oldest key (or a dedicated `lookup` key), so exact lookups still match after a rotation.
  const ids = [...keys.keys()];
  const lookup = keys.has('lookup') ? 'lookup' : ids[ids.length - 1]!;
  if (lookup === 'lookup' && ids.length === 1) throw new Error('the lookup key cannot be the only key');
  return new FieldCipher(keys, current === 'lookup' ? ids.find((i) => i !== 'lookup')! : current, lookup);
}

/** A fresh key list of one random key, as the key file holds it. */
export function newKeySpec(): string {
  return `k1=${crypto.randomBytes(32).toString('base64')}\n`;
}
