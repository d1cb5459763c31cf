/**
 * The one shape of every list the API answers: `{items, total, nextCursor}`. `total` counts every
 * item that matches (not only this page); `nextCursor` is where the next page starts, or null when
 * this is the last page or the list is not paged by cursor.
 */
import { z } from 'zod';

/** A list answer as the routes and the web client see it. */
export interface ListAnswer<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

/** The response schema of a list of `item`, for a route's `response: {200: …}`. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number(), nextCursor: z.string().nullable() });
}

/** A list answered whole (or cut at the caller's own `limit`) as a list answer. */
export function listAnswer<T>(items: T[]): ListAnswer<T> {
  return { items, total: items.length, nextCursor: null };
}
