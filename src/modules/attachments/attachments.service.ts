import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../kernel/ids.ts';
import type { Principal } from '../../kernel/roles.ts';
import type { AppContext } from '../../platform/context.ts';
import { badRequest, AppError } from '../../platform/errors.ts';
import { attachmentsRepository } from './attachments.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Types accepted, by their content (never by the file name or the browser's word). */
export const ALLOWED_TYPES: Record<string, 'image' | 'document'> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/gif': 'image',
  'application/pdf': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'document',
};

/** The largest image accepted, in pixels: a guard against decompression bombs. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** Uploads one user may hold that are not yet linked to a problem, action or visit (a day's drafts). */
export const MAX_PENDING_UPLOADS = 60;

/**
 * Decodes and re-encodes an image, applying its orientation. The new file carries no metadata: EXIF
 * (GPS position, camera, owner), XMP and comments are gone before anyone else can see the photo, and a
 * file that only pretends to be an image, or hides a payload after it, does not survive the round trip.
 */
export async function reencodeImage(data: Buffer, mime: string): Promise<Buffer> {
  const animated = mime === 'image/gif' || mime === 'image/webp';
  // Loaded on the first photo: the image library is a few megabytes the server need not hold before then.
  const { default: sharp } = await import('sharp');
  let img = sharp(data, { limitInputPixels: MAX_IMAGE_PIXELS, animated, failOn: 'error' });
  if (!animated) img = img.rotate();
  switch (mime) {
    case 'image/jpeg':
      return img.jpeg({ quality: 85, mozjpeg: true }).toBuffer();
    case 'image/png':
      return img.png({ compressionLevel: 9 }).toBuffer();
    case 'image/webp':
      return img.webp({ quality: 85 }).toBuffer();
    default:
      return img.gif().toBuffer();
  }
}

/** An attachment as the API shows it. */
export interface AttachmentInfo {
  id: string;
  name: string;
  mime: string;
  size: number;
  kind: string;
  url: string;
}

function safeName(name: string, ext: string): string {
  const base =
    path
      .basename(name)
      .replace(/[^\p{L}\p{N}._-]+/gu, '_')
      .slice(0, 80) || 'file';
  return base.toLowerCase().endsWith(`.${ext}`) ? base : `${base.replace(/\.[^.]*$/, '')}.${ext}`;
}

/** Stores an uploaded file after checking its real type and size. */
export async function storeAttachment(
  ctx: AppContext,
  p: Principal,
  originalName: string,
  data: Buffer,
): Promise<AttachmentInfo> {
  if (data.length === 0) throw badRequest('file: the file is empty', [{ path: 'file', message: 'empty' }]);
  if (data.length > ctx.config.maxUploadBytes)
    throw new AppError(413, 'too_large', `file: larger than ${ctx.config.maxUploadBytes} bytes`);
  const type = await fileTypeFromBuffer(data);
  const kind = type ? ALLOWED_TYPES[type.mime] : undefined;
  if (!type || !kind) {
    throw new AppError(
      415,
      'unsupported_type',
      `file: ${originalName} is not an accepted image (JPEG, PNG, WebP, GIF) or document (PDF, DOCX, XLSX) by its content`,
      [{ path: 'file', message: `detected ${type?.mime ?? 'unknown type'}` }],
    );
  }
  const now = ctx.clock.now();
  const since = new Date(now.getTime() - 24 * 3600_000).toISOString();
  const owner = p.userId ?? p.apiKeyId ?? null;
  if (
    owner &&
    (await attachmentsRepository.countPending(ctx.db, p.jurisdictionId, owner, since)) >= MAX_PENDING_UPLOADS
  )
    throw new AppError(
      429,
      'too_many_uploads',
      `file: at most ${MAX_PENDING_UPLOADS} uploads a day that are not yet attached to a report`,
    );
  if (kind === 'image') {
    try {
      data = await reencodeImage(data, type.mime);
    } catch (err) {
      throw new AppError(
        415,
        'unreadable_image',
        `file: ${originalName} cannot be read as ${type.mime} (${(err as Error).message})`,
        [{ path: 'file', message: 'unreadable image' }],
      );
    }
  }
  const id = uuidv7();
  const rel = path.join('files', p.jurisdictionId, now.toISOString().slice(0, 7), `${id}.${type.ext}`);
  const abs = path.join(ctx.config.dataDir, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const fd = fs.openSync(abs, 'wx', 0o640);
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  const row = {
    jurisdiction_id: p.jurisdictionId,
    id,
    problem_id: null,
    action_id: null,
    visit_id: null,
    kind,
    mime: type.mime,
    size: data.length,
    sha256: crypto.createHash('sha256').update(data).digest('hex'),
    original_name: safeName(originalName, type.ext),
    storage_path: rel,
    created_by: owner,
    created_at: now.toISOString(),
    service_ref: null,
  };
  await attachmentsRepository.insert(ctx.db, row);
  return { id, name: row.original_name, mime: row.mime, size: row.size, kind, url: `/api/attachments/${id}` };
}

/** Links uploaded files to a problem, an action or a visit; only the uploader's unlinked files. */
export async function linkAttachments(
  ctx: AppContext,
  trx: Db,
  p: Principal,
  ids: string[],
  target: { problemId?: string; actionId?: string; visitId?: string },
): Promise<void> {
  const unique = [...new Set(ids)];
  const rows = await attachmentsRepository.findMany(trx, p.jurisdictionId, unique);
  const owner = p.userId ?? p.apiKeyId ?? null;
  const bad = unique.filter((id) => {
    const r = rows.find((x) => x.id === id);
    return (
      !r ||
      r.created_by !== owner ||
      (r.problem_id !== null && r.problem_id !== target.problemId) ||
      r.action_id !== null ||
      r.service_ref !== null
    );
  });
  if (bad.length)
    throw badRequest(
      `attachments: unknown or not yours: ${bad.join(', ')}`,
      bad.map((id) => ({ path: 'attachments', message: `unknown attachment ${id}` })),
    );
  await attachmentsRepository.link(trx, p.jurisdictionId, unique, target);
  void ctx;
}

/**
 * Takes the uploader's unlinked images for a service module's record (`ref`, e.g. `care:<order id>`):
 * they stop counting as pending uploads and can be attached to nothing else. Answers each file's id and
 * the SHA-256 of the stored bytes, in the order asked; 400 for a file that is unknown, not the uploader's,
 * not an image or taken already.
 */
export async function takeAttachments(
  trx: Db,
  p: Principal,
  ids: string[],
  ref: string,
): Promise<{ id: string; sha256: string }[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await attachmentsRepository.findMany(trx, p.jurisdictionId, unique);
  const owner = p.userId ?? p.apiKeyId ?? null;
  const bad = unique.filter((id) => {
    const r = rows.find((x) => x.id === id);
    return (
      !r ||
      r.created_by !== owner ||
      r.kind !== 'image' ||
      r.problem_id !== null ||
      r.action_id !== null ||
      r.visit_id !== null ||
      r.service_ref !== null
    );
  });
  if (bad.length)
    throw badRequest(
      `attachmentIds: 照片不存在或不是您上传的 / unknown photo or not yours: ${bad.join(', ')}`,
      bad.map((id) => ({ path: 'attachmentIds', message: `unknown photo ${id}` })),
    );
  await attachmentsRepository.takeForService(trx, p.jurisdictionId, unique, ref);
  return unique.map((id) => ({ id, sha256: rows.find((r) => r.id === id)!.sha256 }));
}

/** The files a service module took for one of its records, oldest first. */
export async function attachmentsOfService(ctx: AppContext, jurisdictionId: string, ref: string) {
  return attachmentsRepository.ofServiceRef(ctx.db, jurisdictionId, ref);
}

/** The attachments of a problem. */
export async function attachmentsOf(
  ctx: AppContext,
  jurisdictionId: string,
  problemId: string,
): Promise<(AttachmentInfo & { actionId: string | null })[]> {
  const rows = await attachmentsRepository.ofProblem(ctx.db, jurisdictionId, problemId);
  return rows.map((r) => ({
    id: r.id,
    name: r.original_name,
    mime: r.mime,
    size: Number(r.size),
    kind: r.kind,
    url: `/api/attachments/${r.id}`,
    actionId: r.action_id,
  }));
}

/** Reads a stored file's row and absolute path. */
export async function readAttachment(ctx: AppContext, jurisdictionId: string, id: string) {
  const row = await attachmentsRepository.find(ctx.db, jurisdictionId, id);
  if (!row) return null;
  return { row, absPath: path.join(ctx.config.dataDir, row.storage_path) };
}
