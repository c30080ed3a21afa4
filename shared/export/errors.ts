import { CodedError } from '../errors.ts';

/** What can stop an export, for a caller to branch on; each message says what was expected and what was found. */
export const ExportErrorCode = Object.freeze({
  /** A row breaks the ExportRow contract (key, size, key frames, PNG bytes). */
  INVALID_ROW: 'INVALID_ROW',
  /** Rows did not come in strictly ascending key order. */
  UNSORTED_KEYS: 'UNSORTED_KEYS',
  /** The sink's index.json was written with other settings for this format (splits, pad, tensor, augmentation). */
  SETTINGS_CHANGED: 'SETTINGS_CHANGED',
  /** The sink's index.json is not one this module wrote. */
  INVALID_INDEX: 'INVALID_INDEX',
  /** The export stopped part-way; the message says which complete shards the index lists. */
  INCOMPLETE_EXPORT: 'INCOMPLETE_EXPORT',
  /** The `--where` condition is not SQL the warehouse accepts over the gifs view (bad syntax, an unknown column). */
  INVALID_WHERE: 'INVALID_WHERE',
  /** The rows hold several selections of the same files and none was chosen. */
  SEVERAL_SELECTIONS: 'SEVERAL_SELECTIONS',
} as const);

export type ExportErrorCode = (typeof ExportErrorCode)[keyof typeof ExportErrorCode];

export class ExportError extends CodedError<ExportErrorCode> {
  override readonly name = 'ExportError';
}
