/**
 * Names for the API's answers as the web apps use them, all derived from `api.gen.ts` (generated from
 * the server's `/api/openapi.json` by `npm run gen:api`): change a server schema, regenerate, and
 * vue-tsc shows every page the change touches. Nothing here is written by hand but the names.
 */
import type { paths } from './api.gen';

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;

/** The JSON answer of `GET path` (its 200). */
export type GetAnswer<P extends keyof paths> = paths[P] extends { get: { responses: { 200: infer R } } }
  ? Json<R>
  : never;

/** The JSON answer of `method path` for the status the route answers with on success (200 or 201). */
export type Answer<P extends keyof paths, M extends 'post' | 'put' | 'patch' | 'delete'> = paths[P] extends {
  [K in M]: { responses: infer R };
}
  ? R extends { 201: infer C }
    ? Json<C>
    : R extends { 200: infer C }
      ? Json<C>
      : never
  : never;

/** The JSON body of `method path`. */
export type Body<P extends keyof paths, M extends 'post' | 'put' | 'patch'> = paths[P] extends {
  [K in M]: { requestBody?: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

/** One item of the list `GET path` answers. */
export type ItemOf<P extends keyof paths> = GetAnswer<P> extends { items: (infer T)[] } ? T : never;

/** Every list answer: `{items, total, nextCursor}` (paged lists add `page` and `pageSize`). */
export interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

export type ProblemDetail = GetAnswer<'/api/problems/{id}'>;
export type Problem = ItemOf<'/api/problems'> & Partial<ProblemDetail>;
export type ProblemStatus = Problem['status'];
export type ProblemAction = ProblemDetail['actions'][number];
export type ProblemResult = NonNullable<ProblemDetail['result']>;
export type Attachment = ProblemDetail['attachments'][number];
export type Rating = 'satisfied' | 'basically_satisfied' | 'dissatisfied';
export type MapPoint = ItemOf<'/api/problems/map'>;

export type User = ItemOf<'/api/users'>;
/** The jurisdiction the signed-in user works in, and its level (a city reads only its districts' figures). */
export type SessionJurisdiction = NonNullable<GetAnswer<'/api/auth/me'>['jurisdiction']>;
/** The signed-in user with its jurisdiction (absent on a user remembered by an older version). */
export type SessionUser = User & { jurisdiction?: SessionJurisdiction | null };
export type ApiKey = ItemOf<'/api/api-keys'>;
export type Division = ItemOf<'/api/divisions'>;
export type Unit = ItemOf<'/api/units'>;
export type Domain = ItemOf<'/api/domains'>;
export type Category = ItemOf<'/api/categories'>;
export type CategoryField = Category['fields'][number];
export type Indicator = ItemOf<'/api/indicators'>;
export type TimeRule = ItemOf<'/api/time-rules'>;
export type CalendarDay = ItemOf<'/api/calendar'>;

export type Campaign = ItemOf<'/api/campaigns'>;
export type Topic = ItemOf<'/api/topics'>;
export type Visit = ItemOf<'/api/visits'>;
export type Notice = ItemOf<'/api/notices'>;
export type Notification = ItemOf<'/api/notifications'>;

export type StatsSummary = GetAnswer<'/api/stats/summary'>;
export type KpiFigures = StatsSummary['totals'];
export type ResultItem = ItemOf<'/api/results'>;
export type RecentAction = ItemOf<'/api/actions/recent'>;
export type MapConfig = GetAnswer<'/api/config'>;
/** The briefing's figures and text (`GET /api/briefing` as JSON). */
export type BriefingAnswer = Exclude<GetAnswer<'/api/briefing'>, string>;
