import http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DB } from '../../test/harness.ts';
import { HttpClient, prepareDatabase, startServer, type TestDatabase } from '../../test/server-process.ts';

/**
 * Graceful shutdown: SIGTERM while an upload is still arriving. The server stops taking new connections,
 * finishes the request in flight (201, the file stored), closes the database and exits 0.
 */
describe(`graceful shutdown (${TEST_DB})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await prepareDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('finishes a request in flight after SIGTERM, then exits 0', async () => {
    const server = await startServer(db);
    const client = await new HttpClient(server.url).login('demo-resident');
    const headers = client as unknown as { cookie: string; csrf: string };
    const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#468' } })
      .jpeg()
      .toBuffer();
    const boundary = '----shutdown';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      photo,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const url = new URL('/api/attachments', server.url);
    let sendTheRest = () => {};
    const turnedAway = new Promise<void>((res) => (sendTheRest = res));
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          headers: {
            cookie: headers.cookie,
            'x-csrf-token': headers.csrf,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(body.length),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      // Half of the upload now, SIGTERM, the rest once new connections are turned away: the request is
      // in flight during shutdown.
      req.write(body.subarray(0, body.length >> 1));
      setTimeout(() => server.child.kill('SIGTERM'), 300);
      void turnedAway.then(() => req.end(body.subarray(body.length >> 1)));
    });
    // Meanwhile new connections stop being served. Asked until they are, not after a fixed delay: a busy
    // machine can take a while to get to the signal (the bound is only against a server that never does).
    await new Promise((res) => setTimeout(res, 400));
    let late: number | string = 200;
    for (let tries = 0; late === 200 && tries < 600; tries++) {
      late = await fetch(`${server.url}/api/health`).then(
        (r) => r.status,
        () => 'refused',
      );
      if (late === 200) await new Promise((res) => setTimeout(res, 100));
    }
    expect([503, 'refused']).toContain(late);
    sendTheRest();
    const r = await answer;
    const answered = Date.now();
    expect(r.status, r.body).toBe(201);
    expect(JSON.parse(r.body).mime).toBe('image/jpeg');
    expect(await server.exited).toBe(0);
    // The client's idle keep-alive connection does not hold the exit back.
    expect(Date.now() - answered).toBeLessThan(3000);

    // The upload was kept: a restarted server serves it.
    const again = await startServer(db);
    const c2 = await new HttpClient(again.url).login('demo-resident');
    expect((await c2.request('GET', JSON.parse(r.body).url)).status).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 300_000);
});
