import type { SelectorChoice } from '../pipeline/events.ts';
import { resolveSelector } from './index.ts';

/**
 * A selector and its options as a request carries them: checked once where
 * they enter (a flag, an environment variable, the stack's config), with every
 * default filled in, so that what travels is what the selector will run with.
 */
export function chooseSelector(name: string | undefined, options: Record<string, unknown> = {}): SelectorChoice {
  const resolved = resolveSelector(name, options);
  return { name: resolved.name, version: resolved.version, options: { ...resolved.options } };
}
