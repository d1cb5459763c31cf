import type { AppContext } from './context.ts';

/** Reads the jurisdictions this installation serves into the context (after init or seed). */
export async function reloadJurisdictions(ctx: AppContext): Promise<void> {
  const rows = await ctx.db.selectFrom('jurisdictions').selectAll().orderBy('created_at').execute();
  ctx.jurisdictions = rows.map((r) => ({
    id: r.id,
    name: r.name,
    open311Id: r.open311_id,
    numberPrefix: r.number_prefix,
    divisionCode: r.division_code,
  }));
  await Promise.all(rows.map((r) => ctx.reference.invalidate(r.id)));
}
