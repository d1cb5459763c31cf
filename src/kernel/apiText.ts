/**
 * The API's error texts in the user's language (zh first, en complete), shared by the server (which
 * answers in the language of `Accept-Language`) and the three web apps (which map an error's code and
 * its validation issues to their own language). Pure: no I/O, no imports, so the web can bundle it.
 */

/** A language the API answers in. */
export type Lang = 'zh' | 'en';

/** One validation issue as the API reports it: the zod issue's code and its parameters. */
export interface IssueLike {
  path?: string | (string | number)[];
  code?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** An error answer's body: `{code, message, details}`. */
export interface ErrorLike {
  code: string;
  message: string;
  details?: unknown;
}

type Text = { zh: string; en: string };

/** Names of request fields, so a message can say which field without showing its path. */
export const FIELD_LABELS: Record<string, Text> = {
  title: { zh: '标题', en: 'Title' },
  description: { zh: '问题描述', en: 'Description' },
  categoryCode: { zh: '问题类别', en: 'Category' },
  villageCode: { zh: '村（社区）', en: 'Village' },
  address: { zh: '详细地址', en: 'Address' },
  lat: { zh: '位置', en: 'Location' },
  lng: { zh: '位置', en: 'Location' },
  reporter: { zh: '反映人', en: 'Reporter' },
  phone: { zh: '联系电话', en: 'Phone' },
  name: { zh: '名称', en: 'Name' },
  displayName: { zh: '姓名', en: 'Name' },
  username: { zh: '用户名', en: 'User name' },
  password: { zh: '密码', en: 'Password' },
  code: { zh: '编码', en: 'Code' },
  roles: { zh: '角色', en: 'Roles' },
  unitId: { zh: '所属单位', en: 'Unit' },
  leadUnitId: { zh: '牵头单位', en: 'Lead unit' },
  supportingUnitIds: { zh: '配合单位', en: 'Supporting units' },
  reason: { zh: '理由', en: 'Reason' },
  note: { zh: '说明', en: 'Note' },
  summary: { zh: '整改成效', en: 'Result summary' },
  indicators: { zh: '成效指标', en: 'Indicators' },
  until: { zh: '延期至', en: 'Until' },
  intoId: { zh: '合并到的问题', en: 'Primary problem' },
  rating: { zh: '评价', en: 'Rating' },
  comment: { zh: '意见', en: 'Comment' },
  enterpriseName: { zh: '企业名称', en: 'Enterprise' },
  enterpriseUscc: { zh: '统一社会信用代码', en: 'Credit code' },
  domain: { zh: '领域', en: 'Domain' },
  kind: { zh: '类型', en: 'Kind' },
  date: { zh: '日期', en: 'Date' },
  file: { zh: '文件', en: 'File' },
  categoryCodeNew: { zh: '新类别', en: 'New category' },
  dueAt: { zh: '办结期限', en: 'Deadline' },
};

/** Messages by error code, for answers whose own message is not in the wanted language. */
export const ERROR_TEXT: Record<string, Text> = {
  bad_request: { zh: '请求内容有误，请检查后重试', en: 'The request is not valid; check it and try again' },
  validation: { zh: '请检查填写的内容', en: 'Please check what you entered' },
  unauthorized: { zh: '请先登录', en: 'Please sign in' },
  forbidden: { zh: '无权执行此操作', en: 'You are not allowed to do this' },
  not_found: { zh: '要找的内容不存在', en: 'Not found' },
  conflict: {
    zh: '当前状态不允许此操作，请刷新后重试',
    en: 'The current state does not allow this; reload and try again',
  },
  precondition_failed: {
    zh: '已被他人修改，请刷新后重试',
    en: 'Someone else changed it meanwhile; reload and try again',
  },
  unprocessable: { zh: '内容无法处理，请检查后重试', en: 'The content cannot be processed; check it' },
  unavailable: { zh: '服务暂时不可用，请稍后再试', en: 'The service is unavailable; try again later' },
  internal: { zh: '服务器出错了，请稍后再试', en: 'Something went wrong on the server; try again later' },
  malformed_multipart: { zh: '上传的文件不完整，请重试', en: 'The upload was incomplete; try again' },
  rate_limited: { zh: '操作太频繁，请稍后再试', en: 'Too many requests; try again shortly' },
  FST_ERR_RATE_LIMIT: { zh: '操作太频繁，请稍后再试', en: 'Too many requests; try again shortly' },
  network: { zh: '网络不可用，请稍后再试', en: 'The network is unavailable; try again later' },
};

const CJK = /[\u3400-\u9fff]/;

/** The language a client asks for in `Accept-Language` (its first supported tag), or `null` when it says none. */
export function langOf(acceptLanguage: string | undefined | null): Lang | null {
  if (!acceptLanguage) return null;
  const tags = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', q] = part.trim().split(';q=');
      return { tag: tag.toLowerCase(), q: q === undefined ? 1 : Number(q) };
    })
    .filter((t) => t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return null;
}

/**
 * One language's part of a bilingual server message `中文 / English`; a message in one language only is
 * kept when it is in the wanted one, otherwise `null` (the caller falls back to the code's text).
 */
export function pickLang(message: string, lang: Lang): string | null {
  const at = message.indexOf(' / ');
  if (at > 0) {
    const zh = message.slice(0, at).trim();
    const en = message.slice(at + 3).trim();
    if (CJK.test(zh)) return lang === 'zh' ? zh : en;
  }
  const hasCjk = CJK.test(message);
  if (lang === 'zh') return hasCjk ? message : null;
  return hasCjk ? null : message;
}

const num = (v: unknown): string => (typeof v === 'number' || typeof v === 'bigint' ? String(v) : '?');

/** A validation issue's message in the wanted language, from its code and parameters (never zod's English). */
export function issueText(issue: IssueLike, lang: Lang): string {
  const p = issue.params ?? {};
  const zh = lang === 'zh';
  const origin = typeof p.origin === 'string' ? p.origin : '';
  switch (issue.code) {
    case 'invalid_type':
      if (p.received === 'undefined' || /received undefined/.test(issue.message ?? ''))
        return zh ? '必填' : 'Required';
      return zh ? '格式不正确' : 'Not in the right form';
    case 'too_small':
      if (origin === 'string')
        return Number(p.minimum) <= 1
          ? zh
            ? '必填'
            : 'Required'
          : zh
            ? `至少 ${num(p.minimum)} 个字`
            : `At least ${num(p.minimum)} characters`;
      if (origin === 'array' || origin === 'set')
        return Number(p.minimum) <= 1
          ? zh
            ? '至少选择一项'
            : 'Choose at least one'
          : zh
            ? `至少 ${num(p.minimum)} 项`
            : `At least ${num(p.minimum)} items`;
      if (origin === 'date') return zh ? '日期太早' : 'The date is too early';
      return zh ? `不能小于 ${num(p.minimum)}` : `At least ${num(p.minimum)}`;
    case 'too_big':
      if (origin === 'string')
        return zh ? `最多 ${num(p.maximum)} 个字` : `At most ${num(p.maximum)} characters`;
      if (origin === 'array' || origin === 'set')
        return zh ? `最多 ${num(p.maximum)} 项` : `At most ${num(p.maximum)} items`;
      if (origin === 'date') return zh ? '日期太晚' : 'The date is too late';
      return zh ? `不能大于 ${num(p.maximum)}` : `At most ${num(p.maximum)}`;
    case 'invalid_format':
      if (/phone$/i.test(issuePath(issue)))
        return zh ? '请填写 11 位手机号码' : 'Enter an 11-digit mobile number';
      if (p.format === 'email') return zh ? '邮箱格式不正确' : 'Not an e-mail address';
      if (p.format === 'date' || p.format === 'datetime') return zh ? '日期格式不正确' : 'Not a valid date';
      return zh ? '格式不正确' : 'Not in the right form';
    case 'invalid_value':
    case 'invalid_enum_value':
      return zh ? '请从给定的选项中选择' : 'Choose one of the given options';
    case 'unknown':
      return zh ? '所选内容不存在或已停用' : 'Not found, or no longer in use';
    case 'not_multiple_of':
      return zh ? '数值不符合要求' : 'Not an allowed value';
    case 'unrecognized_keys':
      return zh ? '包含不认识的字段' : 'Contains fields that are not known';
    case 'custom': {
      const own = issue.message ? pickLang(issue.message, lang) : null;
      return own ?? (zh ? '内容不符合要求' : 'Not valid');
    }
    default: {
      const own = issue.message ? pickLang(issue.message, lang) : null;
      return own ?? (zh ? '内容不符合要求' : 'Not valid');
    }
  }
}

/**
 * A zod issue as the API reports it: its dotted path, its code, its parameters (never the input) and
 * zod's own message (kept for clients that read it; the web shows its own text from the code).
 */
export function issueDetail(issue: {
  path: readonly PropertyKey[];
  code: string;
  message: string;
}): Required<Pick<IssueLike, 'code' | 'params' | 'message'>> & { path: string } {
  const { path, code, message, ...rest } = issue as Record<string, unknown> & typeof issue;
  const params: Record<string, unknown> = { ...rest };
  delete params.input;
  if (code === 'invalid_type' && /received undefined/.test(message)) params.received = 'undefined';
  return { path: path.map(String).join('.') || 'body', code, params, message };
}

/** The dotted path of an issue (`reporter.phone`). */
export function issuePath(issue: IssueLike): string {
  return Array.isArray(issue.path) ? issue.path.join('.') : (issue.path ?? '');
}

/** The label of a field path in the wanted language (its last named segment), or `null` when unknown. */
export function fieldLabel(path: string, lang: Lang): string | null {
  const names = path.split('.').filter((s) => s && !/^\d+$/.test(s));
  for (let i = names.length - 1; i >= 0; i--) {
    const text = FIELD_LABELS[names[i]!];
    if (text) return text[lang];
  }
  return null;
}

/** A whole error answer in the wanted language: its message, and each validation issue's message. */
export function localizeError(err: ErrorLike, lang: Lang): ErrorLike {
  const issues = Array.isArray(err.details) ? (err.details as IssueLike[]) : null;
  const fallback = ERROR_TEXT[err.code] ?? ERROR_TEXT.bad_request!;
  const whole = pickLang(err.message, lang);
  if (issues?.length && issues.every((d) => d && typeof d === 'object' && 'path' in d)) {
    const details = issues.map((d) => {
      if (d.code) return { ...d, message: issueText(d, lang) };
      return { ...d, message: pickLang(d.message ?? '', lang) ?? whole ?? issueText(d, lang) };
    });
    // A message the server wrote in both languages says it better than the field list.
    const bilingual = CJK.test(err.message) && err.message.includes(' / ');
    if (bilingual && whole && issues.some((d) => !d.code)) return { code: err.code, message: whole, details };
    const parts = details.map((d) => {
      const label = fieldLabel(issuePath(d), lang);
      return label ? `${label}${lang === 'zh' ? '：' : ': '}${d.message}` : d.message;
    });
    return { code: err.code, message: [...new Set(parts)].join(lang === 'zh' ? '；' : '; '), details };
  }
  return { ...err, message: whole ?? fallback[lang] };
}
