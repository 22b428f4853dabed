// Identifiers: a prefix, a fixed-width base36 timestamp (so ids sort by creation time) and randomness.
import { createHash, randomBytes } from 'node:crypto';

export type IdPrefix = 'ten' | 'agt' | 'rcp' | 'exe' | 'key' | 'aud' | 'led' | 'art' | 'sch' | 'trg' | 'tst';

export function newId(prefix: IdPrefix, now = Date.now()): string {
  const time = now.toString(36).padStart(9, '0');
  const random = randomBytes(8).toString('hex');
  return `${prefix}_${time}${random}`;
}

/** An id of the same shape whose random part is derived from `seed`: the same seed gives the same id. */
export function derivedId(prefix: IdPrefix, at: number, seed: string): string {
  const time = at.toString(36).padStart(9, '0');
  return `${prefix}_${time}${createHash('sha256').update(seed).digest('hex').slice(0, 16)}`;
}
