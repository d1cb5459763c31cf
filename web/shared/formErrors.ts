import { watch } from 'vue';
import { issueText } from '../../src/kernel/apiText';
import { pageLang } from './api';

/** The "required" message in the page's language, the same text the server gives. */
export function requiredText(): string {
  return issueText({ code: 'too_small', params: { origin: 'string', minimum: 1 } }, pageLang());
}

/** The "11-digit mobile" message in the page's language, the same text the server gives. */
export function mobileText(): string {
  return issueText({ code: 'invalid_format', path: 'phone', params: { format: 'regex' } }, pageLang());
}

/** Whether a text is a mainland mobile number, as the server checks it. */
export function isMobile(s: string): boolean {
  return /^1[3-9]\d{9}$/.test(s.trim());
}

/**
 * Removes a field's message from `errors` as soon as that field of `form` changes (a nested
 * `fields.x` message goes when `form.fields.x` changes).
 */
export function clearOnChange(form: object, errors: Record<string, string>): void {
  const snapshot = () => JSON.parse(JSON.stringify(form)) as Record<string, unknown>;
  watch(snapshot, (now, before) => {
    for (const key of Object.keys(errors)) {
      const [head = '', sub] = key.split('.');
      const a = sub ? (now[head] as Record<string, unknown> | undefined)?.[sub] : now[head];
      const b = sub ? (before[head] as Record<string, unknown> | undefined)?.[sub] : before[head];
      if (JSON.stringify(a) !== JSON.stringify(b)) delete errors[key];
    }
  });
}
