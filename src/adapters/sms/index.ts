import type { Logger } from 'pino';
import { ConsoleSms } from './console.ts';
import { RecordingSms } from './fake.ts';
import type { SmsSender } from './types.ts';

export { ConsoleSms } from './console.ts';
export { RecordingSms, type SmsFailure } from './fake.ts';
export {
  renderSms,
  SMS_TEMPLATES,
  type SmsMessage,
  type SmsReceipt,
  type SmsSender,
  type SmsTemplateId,
} from './types.ts';

/** The provider named by configuration (`QINGDAN_SMS`): `console` (default) or `recording` (tests). */
export function createSmsSender(name: string, log: Logger): SmsSender {
  if (name === 'console') return new ConsoleSms(log);
  if (name === 'recording') return new RecordingSms();
  throw new Error(`unknown SMS provider "${name}" (QINGDAN_SMS): console or recording`);
}
