/** `pulumi up` entry point: read the stack's settings, build and package the functions, declare everything. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { readSettings } from './config.ts';
import { framesift } from './framesift.ts';
import { packageSource } from './source-archive.ts';

const root = join(import.meta.dirname, '..');
const archive = await packageSource(root);
const buildDir = join(import.meta.dirname, '.build');
mkdirSync(buildDir, { recursive: true });
const archivePath = join(buildDir, `functions-${archive.sha256}.zip`);
writeFileSync(archivePath, archive.bytes);

const stack = framesift(readSettings(), { bucketObjectName: `functions/${archive.sha256}.zip`, asset: new pulumi.asset.FileAsset(archivePath) });

export const { project, region, ingestBucket, outputBucket, topic, deadLetterTopic, deadLetterSubscription, compactTopic, recordsTopic, recordsSubscription, dataset, gifsTable, keyFramesTable, functions, environment, uploadCommand, queryCommand } = stack;
