import { ErrorCode, FramesiftError } from '../errors.ts';
import { coresetSelector } from './coreset.ts';
import { phashSelector } from './phash.ts';
import { sceneSelector } from './scene.ts';
import { EVERY_SCORE, type Selector, type SelectorContext, type SelectorDefinition } from './selector.ts';
import { ssimSelector } from './ssim.ts';
import { uniformSelector } from './uniform.ts';

export const SELECTORS = Object.freeze({
  ssim: ssimSelector,
  phash: phashSelector,
  scene: sceneSelector,
  coreset: coresetSelector,
  uniform: uniformSelector,
});

export type SelectorName = keyof typeof SELECTORS;
export const SELECTOR_NAMES = Object.keys(SELECTORS) as SelectorName[];
export const DEFAULT_SELECTOR: SelectorName = 'ssim';

export function isSelectorName(name: string): name is SelectorName {
  return Object.hasOwn(SELECTORS, name);
}

/** A selector chosen by name with its options resolved: what a record stores as its parameters. */
export interface ResolvedSelector {
  name: SelectorName;
  version: number;
  options: object;
  create(context?: SelectorContext): Selector;
}

export function resolveSelector(name: string = DEFAULT_SELECTOR, raw: Record<string, unknown> = {}): ResolvedSelector {
  if (!isSelectorName(name)) {
    throw new FramesiftError(ErrorCode.INVALID_OPTION, `Expected selector to be one of: ${SELECTOR_NAMES.join(', ')} but received ${name}`);
  }
  const definition = SELECTORS[name] as SelectorDefinition<object>;
  const options = definition.parse(raw);
  return { name, version: definition.version, options, create: (context = EVERY_SCORE) => definition.create(options, context) };
}

export type { Choice, Selector, SelectorContext, SelectorOutcome, Shot, ShotTransition } from './selector.ts';
