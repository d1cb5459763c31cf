import { describe, expect, it } from 'vitest';
import { fieldLabel, issueText, langOf, localizeError, pickLang } from '../apiText.ts';

/** The error texts shared by the server and the web apps. */
describe('apiText', () => {
  it('reads the language of Accept-Language by preference, or none', () => {
    expect(langOf('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(langOf('en-US')).toBe('en');
    expect(langOf('fr;q=0.9, en;q=0.5, zh;q=0.7')).toBe('zh');
    expect(langOf('fr')).toBeNull();
    expect(langOf(undefined)).toBeNull();
  });

  it('picks one side of a bilingual message, and refuses a message in the other language', () => {
    expect(pickLang('该问题尚未督办 / the problem was never pressed', 'zh')).toBe('该问题尚未督办');
    expect(pickLang('该问题尚未督办 / the problem was never pressed', 'en')).toBe(
      'the problem was never pressed',
    );
    expect(pickLang('changed meanwhile', 'zh')).toBeNull();
    expect(pickLang('changed meanwhile', 'en')).toBe('changed meanwhile');
  });

  it("turns zod's issue codes into plain words in both languages", () => {
    const tooSmall = { code: 'too_small', params: { origin: 'string', minimum: 1 } };
    expect(issueText(tooSmall, 'zh')).toBe('必填');
    expect(issueText(tooSmall, 'en')).toBe('Required');
    expect(issueText({ code: 'too_big', params: { origin: 'string', maximum: 200 } }, 'zh')).toBe(
      '最多 200 个字',
    );
    expect(
      issueText({ code: 'invalid_format', path: ['reporter', 'phone'], params: { format: 'regex' } }, 'en'),
    ).toBe('Enter an 11-digit mobile number');
    expect(issueText({ code: 'invalid_type', params: { received: 'undefined' } }, 'zh')).toBe('必填');
  });

  it('names fields by label, never by path, in a whole validation answer', () => {
    const answer = {
      code: 'validation',
      message: 'leadUnitId: Too small: expected string to have >=1 characters',
      details: [
        {
          path: 'leadUnitId',
          code: 'too_small',
          params: { origin: 'string', minimum: 1 },
          message: 'Too small: expected string to have >=1 characters',
        },
      ],
    };
    const zh = localizeError(answer, 'zh');
    expect(zh.message).toBe('牵头单位：必填');
    expect((zh.details as { message: string }[])[0]!.message).toBe('必填');
    const en = localizeError(answer, 'en');
    expect(en.message).toBe('Lead unit: Required');
    expect(en.message).not.toMatch(/leadUnitId|expected|Too small/);
    expect(fieldLabel('fields.0.unknownThing', 'zh')).toBeNull();
  });

  it('falls back to the code when the message is in the other language', () => {
    expect(
      localizeError({ code: 'precondition_failed', message: 'changed by someone else' }, 'zh').message,
    ).toBe('已被他人修改，请刷新后重试');
  });
});
