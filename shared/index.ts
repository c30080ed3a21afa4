/** framesift's core: decoding, normalisation, key-frame selection and metrics. No cloud code. */
export { extractKeyFrames, DEFAULT_SIZE } from './engine.ts';
export type { ExtractOptions, Extraction, ExtractionRecord, KeyFrame, FrameStats, MediaSummary } from './engine.ts';
export { ErrorCode, FramesiftError, isFramesiftError } from './errors.ts';
export { SELECTORS, SELECTOR_NAMES, DEFAULT_SELECTOR, resolveSelector, type SelectorName, type Shot, type ShotTransition } from './selectors/index.ts';
export { DEFAULT_LIMITS, type Limits } from './media/index.ts';
export { encodePng } from './media/png.ts';
