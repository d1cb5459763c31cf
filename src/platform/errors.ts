/** A failure the client can act on: an HTTP status, a stable code and a message that says what is wrong. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** 400: the request is malformed. */
export const badRequest = (message: string, details?: unknown) =>
  new AppError(400, 'bad_request', message, details);
/** 401: no or expired credentials. */
export const unauthorized = (message = '请先登录 / sign-in required') =>
  new AppError(401, 'unauthorized', message);
/** 403: signed in, but not allowed. */
export const forbidden = (message = '无权执行此操作 / not allowed', details?: unknown) =>
  new AppError(403, 'forbidden', message, details);
/** 404: nothing with that id here. */
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} 不存在 / not found`);
/** 409: the current state does not allow it. */
export const conflict = (message: string, details?: unknown) =>
  new AppError(409, 'conflict', message, details);
/** 422: well-formed but invalid content (e.g. ledger rows). */
export const unprocessable = (message: string, details?: unknown) =>
  new AppError(422, 'unprocessable', message, details);
/** 412: the version given in If-Match is not the current one. */
export const preconditionFailed = (message: string) => new AppError(412, 'precondition_failed', message);
