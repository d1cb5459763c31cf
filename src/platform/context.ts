import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import type { DialectAdapter } from '../db/dialect/types.ts';
import type { Clock } from '../kernel/clock.ts';
import type { FieldCipher } from '../kernel/secrets.ts';
import type { ReferenceService } from '../modules/reference/index.ts';
import type { SmsSender } from '../adapters/sms/index.ts';
import type { IdCardReader } from '../adapters/idreader/index.ts';
import type { PaymentGateway } from '../adapters/payments/index.ts';
import type { ReceiptIssuer } from '../adapters/receipts/index.ts';
import type { ContextCache } from './cache.ts';

/** What every service needs, built once at start-up and passed down explicitly. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  dialect: DialectAdapter;
  clock: Clock;
  log: Logger;
  cipher: FieldCipher;
  reference: ReferenceService;
  /** Every kept answer and value of this app, with its invalidation (see ContextCache). */
  cache: ContextCache;
  /** The SMS adapter (one-time codes, notices to reporters and account owners). */
  sms: SmsSender;
  /** The ID-card reader adapter of the stations (worker registration at a 零工服务站). */
  idReader: IdCardReader;
  /** The payment channels (WeChat Pay, Alipay, UnionPay, or the local fake). */
  payments: PaymentGateway;
  /** The fiscal e-receipt platform (or the local fake). */
  receipts: ReceiptIssuer;
  /** The jurisdictions this installation serves; the first is the default for anonymous requests. */
  jurisdictions: {
    id: string;
    name: string;
    open311Id: string | null;
    numberPrefix: string;
    divisionCode: string;
    /** Set on a sandbox: the real jurisdiction whose Open311 test endpoint it serves. */
    sandboxOf?: string | null;
  }[];
}
