import { invalidOption, isNumber, positiveInteger } from '../is.ts';
import { DEFAULT_MAX_KEY_FRAMES, parseMaxKeyFrames, rejectUnknown, type Choice, type SelectorDefinition } from './selector.ts';

export type UniformOptions =
  | { fps: number; every?: undefined; maxKeyFrames: number }
  | { every: number; fps?: undefined; maxKeyFrames: number };

/** A frame at each 1/fps seconds of play time, or every n-th frame, from the first. */
export const uniformSelector: SelectorDefinition<UniformOptions> = {
  name: 'uniform',
  version: 1,
  defaults: Object.freeze({ fps: 1, maxKeyFrames: DEFAULT_MAX_KEY_FRAMES }),
  metrics: [],
  parse(raw) {
    rejectUnknown('uniform', raw, { fps: 0, every: 0, maxKeyFrames: 0 });
    const maxKeyFrames = parseMaxKeyFrames('uniform', raw.maxKeyFrames ?? this.defaults.maxKeyFrames);
    if (raw.every !== undefined && raw.fps !== undefined) {
      throw invalidOption('uniform', 'either fps or every, not both', 'both');
    }
    if (raw.every !== undefined) return { every: positiveInteger('uniform.every', raw.every), maxKeyFrames };
    const fps = raw.fps ?? this.defaults.fps;
    if (!isNumber(fps) || fps <= 0) throw invalidOption('uniform.fps', 'positive number', fps);
    return { fps, maxKeyFrames };
  },
  create(options) {
    const picks: Choice[] = [];
    const periodMs = options.fps === undefined ? 0 : 1000 / options.fps;
    let slot = 0;
    return {
      push(frame) {
        if (picks.length >= options.maxKeyFrames) return false;
        let take: boolean;
        if (options.every !== undefined) {
          take = frame.index % options.every === 0;
        } else {
          take = frame.timeMs >= slot * periodMs;
          // Skip every slot this frame covers, so a long frame is picked once.
          while (frame.timeMs >= slot * periodMs) slot++;
        }
        if (take) picks.push({ index: frame.index, score: null });
        return take;
      },
      finish: () => ({ picks }),
    };
  },
};
