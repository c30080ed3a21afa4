/**
 * Re-selection: extraction again, with another selector or options, of files
 * already in the ingest bucket. The files are those of the `gifs` view (a SQL
 * condition narrows them), and each becomes one request, as fan-out would
 * publish it. The new records sit beside the old: rows are keyed by file,
 * generation and selection.
 */
import { posix } from 'node:path';
import { encodeRequest, type ExtractRequest, type SelectorChoice } from './events.ts';
import { refOf, type Publisher } from './ports.ts';
import { selectionOf } from './selection.ts';

export interface ReselectDeps {
  rows: { query(sql: string): Promise<Array<Record<string, unknown>>> };
  publisher: Publisher;
}

/** The requests for every file that the condition picks; each file once, whatever selections it already has. */
export async function reselectRequests(rows: ReselectDeps['rows'], selector: SelectorChoice, where?: string): Promise<ExtractRequest[]> {
  const condition = where?.trim() ? ` AND (${where})` : '';
  const files = (await rows.query(
    `SELECT DISTINCT source_uri FROM gifs WHERE source_uri IS NOT NULL AND status <> 'rejected'${condition} ORDER BY source_uri`,
  )) as Array<{ source_uri: string }>;
  const batchId = `reselect-${selectionOf(selector)}`;
  return files.map(({ source_uri }) => {
    const source = refOf(source_uri);
    return { gifId: posix.basename(source.name), batchId, source, description: null, manifest: null, selector };
  });
}

export async function reselect(deps: ReselectDeps, selector: SelectorChoice, where?: string): Promise<{ published: number; selection: string }> {
  const requests = await reselectRequests(deps.rows, selector, where);
  for (const request of requests) {
    const { data, attributes } = encodeRequest(request);
    await deps.publisher.publish(data, attributes);
  }
  await deps.publisher.flush();
  return { published: requests.length, selection: selectionOf(selector) };
}
