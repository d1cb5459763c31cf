/**
 * A photo sent the way Open311 clients send one: a multipart/form-data POST with the file beside the form
 * fields and `api_key` among them. The photo becomes an attachment of the new problem and the request's
 * `media_url`, served while the request is public; a photo too big or not a photo is a 400 in the
 * GeoReport error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../test/harness.ts';
import {
  acceptPending,
  call,
  callMultipart,
  expectValid,
  jpegPhoto,
  jsonOf,
  xmlErrors,
  xmlOf,
  type FilePart,
} from './open311.helpers.ts';

const KEY = 'demo-open311-key';
const BASE = '/open311/v2';
const MAX_UPLOAD = 200_000;

describe('Open311 multipart POST with a photo', () => {
  let t: TestApp;
  let supervisor: Client;
  let photo: Buffer;
  let published: string;
  const fields = (description: string): [string, string][] => [
    ['api_key', KEY],
    ['service_code', 'roads'],
    ['attribute[hazard]', '较大'],
    ['lat', '27.86'],
    ['long', '113.17'],
    ['description', description],
  ];
  const media = (content: Buffer, filename = 'photo.jpeg', type = 'image/jpeg'): FilePart => ({
    field: 'media',
    filename,
    content,
    type,
  });
  const problemOf = async (number: string) => {
    const row = await t.ctx.db
      .selectFrom('problems')
      .select('id')
      .where('number', '=', number)
      .executeTakeFirstOrThrow();
    return (await supervisor.get(`/api/problems/${row.id}`)).body as {
      status: string;
      attachments: { kind: string; mime: string }[];
    };
  };
  const readOne = async (number: string, query = '') =>
    (
      (await call(t.app, 'GET', `${BASE}/requests/${number}.json${query}`)).json as {
        media_url: string | null;
      }[]
    )[0]!;
  /** The path and query of a media_url under the configured public URL. */
  const pathOf = (url: string) => {
    expect(url.startsWith(`${t.ctx.config.publicUrl}${BASE}/media/`)).toBe(true);
    return url.slice(t.ctx.config.publicUrl.length);
  };

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference', config: { maxUploadBytes: MAX_UPLOAD } });
    supervisor = await t.as('demo-supervisor');
    photo = await jpegPhoto();
  });
  afterAll(() => t.close());

  it('takes a JSON request with a photo as an attachment and serves it as media_url once published', async () => {
    const r = await callMultipart(t.app, `${BASE}/requests.json`, fields('路面坑洼，见照片'), [media(photo)]);
    expect(r.status, r.text).toBe(200);
    const number = jsonOf<{ service_request_id: string }[]>(r, 'post-response.json')[0]!.service_request_id;
    const problem = await problemOf(number);
    expect(problem.attachments).toHaveLength(1);
    expect(problem.attachments[0]).toMatchObject({ kind: 'image', mime: 'image/jpeg' });

    // Read back by the client with its key while 待审核: media_url points at the photo, served to the key.
    const own = await readOne(number, `?api_key=${KEY}`);
    const path = pathOf(own.media_url!);
    expect((await call(t.app, 'GET', path)).status).toBe(404);
    const withKey = await call(t.app, 'GET', `${path}&api_key=${KEY}`);
    expect(withKey.status).toBe(200);

    await acceptPending(supervisor);
    const listed = jsonOf<{ service_request_id: string; media_url: string | null }[]>(
      await call(t.app, 'GET', `${BASE}/requests.json`),
      'requests.json',
    ).find((x) => x.service_request_id === number)!;
    expect(listed.media_url).toBe(own.media_url);
    const served = await t.app.inject({ method: 'GET', url: path });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    published = number;
  });

  it('takes a photo sent with an update as an attachment of the problem, kept with the update', async () => {
    const r = await callMultipart(
      t.app,
      `${BASE}/servicerequestupdates.json`,
      [
        ['api_key', KEY],
        ['service_request_id', published],
        ['description', '坑又变大了，补一张照片'],
      ],
      [media(photo, 'later.jpg')],
    );
    expect(r.status, r.text).toBe(200);
    expectValid('update-response.json', r.json);
    const problem = (await problemOf(published)) as Awaited<ReturnType<typeof problemOf>> & {
      actions: { id: string; action: string }[];
    };
    expect(problem.attachments).toHaveLength(2);
    const updateId = (r.json as { update_id: string }[])[0]!.update_id;
    expect(problem.actions.find((a) => a.id === updateId)?.action).toBe('open311_update');
  });

  it('takes an XML request with a photo and answers in XML', async () => {
    const r = await callMultipart(t.app, `${BASE}/requests.xml`, fields('井盖缺失'), [
      media(photo, 'cover.jpg'),
    ]);
    expect(r.status, r.text).toBe(200);
    const body = xmlOf<{ request: { service_request_id: string }[] }>(r, 'service_requests');
    const number = body.request[0]!.service_request_id;
    expect((await problemOf(number)).attachments).toHaveLength(1);
    const x = xmlOf<{ request: { media_url: string }[] }>(
      await call(t.app, 'GET', `${BASE}/requests/${number}.xml?api_key=${KEY}`),
      'service_requests',
    );
    expect(pathOf(x.request[0]!.media_url)).toContain('/media/');
  });

  it('takes a multipart request without a photo as a form', async () => {
    const r = await callMultipart(t.app, `${BASE}/requests.json`, fields('路灯不亮'), []);
    expect(r.status, r.text).toBe(200);
    const number = (r.json as { service_request_id: string }[])[0]!.service_request_id;
    expect((await readOne(number, `?api_key=${KEY}`)).media_url).toBeNull();
  });

  it('refuses a missing key, a photo too big and a file that is not a photo with 400 in both formats', async () => {
    const noKey = await callMultipart(
      t.app,
      `${BASE}/requests.json`,
      fields('无密钥').filter(([k]) => k !== 'api_key'),
      [media(photo)],
    );
    expect(noKey.status).toBe(403);
    expectValid('errors.json', noKey.json);

    const before = await t.ctx.db
      .selectFrom('problems')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const big = Buffer.concat([photo, Buffer.alloc(MAX_UPLOAD)]);
    const text = Buffer.from('这不是照片 / not a photo');
    for (const [file, words] of [
      [media(big), 'larger than'],
      [media(text, 'note.txt', 'text/plain'), 'not an accepted image'],
    ] as const) {
      const j = await callMultipart(t.app, `${BASE}/requests.json`, fields('照片有误'), [file]);
      expect(j.status, j.text).toBe(400);
      expectValid('errors.json', j.json);
      const e = (j.json as { code: number; description: string }[])[0]!;
      expect(e.code).toBe(400);
      expect(e.description).toContain('media');
      expect(e.description).toContain(words);
      const x = await callMultipart(t.app, `${BASE}/requests.xml`, fields('照片有误'), [file]);
      expect(x.status).toBe(400);
      expect(xmlErrors(x)[0]!.description).toContain(words);
    }
    // Nothing half-written: no problem was created by the refused requests.
    const after = await t.ctx.db
      .selectFrom('problems')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('serves only photos posted as media: 404 for an unknown id, in the spec shape', async () => {
    const r = await call(t.app, 'GET', `${BASE}/media/00000000-0000-7000-8000-000000000000`);
    expect(r.status).toBe(404);
    expect(xmlErrors(r)[0]!.code).toBe(404);
  });
});
