// Identifiers: a prefix, a fixed-width base36 timestamp (so ids sort by creation time) and randomness.
import { randomBytes } from 'node:crypto';

export type IdPrefix = 'ten' | 'agt' | 'rcp' | 'exe' | 'key' | 'aud' | 'led' | 'art' | 'sch' | 'trg' | 'tst';

export function newId(prefix: IdPrefix, now = Date.now()): string {
  const time = now.toString(36).padStart(9, '0');
  const random = randomBytes(8).toString('hex');
  return `${prefix}_${time}${random}`;
}
