import pino from 'pino';
import type { Config } from '../config.ts';
import { migrate, openDatabase } from '../db/index.ts';
import { systemClock, type Clock } from '../kernel/clock.ts';
import { loadFieldCipher } from '../platform/keyStore.ts';
import { ReferenceService } from '../modules/reference/index.ts';
import { ContextCache } from '../platform/cache.ts';
import type { AppContext } from '../platform/context.ts';
import { reloadJurisdictions } from '../platform/jurisdictions.ts';
import { createSmsSender } from '../adapters/sms/index.ts';
import { createIdReader } from '../adapters/idreader/index.ts';
import { createPaymentGateway } from '../adapters/payments/index.ts';
import { createReceiptIssuer } from '../adapters/receipts/index.ts';

/** Opens the database, runs migrations and assembles the context every service receives. */
export async function createContext(
  config: Config,
  opts: { clock?: Clock; logger?: pino.Logger; migrate?: boolean } = {},
): Promise<AppContext> {
  const log =
    opts.logger ??
    pino({
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'phone', 'password', 'idNumber'],
    });
  const database = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (opts.migrate !== false) await migrate(database);
  // Fresh planner statistics: without them a large imported table is read with the wrong index.
  if (opts.migrate !== false) await database.dialect.analyze(database.db, { staleOnly: true });
  const ctx: AppContext = {
    config,
    database,
    db: database.db,
    dialect: database.dialect,
    clock: opts.clock ?? systemClock,
    log,
    cipher: loadFieldCipher(config.dataDir),
    reference: new ReferenceService(database.db, undefined, (jurisdictionId, issues) =>
      log.warn({ jurisdictionId, issues }, 'reference data: rows skipped'),
    ),
    cache: new ContextCache(),
    sms: createSmsSender(config.smsProvider, log),
    idReader: createIdReader(config.idReader),
    payments: createPaymentGateway(config.paymentsProvider),
    receipts: createReceiptIssuer(config.receiptsProvider),
    jurisdictions: [],
  };
  await reloadJurisdictions(ctx);
  return ctx;
}
