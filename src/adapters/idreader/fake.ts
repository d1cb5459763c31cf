import { validateIdNumber } from '../../kernel/identifiers.ts';
import {
  ID_READ_MESSAGES,
  IdReadError,
  type IdCard,
  type IdCardReader,
  type IdReadFailure,
} from './types.ts';

/**
 * A reader for tests and the demo: a station's reader holds the fixture card put on it (`place`), checks
 * it as a real reader's SDK does (check character, validity) and can be told to fail the next reads the
 * way real readers fail (no card, timeout).
 */
export class FakeIdReader implements IdCardReader {
  readonly name = 'fake';
  private cards = new Map<string, IdCard>();
  private failures: IdReadFailure[] = [];

  /** Puts a card on a station's reader (it stays there until taken). */
  place(stationId: string, card: IdCard): void {
    this.cards.set(stationId, card);
  }

  /** Takes the card off a station's reader. */
  take(stationId: string): void {
    this.cards.delete(stationId);
  }

  /** Makes the next `n` reads fail with `reason`. */
  failNext(reason: IdReadFailure, n = 1): void {
    for (let i = 0; i < n; i++) this.failures.push(reason);
  }

  /** Reads the card on the station's reader, or fails as told or as the card is. */
  async read(stationId: string, today: string): Promise<IdCard> {
    const forced = this.failures.shift();
    if (forced) throw new IdReadError(forced, ID_READ_MESSAGES[forced]);
    const card = this.cards.get(stationId);
    if (!card) throw new IdReadError('no_card', ID_READ_MESSAGES.no_card);
    if (!validateIdNumber(card.idNumber).valid)
      throw new IdReadError('bad_checksum', ID_READ_MESSAGES.bad_checksum);
    if (card.validUntil !== '长期' && card.validUntil < today)
      throw new IdReadError('expired', ID_READ_MESSAGES.expired);
    return { ...card };
  }
}
