import { BigQuery } from '@google-cloud/bigquery';
import { OAuth2Client } from 'google-auth-library';

/**
 * Storage and Pub/Sub clients honour STORAGE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST and
 * then skip authentication; BigQuery's reads BIGQUERY_EMULATOR_HOST but still asks for
 * credentials, so it gets a placeholder token there, which an emulator ignores.
 */
export function bigQueryClient(env: NodeJS.ProcessEnv = process.env): BigQuery {
  const emulator = env.BIGQUERY_EMULATOR_HOST;
  if (!emulator) return new BigQuery();
  const placeholder = new OAuth2Client();
  placeholder.setCredentials({ access_token: 'emulator', expiry_date: Number.MAX_SAFE_INTEGER });
  return new BigQuery({ apiEndpoint: emulator, projectId: env.GOOGLE_CLOUD_PROJECT ?? 'framesift-emulator', authClient: placeholder as never });
}
