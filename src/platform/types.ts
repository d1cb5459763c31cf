import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from './context.ts';

/** The Fastify instance every module registers its routes on. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered (HEAD routes left out), in registration order. */
    routeTable: { method: string; url: string }[];
  }
  interface FastifyRequest {
    /** Who is calling, if anyone. */
    principal: Principal | null;
    /** The jurisdiction the request is about. */
    jurisdictionId: string;
    /** Set when the request carries an Idempotency-Key that was reserved for it. */
    idempotency?: { principal: string; key: string };
  }
}

/** A module's door to HTTP: registers its routes on the app (the module registry in the server lists these). */
export type RegisterRoutes = (app: App, ctx: AppContext) => Promise<void>;
