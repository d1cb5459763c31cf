import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../../../test/harness.ts';
import { MAX_PENDING_UPLOADS } from '../attachments.service.ts';

function multipart(filename: string, content: Buffer, type = 'application/octet-stream') {
  const boundary = '----upload' + Math.random().toString(16).slice(2);
  return {
    body: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A photo as a phone takes it: EXIF with the camera and the GPS position of the reporter's home. */
async function photoWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
    .jpeg()
    .withExifMerge({
      IFD0: { Make: 'PhoneMaker', Model: 'Resident-Phone' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '27/1 51/1 3252/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '113/1 9/1 5796/100',
      },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** Malicious uploads: metadata stripped by re-encoding, broken and oversized images refused, counts limited. */
describe('uploads', () => {
  let t: TestApp;
  let resident: Client;

  beforeAll(async () => {
    t = await startTestApp({ seed: 'reference' });
    resident = await t.as('demo-resident');
  });
  afterAll(() => t.close());

  const upload = (c: Client, name: string, data: Buffer, type?: string) => {
    const m = multipart(name, data, type);
    return c.request('POST', '/api/attachments', m.body, m.headers);
  };

  it('re-encodes photos: GPS and camera metadata are gone, the orientation is applied', async () => {
    const original = await photoWithGps();
    const meta = await sharp(original).metadata();
    expect(meta.exif?.toString('latin1')).toContain('Resident-Phone');
    expect(meta.orientation).toBe(6);
    const r = await upload(resident, 'IMG_0001.jpg', original, 'image/jpeg');
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const file = await resident.get(r.body.url);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    const stored = file.raw as Buffer;
    const after = await sharp(stored).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(stored.toString('latin1')).not.toContain('Resident-Phone');
    // Orientation 6 (rotated 90°) was applied to the pixels: 64×48 became 48×64.
    expect([after.width, after.height]).toEqual([48, 64]);
    expect(r.body.size).toBe(stored.length);
    expect(file.headers['content-disposition']).toMatch(/^inline; filename\*=UTF-8''IMG_0001\.jpg$/);
    expect(file.headers['content-security-policy']).toContain('sandbox');
  });

  it('drops a payload hidden after the image data', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#fff0' } })
      .png()
      .toBuffer();
    const polyglot = Buffer.concat([png, Buffer.from('<script>alert(document.cookie)</script>')]);
    const r = await upload(resident, 'x.png', polyglot, 'image/png');
    expect(r.status).toBe(201);
    const stored = (await resident.get(r.body.url)).raw as Buffer;
    expect(stored.toString('latin1')).not.toContain('<script>');
  });

  it('refuses an image that cannot be decoded, and a decompression bomb', async () => {
    const jpeg = await photoWithGps();
    const truncated = jpeg.subarray(0, 200);
    let r = await upload(resident, 'broken.jpg', truncated, 'image/jpeg');
    expect(r.status, JSON.stringify(r.body)).toBe(415);
    expect(r.body.error.message).toContain('broken.jpg');
    const bomb = await sharp({ create: { width: 10_000, height: 6_000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(1_000_000);
    r = await upload(resident, 'bomb.png', bomb, 'image/png');
    expect(r.status).toBe(415);
    expect(r.body.error.message).toMatch(/pixel|limit/i);
  });

  it('limits the count: 9 files per report, and a day’s worth of unattached uploads per user', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#123' } })
      .png()
      .toBuffer();
    const ids: string[] = [];
    const c = await t.as('demo-enterprise');
    let last = 0;
    for (let i = 0; i < MAX_PENDING_UPLOADS + 1; i++) {
      const r = await upload(c, `p${i}.png`, png);
      last = r.status;
      if (r.status === 201) ids.push(r.body.id);
    }
    expect(ids).toHaveLength(MAX_PENDING_UPLOADS);
    expect(last).toBe(429);
    const tooMany = await c.post('/api/problems', {
      categoryCode: 'finance',
      title: '融资',
      description: '需要贷款',
      villageCode: '430202001001',
      attachmentIds: ids.slice(0, 10),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toContain('attachmentIds');
  });
});
