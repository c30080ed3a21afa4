import { describe, expect, it } from 'vitest';
import { SELECTOR_SWITCHES, parseCommandArgs, parseExtractArgs } from '../../scripts/cli/flags.ts';
import { SELECTORS } from '../../shared/selectors/index.ts';
import { boolean, readSetting, splitArgs, text, type Setting } from '../../shared/settings.ts';

describe('one reader for settings', () => {
  const workdir: Setting<string> = { flag: 'workdir', env: 'FRAMESIFT_WORKDIR', default: '.framesift', parse: text };

  it('takes the flag, else the environment variable, else the default', () => {
    expect(readSetting(workdir, { flags: new Map([['workdir', 'a']]), env: { FRAMESIFT_WORKDIR: 'b' } })).toBe('a');
    expect(readSetting(workdir, { flags: new Map(), env: { FRAMESIFT_WORKDIR: 'b' } })).toBe('b');
    expect(readSetting(workdir, { flags: new Map(), env: {} })).toBe('.framesift');
  });

  it('never lets a switch swallow the next argument', () => {
    expect(splitArgs(['--pad', 'a.gif'], SELECTOR_SWITCHES)).toEqual({ flags: new Map([['pad', true]]), positional: ['a.gif'] });
    const serve = { flag: 'serve', switch: true, default: false, parse: boolean } satisfies Setting<boolean>;
    expect(parseCommandArgs(['--serve', 'x'], { serve })).toMatchObject({ values: { serve: true }, positional: ['x'] });
    expect(parseExtractArgs(['--pad', 'a.gif']).file).toBe('a.gif');
    expect(splitArgs(['--threshold', '0.9', 'a.gif', '--min-gap=0.5s'])).toEqual({ flags: new Map([['threshold', '0.9'], ['min-gap', '0.5s']]), positional: ['a.gif'] });
    expect(() => splitArgs(['a.gif', '--threshold'])).toThrow('Expected a value after --threshold but found none');
  });

  it('checks booleans as sharp does: --pad=no is an error, not true', () => {
    expect(boolean('true', 'pad')).toBe(true);
    expect(boolean(false, 'pad')).toBe(false);
    expect(() => boolean('no', 'pad')).toThrow('Expected true or false for pad but received no of type string');
    expect(() => SELECTORS.ssim.parse({ pad: 'no' })).toThrow('Expected true or false for ssim.pad but received no of type string');
  });

  it('knows every selector option whose default is a boolean as a switch', () => {
    const booleans = Object.values(SELECTORS).flatMap((s) => Object.entries(s.defaults).filter(([, v]) => typeof v === 'boolean').map(([k]) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)));
    expect([...SELECTOR_SWITCHES].sort()).toEqual([...new Set(booleans)].sort());
  });
});
