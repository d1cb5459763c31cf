/**
 * What the phone pages need to know about the signed-in user before ordering or working: whom they may
 * order for (themselves and the family members whose contact they are, with the address to prefill) and
 * their worker record when they work for a provider.
 */
import { z } from 'zod';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { workerOfUser } from '../directory/index.ts';
import { personFacts, personsActedForBy } from '../registry/index.ts';

export const CareMe = z.object({
  persons: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      address: z.string().nullable(),
      villageCode: z.string(),
      self: z.boolean(),
    }),
  ),
  worker: z.object({ id: z.string(), providerId: z.string(), name: z.string() }).nullable(),
});
export type CareMe = z.infer<typeof CareMe>;

/** The persons a user may order for and the user's worker record; reads of one's own family are not logged. */
export async function careMe(ctx: AppContext, p: Principal): Promise<CareMe> {
  const jid = p.jurisdictionId;
  if (!p.userId) return { persons: [], worker: null };
  const persons: CareMe['persons'] = [];
  for (const id of await personsActedForBy(ctx.db, jid, p.userId)) {
    const f = await personFacts(ctx.db, jid, id);
    if (f)
      persons.push({
        id: f.id,
        name: f.name,
        address: f.address,
        villageCode: f.villageCode,
        self: f.userId === p.userId,
      });
  }
  const w = await workerOfUser(ctx.db, jid, p.userId);
  return { persons, worker: w && { id: w.id, providerId: w.providerId, name: w.name } };
}
