import { randomToken } from '../../kernel/ids.ts';
import type { SmsMessage, SmsReceipt, SmsSender } from './types.ts';

/** What the fake does with the next messages: deliver, or fail as a real provider does. */
export type SmsFailure = 'rejected' | 'unreachable';

/**
 * A provider for tests that keeps every message it accepted, in order, and can be told to fail the
 * next sends the way real providers fail (a refused template or number, a timeout).
 */
export class RecordingSms implements SmsSender {
  readonly name = 'recording';
  readonly sent: (SmsMessage & { id: string })[] = [];
  private failures: SmsFailure[] = [];

  /** Makes the next `n` sends fail with `kind`. */
  failNext(kind: SmsFailure, n = 1): void {
    for (let i = 0; i < n; i++) this.failures.push(kind);
  }

  /** Records the message, or fails as told. */
  async send(message: SmsMessage): Promise<SmsReceipt> {
    const failure = this.failures.shift();
    if (failure === 'rejected') throw new Error('SMS provider rejected the message');
    if (failure === 'unreachable') throw new Error('SMS provider unreachable');
    const id = randomToken(8);
    this.sent.push({ ...message, id });
    return { id, provider: this.name };
  }

  /** The messages sent to one number, oldest first. */
  to(phone: string): (SmsMessage & { id: string })[] {
    return this.sent.filter((m) => m.to === phone);
  }

  /** The parameter `name` of the last message sent to `phone` with `template`, if any. */
  last(phone: string, template: SmsMessage['template'], name: string): string | undefined {
    const m = this.to(phone).filter((x) => x.template === template);
    return m[m.length - 1]?.params[name];
  }
}
