import { FakeIdReader } from './fake.ts';
import type { IdCardReader } from './types.ts';

export { FakeIdReader } from './fake.ts';
export {
  IdReadError,
  ID_READ_MESSAGES,
  type IdCard,
  type IdCardReader,
  type IdReadFailure,
} from './types.ts';

/** The reader named by configuration (`QINGDAN_IDREADER`): `fake` (default; a station's real reader plugs in here). */
export function createIdReader(name: string): IdCardReader {
  if (name === 'fake') return new FakeIdReader();
  throw new Error(`unknown ID-card reader "${name}" (QINGDAN_IDREADER): fake`);
}
