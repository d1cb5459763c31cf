import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { canonicalJson } from '../../kernel/chain.ts';
import type { FieldCipher } from '../../kernel/secrets.ts';
import { auditRepository } from './audit.repository.ts';

/** A chain's head as it stood when it was signed. */
export interface Checkpoint {
  jurisdictionId: string;
  log: 'actions' | 'audit_log';
  seq: number;
  hash: string;
  at: string;
}

const PURPOSE = 'audit-checkpoint';

/**
 * Reads a checkpoint file: one signed head per line. A line whose signature does not verify with any
 * known key is reported as forged (someone who can write the file cannot make its signatures without the
 * keys, which live outside the database and outside this file).
 */
export function readCheckpoints(
  file: string,
  cipher: FieldCipher,
): { entries: Checkpoint[]; forged?: { line: number; jurisdictionId: string; reason: string } } {
  if (!fs.existsSync(file)) return { entries: [] };
  const entries: Checkpoint[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const forged = (reason: string, jurisdictionId = '?') => ({
      entries,
      forged: { line: i + 1, jurisdictionId, reason },
    });
    let parsed: Checkpoint & { mac?: unknown };
    try {
      parsed = JSON.parse(line) as Checkpoint & { mac?: unknown };
    } catch {
      return forged(`checkpoint line ${i + 1} is not JSON`);
    }
    const { mac, ...head } = parsed;
    if (typeof mac !== 'string' || !cipher.verifyMac(PURPOSE, canonicalJson(head), mac))
      return forged(
        `checkpoint line ${i + 1} has no valid signature (forged or edited)`,
        head.jurisdictionId,
      );
    entries.push({ ...head, seq: Number(head.seq) });
  }
  return { entries };
}

/**
 * Appends the current head of every chain that moved since its last checkpoint, signed with a key held
 * outside the database. Run by the scheduler, after `audit verify` and by `qingdan audit checkpoint`;
 * appends only, so an earlier head stays as evidence. Returns the number of heads written.
 */
export async function writeCheckpoints(
  db: Kysely<DB>,
  file: string,
  cipher: FieldCipher,
  now: Date,
): Promise<number> {
  const known = readCheckpoints(file, cipher).entries;
  const lastOf = (jid: string, log: Checkpoint['log']) =>
    known.filter((c) => c.jurisdictionId === jid && c.log === log).at(-1);
  const lines: string[] = [];
  for (const { id } of await auditRepository.jurisdictionIds(db)) {
    for (const log of ['actions', 'audit_log'] as const) {
      const head = await auditRepository.head(db, id, log);
      if (!head || lastOf(id, log)?.seq === head.seq) continue;
      const cp: Checkpoint = {
        jurisdictionId: id,
        log,
        seq: head.seq,
        hash: head.hash,
        at: now.toISOString(),
      };
      lines.push(JSON.stringify({ ...cp, mac: cipher.mac(PURPOSE, canonicalJson(cp)) }));
    }
  }
  if (lines.length) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.appendFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  }
  return lines.length;
}
