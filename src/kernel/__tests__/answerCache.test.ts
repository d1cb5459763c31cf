import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { Answer, AnswerCache } from '../versionedCache.ts';

const text = (a: Answer) => a.body.toString('utf8');

describe('AnswerCache', () => {
  it('serves an answer only at the version it was computed for, and drops older versions', async () => {
    const c = new AnswerCache(1024 * 1024);
    let computed = 0;
    const compute = (v: string) => async () => {
      computed++;
      return v;
    };
    expect(text(await c.get('j', 1, 'k', compute('a')))).toBe('a');
    expect(text(await c.get('j', 1, 'k', compute('b')))).toBe('a');
    expect(computed).toBe(1);
    // A newer version: recomputed.
    expect(text(await c.get('j', 2, 'k', compute('c')))).toBe('c');
    // A reader still on the old version computes, but its answer is not kept over the newer one.
    expect(text(await c.get('j', 1, 'k', compute('old')))).toBe('old');
    expect(text(await c.get('j', 2, 'k', compute('d')))).toBe('c');
    // Scopes are independent.
    expect(text(await c.get('other', 1, 'k', compute('e')))).toBe('e');
    expect(text(await c.get('j', 2, 'k', compute('f')))).toBe('c');
  });

  it('computes once for a burst of identical requests', async () => {
    const c = new AnswerCache();
    let computed = 0;
    const slow = async () => {
      computed++;
      await new Promise((r) => setTimeout(r, 20));
      return 'x';
    };
    const all = await Promise.all(Array.from({ length: 10 }, () => c.get('j', 5, 'k', slow)));
    expect(all.map(text)).toEqual(Array(10).fill('x'));
    // One answer object for all of them: its bytes and its compressed copy are made once.
    expect(new Set(all).size).toBe(1);
    expect(computed).toBe(1);
  });

  it('stays within its byte bound, evicting the oldest answers', async () => {
    const c = new AnswerCache(4000); // 2,000 characters
    for (let i = 0; i < 10; i++) await c.get('j', 1, `k${i}`, async () => 'y'.repeat(400));
    let recomputed = 0;
    await c.get('j', 1, 'k0', async () => {
      recomputed++;
      return 'z';
    });
    await c.get('j', 1, 'k9', async () => {
      recomputed++;
      return 'z';
    });
    expect(recomputed).toBe(1); // k0 was evicted, k9 is still there
  });

  it('keeps UTF-8 bytes and a gzip copy made once', async () => {
    const json = JSON.stringify({ title: '路灯损坏'.repeat(500) });
    const a = new Answer(json);
    expect(a.body.toString('utf8')).toBe(json);
    expect(a.body.length).toBe(Buffer.byteLength(json));
    const [g1, g2] = await Promise.all([a.gzip(), a.gzip()]);
    expect(g1).toBe(g2);
    expect(gunzipSync(g1).toString('utf8')).toBe(json);
    expect(g1.length).toBeLessThan(a.body.length / 10);
  });
});
