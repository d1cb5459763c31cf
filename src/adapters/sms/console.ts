import type { Logger } from 'pino';
import { randomToken } from '../../kernel/ids.ts';
import { renderSms, type SmsMessage, type SmsReceipt, type SmsSender } from './types.ts';

/**
 * The default provider for a single machine: writes each message to the server's log (the operator of a
 * demo or a test installation reads codes there). Nothing leaves the machine, and nothing is returned to
 * the caller of the API.
 */
export class ConsoleSms implements SmsSender {
  readonly name = 'console';
  constructor(private readonly log: Logger) {}

  /** Logs the rendered message with the number masked in the structured fields. */
  async send(message: SmsMessage): Promise<SmsReceipt> {
    const id = randomToken(8);
    this.log.info(
      { sms: { id, to: `${message.to.slice(0, 3)}****${message.to.slice(7)}`, template: message.template } },
      `SMS to ${message.to}: ${renderSms(message)}`,
    );
    return { id, provider: this.name };
  }
}
