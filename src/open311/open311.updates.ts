/** mySociety's Open311 updates: the public action log read as updates, and updates taken as actions. */
import { redactText } from '../kernel/redact.ts';
import type { Principal } from '../kernel/roles.ts';
import type { AppContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { linkAttachments } from '../modules/attachments/index.ts';
import {
  act,
  appendAction,
  notifyRole,
  problemsByNumberOrId,
  type ActionName,
  type ProblemFilters,
  type ProblemDetail,
  type ProblemRecord,
  type Status,
} from '../modules/problems/index.ts';
import { w3c, type Document } from './open311.format.ts';
import { open311Repository } from './open311.repository.ts';
import {
  DESCRIPTION_LIMIT,
  Open311Error,
  type Open311ErrorItem,
  type Params,
  authenticate,
  charCount,
  dateParam,
  err,
  list,
  paging,
  str,
  throwIfAny,
  window,
  publicFilterContext,
} from './open311.calls.ts';
import { MAX_PHOTOS, isHttpUrl, storePhotos, type Photo } from './open311.create.ts';
import { statusNotes } from './open311.requests.ts';

/** The extended status (upper case, mySociety's extension) a problem status is reported as in an update. */
const UPDATE_STATUS_OF: Record<Status, string> = {
  submitted: 'OPEN',
  returned: 'OPEN',
  rejected: 'NOT_COUNCILS_RESPONSIBILITY',
  assigned: 'OPEN',
  bounced: 'OPEN',
  in_progress: 'IN_PROGRESS',
  closure_requested: 'IN_PROGRESS',
  closed: 'CLOSED',
  merged: 'DUPLICATE',
};

/** An update's status: FIXED for a verified closure, else the status its action led to. */
function updateStatusOf(action: string, toStatus: string): string {
  if (action === 'verify') return 'FIXED';
  return UPDATE_STATUS_OF[toStatus as Status] ?? 'OPEN';
}

/**
 * mySociety's GET servicerequestupdates: the public actions after submission (dispatch, sign, progress,
 * closure, verification, rating, reopening …) in the window (90 days by default), oldest first.
 */
export async function listUpdates(
  ctx: AppContext,
  jurisdictionId: string,
  params: Params,
): Promise<Document> {
  const errors: Open311ErrorItem[] = [];
  const ids = list(params, 'service_request_id');
  const span = window(params, errors, ctx.clock.now(), !ids);
  const { limit, offset } = paging(params, errors);
  throwIfAny(errors);
  const rows = await open311Repository.updates(ctx.db, jurisdictionId, { ...span, ids, limit, offset });
  return {
    root: 'service_request_updates',
    body: rows.map((a) => ({
      update_id: a.id,
      service_request_id: a.number,
      status: updateStatusOf(a.action, a.to_status),
      updated_datetime: w3c(a.created_at),
      description: redactText(statusNotes(a)) ?? '',
      media_url: null,
    })),
  };
}

/** What an update's status asks of the lifecycle. */
type UpdateEffect = 'comment' | 'progress' | 'closure' | 'bounce';

/**
 * mySociety's update statuses (upper case, as its extension documents) and what each asks of the
 * lifecycle when the request's lead unit posts it: progress (签收 first when not yet signed), a closure
 * request (申请销号: the supervisor still verifies; a client never closes), a return for re-dispatch
 * (退单), or only a comment for the supervisors.
 */
export const UPDATE_STATUSES: Record<string, UpdateEffect> = {
  OPEN: 'comment',
  INVESTIGATING: 'progress',
  IN_PROGRESS: 'progress',
  ACTION_SCHEDULED: 'progress',
  FIXED: 'closure',
  CLOSED: 'closure',
  DUPLICATE: 'comment',
  NOT_COUNCILS_RESPONSIBILITY: 'bounce',
  INTERNAL_REFERRAL: 'bounce',
  NO_FURTHER_ACTION: 'comment',
  UNABLE_TO_FIX: 'comment',
};

/**
 * mySociety's POST servicerequestupdates. A status that changes the request (UPDATE_STATUSES) is taken as
 * the lifecycle action it maps to, by the principal of the key, so only the lead unit's key may post it
 * (403 otherwise, never a silent 200). Anything else is a client's comment: kept in the problem's log (not
 * public: staff read it and decide), and the supervisors are notified.
 */
export async function postUpdate(
  ctx: AppContext,
  jid: string,
  principal: Principal | null,
  params: Params,
  photos: Photo[] = [],
): Promise<Document> {
  const p = await authenticate(ctx, jid, principal, params, 'post_service_request_update');
  const errors: Open311ErrorItem[] = [];
  const id = str(params, 'service_request_id');
  const description = str(params, 'description');
  const status = str(params, 'status')?.toUpperCase();
  const mediaUrl = str(params, 'media_url');
  if (!id) errors.push(err(400, 'service_request_id was not provided'));
  if (!description) errors.push(err(400, 'description was not provided'));
  else if (charCount(description) > DESCRIPTION_LIMIT)
    errors.push(err(400, `description is longer than ${DESCRIPTION_LIMIT} characters`));
  if (status && !(status in UPDATE_STATUSES))
    errors.push(
      err(
        400,
        `status must be one of ${Object.keys(UPDATE_STATUSES).join(', ')}, got '${str(params, 'status')}'`,
      ),
    );
  if (mediaUrl && !isHttpUrl(mediaUrl))
    errors.push(err(400, `media_url must be an http(s) URL, got '${mediaUrl}'`));
  const updatedAt = dateParam(params, 'updated_datetime', errors);
  let row: ProblemRecord | undefined;
  if (id) {
    [row] = await problemsByNumberOrId(ctx.db, publicFilterContext(ctx, jid, {} as ProblemFilters), [id]);
    if (!row) errors.push(err(404, `service_request_id '${id}' was not found`));
  }
  if (photos.length > MAX_PHOTOS)
    errors.push(err(400, `media: at most ${MAX_PHOTOS} photos an update, got ${photos.length}`));
  throwIfAny(errors);
  const problem = row!;
  const attachmentIds = await storePhotos(ctx, p, photos);
  const effect = status ? UPDATE_STATUSES[status]! : 'comment';
  if (effect !== 'comment')
    return {
      root: 'service_request_updates',
      body: [
        {
          update_id: await applyUpdate(ctx, p, problem, status!, effect, description!, attachmentIds),
        },
      ],
    };
  const at = ctx.clock.now().toISOString();
  const name = [str(params, 'last_name'), str(params, 'first_name')].filter(Boolean).join('');
  const actionId = await ctx.db.transaction().execute(async (trx) => {
    const a = await appendAction(trx, jid, {
      problemId: problem.id,
      action: 'open311_update',
      from: problem.status,
      to: problem.status,
      actor: { userId: null, name: p.displayName, unitId: null },
      note: description!,
      data: {
        mediaUrl: mediaUrl ?? null,
        clientUpdateId: str(params, 'update_id') ?? null,
        requestedStatus: status ?? null,
        updatedDatetime: updatedAt?.toISOString() ?? null,
        author: name || null,
      },
      public: false,
      at,
    });
    if (attachmentIds.length)
      await linkAttachments(ctx, trx, p, attachmentIds, { problemId: problem.id, actionId: a.id });
    await notifyRole(trx, jid, {
      role: 'supervisor',
      kind: 'open311_update',
      problemId: problem.id,
      title: `Open311 补充信息：${problem.number}${status && status !== 'OPEN' ? `（${status}）` : ''}`,
      body: description!.slice(0, 200),
      at,
    });
    return a.id;
  });
  return { root: 'service_request_updates', body: [{ update_id: actionId }] };
}

/**
 * Takes an update's status as the lifecycle action it maps to, by the key's principal (the lifecycle's
 * policy decides: a key that is not the lead unit's gets 403, a status the action cannot start from 409).
 * Returns the id of the last action written.
 */
async function applyUpdate(
  ctx: AppContext,
  p: Principal,
  problem: ProblemRecord,
  status: string,
  effect: Exclude<UpdateEffect, 'comment'>,
  description: string,
  attachmentIds: string[],
): Promise<string> {
  const attachments = attachmentIds.length ? { attachments: attachmentIds } : {};
  const steps: [ActionName, Record<string, unknown>][] =
    effect === 'bounce'
      ? [['bounce', { reason: description }]]
      : problem.status === 'assigned'
        ? [['sign', { note: description }]]
        : [];
  // Signing takes no photo: the photos of a first progress update go with a progress note after it.
  if (effect === 'progress' && (steps.length === 0 || attachmentIds.length))
    steps.push(['progress', { note: description, ...attachments }]);
  if (effect === 'closure') steps.push(['request_closure', { summary: description, ...attachments }]);
  let last: ProblemDetail | null = null;
  try {
    for (const [action, body] of steps) last = await act(ctx, p, problem.id, action, body);
    // A refusal (退单) takes no photo either: the photos stay with the problem.
    if (effect === 'bounce' && attachmentIds.length)
      await ctx.db
        .transaction()
        .execute((trx) => linkAttachments(ctx, trx, p, attachmentIds, { problemId: problem.id }));
  } catch (e) {
    if (e instanceof AppError && e.statusCode < 500) {
      const refused = e.statusCode === 403 || e.statusCode === 404;
      const why = refused
        ? `status ${status} changes the request: only the key of its lead unit may post it (a closure is requested, then verified by the supervisor)`
        : `status ${status} cannot be taken now: ${e.message}`;
      const code = refused ? 403 : 400;
      throw new Open311Error(code, [err(code, why)]);
    }
    throw e;
  }
  return last!.actions[last!.actions.length - 1]!.id;
}
