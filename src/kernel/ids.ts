import { createHash, randomBytes } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

// Monotonic state (RFC 9562 §6.2, method 1): within one millisecond the 12-bit rand_a field is a
// counter, so ids made by this process sort in creation order even when the clock stalls or steps back.
let lastMs = -1;
let lastCounter = 0;

// Random bytes drawn from the system in blocks: one system call per 409 ids instead of one per id.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;
function random10(): Buffer {
  if (poolOffset + 10 > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + 10);
  poolOffset += 10;
  return out;
}

/** A new RFC 9562 UUIDv7 (time-ordered, lowercase), monotonic within this process. */
export function uuidv7(): string {
  let ms = Date.now();
  let counter: number;
  const rand = random10();
  if (ms > lastMs) {
    // Seed with 11 random bits (top bit clear) to leave room for at least 2048 increments.
    counter = ((rand[0] << 8) | rand[1]) & 0x7ff;
  } else {
    ms = lastMs;
    counter = lastCounter + 1;
    if (counter > 0xfff) {
      ms += 1;
      counter = ((rand[0] << 8) | rand[1]) & 0x7ff;
    }
  }
  lastMs = ms;
  lastCounter = counter;

  const bytes = new Uint8Array(16);
  // 48-bit big-endian Unix milliseconds; split because bit operators work on 32 bits.
  const high = Math.floor(ms / 0x100000000);
  const low = ms >>> 0;
  bytes[0] = (high >>> 8) & 0xff;
  bytes[1] = high & 0xff;
  bytes[2] = (low >>> 24) & 0xff;
  bytes[3] = (low >>> 16) & 0xff;
  bytes[4] = (low >>> 8) & 0xff;
  bytes[5] = low & 0xff;
  bytes[6] = 0x70 | ((counter >>> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (rand[2] & 0x3f);
  for (let i = 9; i < 16; i++) bytes[i] = rand[i - 6];

  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i]];
  }
  return out;
}

/** A random URL-safe token (base64url, no padding) carrying `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 1)
    throw new RangeError(`randomToken: bytes must be a positive integer`);
  return randomBytes(bytes).toString('base64url');
}

/** The SHA-256 digest of a string (UTF-8) or buffer, as lowercase hex. */
export function sha256Hex(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}
