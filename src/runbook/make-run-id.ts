import { randomInt } from 'node:crypto';

/** No 0/o, 1/l/i: a run id is read aloud and typed from a phone (`flatnet approve r-7k2m9q`). */
export const RUN_ID_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
export const RUN_ID_PATTERN = /^r-[23456789abcdefghjkmnpqrstuvwxyz]{6}$/;

export function makeRunId(): string {
  let id = 'r-';
  for (let i = 0; i < 6; i++) id += RUN_ID_ALPHABET[randomInt(RUN_ID_ALPHABET.length)];
  return id;
}
