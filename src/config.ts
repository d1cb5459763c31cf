import path from 'node:path';

/** Runtime configuration, read once from the environment. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  logLevel: string;
  /** 'console' logs one-time codes (the default provider); anything else must be wired in. */
  smsProvider: string;
  /** Return one-time codes in the API answer (demo and tests only). */
  exposeDevCodes: boolean;
  tileUrl: string | null;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  maxUploadBytes: number;
  /** Reports (POST /api/problems) one client address may send per minute. */
  reportsPerMinute: number;
  /** Run the deadline scheduler in this process. */
  scheduler: boolean;
  version: string;
}

/** Reads the configuration from environment variables, with the documented defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  return {
    host: env.HOST ?? '127.0.0.1',
    port: Number(env.PORT ?? 3000),
    dataDir: path.resolve(env.QINGDAN_DATA ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    smsProvider: env.QINGDAN_SMS ?? 'console',
    exposeDevCodes: (env.QINGDAN_DEV_CODES ?? (env.NODE_ENV === 'production' ? '0' : '1')) === '1',
    tileUrl: env.QINGDAN_TILE_URL || null,
    sessionIdleMinutes: Number(env.QINGDAN_SESSION_IDLE_MINUTES ?? 30),
    sessionAbsoluteHours: Number(env.QINGDAN_SESSION_ABSOLUTE_HOURS ?? 12),
    maxUploadBytes: Number(env.QINGDAN_MAX_UPLOAD_BYTES ?? 10 * 1024 * 1024),
    reportsPerMinute: Number(env.QINGDAN_REPORTS_PER_MINUTE ?? 60),
    scheduler: (env.QINGDAN_SCHEDULER ?? '1') === '1',
    version: '0.1.0',
    ...overrides,
  };
}
