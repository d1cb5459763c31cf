/**
 * The ID-card reader adapter (DESIGN §3 "adapters with local fakes"): what a station's desktop reader of
 * the second-generation resident ID card (二代身份证, GA 450 readers) gives the product, and how a read fails.
 */

/** What the chip of a card holds that the product uses. */
export interface IdCard {
  name: string;
  /** 18 characters, as printed. */
  idNumber: string;
  gender: 'male' | 'female';
  /** YYYY-MM-DD. */
  birthDate: string;
  address: string;
  /** The card's validity: YYYY-MM-DD, or '长期' for a card without an end. */
  validFrom: string;
  validUntil: string;
}

/** Why a read failed: no card on the reader, a number whose check character is wrong, an expired card, a timeout. */
export type IdReadFailure = 'no_card' | 'bad_checksum' | 'expired' | 'timeout';

/** A failed read, with a message for the station's staff in zh and en. */
export class IdReadError extends Error {
  constructor(
    readonly reason: IdReadFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A reader. `read` resolves with the card on it or rejects with an IdReadError. */
export interface IdCardReader {
  readonly name: string;
  /** Reads the card on the reader at a station; `today` (YYYY-MM-DD, local) decides expiry. */
  read(stationId: string, today: string): Promise<IdCard>;
}

/** The zh / en message of each failure. */
export const ID_READ_MESSAGES: Record<IdReadFailure, string> = {
  no_card: '读卡器上没有身份证，请放好后重试 / no card on the reader',
  bad_checksum: '身份证号码校验位错误，请核对证件 / the card number fails its check character',
  expired: '身份证已过有效期，请持有效证件办理 / the card has expired',
  timeout: '读卡超时，请重新放置身份证 / the reader timed out',
};
