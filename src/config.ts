import path from 'node:path';

/** Runtime configuration, read once from the environment. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  logLevel: string;
  /** The SMS adapter: 'console' (the default) writes messages to the log, 'recording' keeps them (tests). */
  smsProvider: string;
  /** The stations' ID-card reader: 'fake' (the default, fixture cards) until a real reader is configured. */
  idReader: string;
  /**
   * The local minimum wage the jobs module checks postings against, in fen: monthly (full-time) and hourly
   * (non-full-time). Configuration, not law: the default is the first band of Hunan's standard in force since
   * 1 September 2025 (2,200 yuan a month, 22 yuan an hour); docs/jobs.md says where the figures come from and
   * what is unconfirmed; `QINGDAN_MIN_WAGE_MONTHLY_FEN`, `QINGDAN_MIN_WAGE_HOURLY_FEN` set the figures in force.
   */
  minimumWage: { monthlyFen: number; hourlyFen: number };
  /** The payment channel adapter (`QINGDAN_PAYMENTS`): 'fake' (the default; tests and the demo). */
  paymentsProvider: string;
  /** The fiscal e-receipt adapter (`QINGDAN_RECEIPTS`): 'fake' (the default; tests and the demo). */
  receiptsProvider: string;
  /**
   * Addresses or CIDR ranges of the reverse proxies whose X-Forwarded-For is believed
   * (`QINGDAN_TRUSTED_PROXIES`, comma-separated); none by default, so a client cannot choose its address.
   */
  trustedProxies: string[];
  /** The append-only file of signed audit checkpoints (`QINGDAN_AUDIT_CHECKPOINTS`). */
  auditCheckpointFile: string;
  /** Minutes between checkpoints written by the scheduler. */
  auditCheckpointMinutes: number;
  tileUrl: string | null;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  maxUploadBytes: number;
  /** Reports (POST /api/problems) one client address may send per minute. */
  reportsPerMinute: number;
  /** Run the deadline scheduler in this process. */
  scheduler: boolean;
  /** The campaign the big screen shows (an id); unset: the current campaign, else the newest. */
  screenCampaignId: string | null;
  /** Indicator codes the big screen headlines; empty: the first three the campaign has a value for. */
  screenFigures: string[];
  /** The public base URL of the installation (Open311 discovery names its endpoints under it), never a Host header. */
  publicUrl: string;
  version: string;
}

/** Reads the configuration from environment variables, with the documented defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const host = env.HOST ?? '127.0.0.1';
  const port = Number(env.PORT ?? 3000);
  const config: Omit<Config, 'auditCheckpointFile'> & Partial<Config> = {
    host,
    port,
    dataDir: path.resolve(env.QINGDAN_DATA ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    smsProvider: env.QINGDAN_SMS ?? 'console',
    idReader: env.QINGDAN_IDREADER ?? 'fake',
    minimumWage: {
      monthlyFen: Number(env.QINGDAN_MIN_WAGE_MONTHLY_FEN ?? 220_000),
      hourlyFen: Number(env.QINGDAN_MIN_WAGE_HOURLY_FEN ?? 2_200),
    },
    paymentsProvider: env.QINGDAN_PAYMENTS ?? 'fake',
    receiptsProvider: env.QINGDAN_RECEIPTS ?? 'fake',
    trustedProxies: (env.QINGDAN_TRUSTED_PROXIES ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    auditCheckpointMinutes: Number(env.QINGDAN_AUDIT_CHECKPOINT_MINUTES ?? 5),
    tileUrl: env.QINGDAN_TILE_URL || null,
    sessionIdleMinutes: Number(env.QINGDAN_SESSION_IDLE_MINUTES ?? 30),
    sessionAbsoluteHours: Number(env.QINGDAN_SESSION_ABSOLUTE_HOURS ?? 12),
    maxUploadBytes: Number(env.QINGDAN_MAX_UPLOAD_BYTES ?? 10 * 1024 * 1024),
    reportsPerMinute: Number(env.QINGDAN_REPORTS_PER_MINUTE ?? 60),
    scheduler: (env.QINGDAN_SCHEDULER ?? '1') === '1',
    screenCampaignId: env.QINGDAN_SCREEN_CAMPAIGN || null,
    screenFigures: (env.QINGDAN_SCREEN_FIGURES ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    publicUrl: (env.QINGDAN_PUBLIC_URL || `http://${host}:${port}`).replace(/\/+$/, ''),
    version: '0.1.0',
    ...overrides,
  };
  // Beside the data by default; a deployment points it at storage the database's users cannot write.
  const auditCheckpointFile =
    overrides.auditCheckpointFile ??
    path.resolve(env.QINGDAN_AUDIT_CHECKPOINTS ?? path.join(config.dataDir, 'audit-checkpoints.jsonl'));
  return { ...config, auditCheckpointFile };
}
