import crypto from 'node:crypto';

/** The hash that starts every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys, so the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

/** The link hash: sha256 of the previous hash and the record. */
export function chainHash(prevHash: string, record: unknown): string {
  return crypto.createHash('sha256').update(prevHash).update('|').update(canonicalJson(record)).digest('hex');
}
