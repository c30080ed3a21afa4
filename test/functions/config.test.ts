import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadSelector } from '../../functions/config.ts';

const deployed = { FRAMESIFT_OUTPUT_BUCKET: 'out', FRAMESIFT_TOPIC: 'requests', FRAMESIFT_DATASET: 'data', FRAMESIFT_DATASET_LOCATION: 'europe-west1' };

describe('the functions’ configuration', () => {
  it('reads what the Pulumi program sets', () => {
    expect(loadConfig({ ...deployed, FRAMESIFT_ALLOWED_BUCKETS: 'a, b', FRAMESIFT_LIMITS: '{"maxFrames":50}' })).toMatchObject({
      backend: 'gcp',
      outputBucket: 'out',
      datasetLocation: 'europe-west1',
      allowedBuckets: new Set(['a', 'b']),
      limits: { maxFrames: 50 },
    });
  });

  it('names the missing variable, so a deployment that lacks it fails at start-up with that sentence', () => {
    const { FRAMESIFT_OUTPUT_BUCKET: _, ...missing } = deployed;
    expect(() => loadConfig(missing)).toThrow(new ConfigError('FRAMESIFT_OUTPUT_BUCKET must be set: did the deployment pass the stack\'s outputs to this function?'));
  });

  it('checks the selector and its options once, for fan-out', async () => {
    // What travels in each request is the resolved choice, defaults filled in.
    await expect(loadSelector({ FRAMESIFT_SELECTOR: 'scene', FRAMESIFT_SELECTOR_OPTIONS: '{"threshold":0.1}' })).resolves.toMatchObject({ name: 'scene', options: { threshold: 0.1, maxKeyFrames: 10 } });
    await expect(loadSelector({ FRAMESIFT_SELECTOR: 'scene', FRAMESIFT_SELECTOR_OPTIONS: 'not json' })).rejects.toThrow('Expected a JSON object for FRAMESIFT_SELECTOR_OPTIONS but received not json of type string');
    await expect(loadSelector({ FRAMESIFT_SELECTOR: 'scene', FRAMESIFT_SELECTOR_OPTIONS: '{"threshold":7}' })).rejects.toThrow(/scene\.threshold/);
    await expect(loadSelector({})).resolves.toBeUndefined();
  });
});
