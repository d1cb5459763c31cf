import { localizeError, type Lang } from '../../src/kernel/apiText';
import { savedLocale } from './i18n';

/** The language of the page, as the API's error texts name it. */
export function pageLang(): Lang {
  return savedLocale() === 'en-US' ? 'en' : 'zh';
}

/** A field-level validation message from the server: `{path: 'title', message: '…'}`. */
export interface FieldIssue {
  path?: string | (string | number)[];
  message: string;
  row?: number;
  column?: string;
}

/** An error answered by the API as `{error: {code, message, details}}`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Validation messages keyed by the first segment of their path, for showing next to form fields. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    if (!Array.isArray(this.details)) return out;
    for (const d of this.details as FieldIssue[]) {
      const path = Array.isArray(d.path) ? d.path.join('.') : (d.path ?? '');
      if (path && !out[path]) out[path] = d.message;
      const head = path.split('.')[0];
      if (head && !out[head]) out[head] = d.message;
    }
    return out;
  }
}

type Query = Record<string, string | number | boolean | null | undefined | (string | number)[]>;

/** Builds a query string, leaving out empty values. */
export function toQuery(params: Query = {}): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) sp.set(k, v.join(','));
    } else sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

let csrfToken: string | null = null;
let csrfPromise: Promise<string | null> | null = null;
const SESSION_HINT = 'qingdan.session';

/**
 * Whether this browser believes it has a session. The cookie is httpOnly, so the app keeps a hint:
 * set on sign-in, cleared on sign-out and on any 401. Without it the app does not ask the server
 * who is signed in (which would answer 401 and leave an error in the console).
 */
export function sessionHint(): boolean {
  try {
    return localStorage.getItem(SESSION_HINT) === 'in';
  } catch {
    return true;
  }
}

/** Records whether a session exists. */
export function setSessionHint(signedIn: boolean): void {
  try {
    localStorage.setItem(SESSION_HINT, signedIn ? 'in' : 'out');
  } catch {
    /* storage unavailable */
  }
}

/** Uses the CSRF token the server gave with the sign-in answer. */
export function setCsrf(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

async function csrf(): Promise<string | null> {
  if (csrfToken) return csrfToken;
  if (!sessionHint()) return null; // no session, so no CSRF check
  csrfPromise ??= fetch('/api/auth/csrf', { credentials: 'include' })
    .then(async (r) => (r.ok ? (((await r.json()) as { token?: string }).token ?? null) : null))
    .catch(() => null)
    .finally(() => {
      csrfPromise = null;
    });
  csrfToken = await csrfPromise;
  return csrfToken;
}

/** Forgets the CSRF token (after sign-in or sign-out the session changes). */
export function resetCsrf(): void {
  csrfToken = null;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  idempotencyKey?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

type Listener = (err: ApiError) => void;
const unauthorizedListeners: Listener[] = [];

/** Registers a handler for 401 answers (apps redirect to their sign-in page). */
export function onUnauthorized(fn: Listener): void {
  unauthorizedListeners.push(fn);
}

async function parseError(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details;
    }
  } catch {
    /* not JSON */
  }
  // Whatever language the answer came in, the user reads the message in the page's language.
  const shown = localizeError({ code, message, details }, pageLang());
  return new ApiError(res.status, code, shown.message, shown.details);
}

/** Sends one request to the API; JSON in and out, cookies included, CSRF token on writes. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': savedLocale(),
    ...(opts.headers ?? {}),
  };
  const write = method !== 'GET' && method !== 'HEAD';
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  const send = async (): Promise<Response> => {
    if (write) {
      const token = await csrf();
      if (token) headers['x-csrf-token'] = token;
    }
    return fetch(path + toQuery(opts.query), {
      method,
      headers,
      body,
      credentials: 'include',
      signal: opts.signal,
    });
  };
  let res = await send();
  if (write && res.status === 403) {
    // The token may belong to an earlier session: fetch a fresh one and try once more.
    const peek = res.clone();
    const text = await peek.text().catch(() => '');
    if (/csrf/i.test(text)) {
      resetCsrf();
      res = await send();
    }
  }
  if (!res.ok) {
    const err = await parseError(res);
    if (res.status === 401) {
      setSessionHint(false);
      unauthorizedListeners.forEach((fn) => fn(err));
    }
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) return (await res.json()) as T;
  return (await res.text()) as unknown as T;
}

/** The small API surface used by the pages. */
export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PUT', path, { ...opts, body: body ?? {} }),
  patch: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) =>
    request<T>('PATCH', path, { ...opts, body: body ?? {} }),
  del: <T>(path: string) => request<T>('DELETE', path),
  /** The items of a list answer (`{items, total, nextCursor}`), for lists read whole. */
  list: async <T>(path: string, query?: Query): Promise<T[]> =>
    (await request<{ items: T[] }>('GET', path, { query })).items,
  /** Uploads one file as multipart field `file`. */
  upload: <T>(path: string, file: Blob, name = 'file.jpg', opts: Omit<RequestOptions, 'body'> = {}) => {
    const fd = new FormData();
    fd.append('file', file, name);
    return request<T>('POST', path, { ...opts, body: fd });
  },
};

/** A fresh random key for the `Idempotency-Key` header. */
export function newKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
