import { z } from 'zod';
import { ENTITLEMENT_KIND_NAMES } from './entitlements.rules.ts';

export const Account = z.object({
  id: z.string(),
  personId: z.string(),
  kind: z.string(),
  unit: z.string(),
  balance: z.number(),
  entries: z.number(),
});

export const Entry = z.object({
  id: z.string(),
  accountId: z.string(),
  seq: z.number(),
  kind: z.string(),
  amount: z.number(),
  balanceAfter: z.number(),
  correctsEntryId: z.string().nullable(),
  occasion: z.string().nullable(),
  sourceModule: z.string(),
  sourceRef: z.string(),
  note: z.string().nullable(),
  at: z.string(),
});

const amount = z.number().int().positive().max(100_000_000);

/** POST /api/entitlements/grants: a grant to a person's account of a kind (opened on first use). */
export const GrantInput = z
  .object({
    personId: z.string().min(1).max(64),
    kind: z.enum(ENTITLEMENT_KIND_NAMES as [string, ...string[]]),
    amount,
    reference: z.string().min(1).max(100),
    note: z.string().max(200).optional(),
  })
  .strict();

/** POST /api/entitlements/entries/:id/corrections: a signed amount that names the entry it corrects. */
export const CorrectionInput = z
  .object({ amount: z.number().int().min(-100_000_000).max(100_000_000), note: z.string().min(1).max(200) })
  .strict();
