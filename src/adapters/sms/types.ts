/**
 * The SMS adapter: what the product asks of an SMS provider. Real providers (e.g. Aliyun, Tencent Cloud)
 * send a registered template by id with named parameters, never free text, so the interface does the same.
 */

/** One message to send: a template registered with the provider and its parameters. */
export interface SmsMessage {
  /** An 11-digit mainland mobile number. */
  to: string;
  /** The template's id in our catalogue (`SMS_TEMPLATES`); a provider maps it to its own template code. */
  template: SmsTemplateId;
  params: Record<string, string>;
  /** The jurisdiction sending it (providers sign messages per jurisdiction). */
  jurisdictionId: string;
}

/** A message the provider accepted. */
export interface SmsReceipt {
  id: string;
  provider: string;
}

/** An SMS provider. `send` rejects when the provider refuses the message or cannot be reached. */
export interface SmsSender {
  readonly name: string;
  send(message: SmsMessage): Promise<SmsReceipt>;
}

/** The templates the product sends, with the text a console or test provider renders. */
export const SMS_TEMPLATES = {
  /** 验证码: a one-time sign-in code. */
  otp: '【清单】验证码 {code}，{minutes} 分钟内有效。请勿告诉他人。',
  /** 账号锁定: the owner hears that his account was locked after repeated wrong passwords. */
  account_locked:
    '【清单】您的账号 {username} 因多次密码错误已锁定 {minutes} 分钟。如非本人操作，请联系管理员。',
  /** 服务确认码: the elder (or family) confirms a finished home-care service by telling the worker this code. */
  care_confirm: '【清单】{kind}服务已完成，确认码 {code}。满意请把确认码告诉服务人员，有问题请拨打 12345。',
  /** 受理: the reporter hears that the report was received, with its number. */
  problem_accepted: '【清单】您反映的问题已受理，编号 {number}。可凭编号查询办理进度。',
  /** 交办: the reporter hears which unit handles it and by when. */
  problem_dispatched: '【清单】您反映的问题 {number} 已交由{unit}办理，办理时限至 {due}。',
  /** 办结: the reporter hears that it was closed; a follow-up call (回访) may come. */
  problem_closed:
    '【清单】您反映的问题 {number} 已办结。如对办理结果有意见，可在回访时告诉我们或拨打 12345。',
  /** 重办: the reporter hears that the case was opened again. */
  problem_reopened: '【清单】您反映的问题 {number} 已重新交办，{unit}将继续办理。感谢您的监督。',
  /** 岗位续期: the employer keeps a posting open with one tap on the link, else it expires. */
  jobs_reconfirm: '【荷塘大就业】您发布的岗位「{title}」将于 {due} 到期下架，仍在招请点击 {link} 确认。',
  /** 岗位推送: a worker without a smartphone hears of a posting near him. */
  jobs_posting: '【荷塘大就业】{title}，{wage}，{place}，距您约{distance}。报名请到{station}或致电 {phone}。',
  /** 公告: a public notice sent to its audience's phones. */
  notice: '【清单】{unit}发布公告：{title}。详情请查看“我的荷塘”公告栏。',
} as const;

/** The id of a template in the catalogue. */
export type SmsTemplateId = keyof typeof SMS_TEMPLATES;

/** The text of a message as a provider would deliver it. */
export function renderSms(message: Pick<SmsMessage, 'template' | 'params'>): string {
  return SMS_TEMPLATES[message.template].replace(/\{(\w+)\}/g, (_, k: string) => message.params[k] ?? '');
}
