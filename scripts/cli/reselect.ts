/** `framesift reselect`: extraction again, with another selector or options, of files already uploaded. */
import { DEFAULT_WORKDIR } from '../../local/layout.ts';
import { boolean, text, type Setting } from '../../shared/settings.ts';
import { SELECTOR_SETTINGS, UsageError, optionalFlag, parseCommandArgs } from './flags.ts';

export const RESELECT_USAGE = `framesift reselect --selector NAME [--<option> VALUE …] [--where SQL] [--workdir DIR | --cloud]

  Runs extraction again on the files of the gifs view (those the --where condition picks) with
  another selector or options. The new rows sit beside the old ones: rows are keyed by file,
  generation and selection, and framesift export --selection ID picks one.
    --cloud    publish the requests to the deployed pipeline instead: the stack's topic and
               dataset from FRAMESIFT_TOPIC, FRAMESIFT_DATASET, FRAMESIFT_OUTPUT_BUCKET
               and GOOGLE_CLOUD_PROJECT (pulumi stack output gives them)`;

const RESELECT_SETTINGS = {
  ...SELECTOR_SETTINGS,
  workDir: { flag: 'workdir', env: 'FRAMESIFT_WORKDIR', default: DEFAULT_WORKDIR, parse: text } satisfies Setting<string>,
  where: optionalFlag('where', text),
  cloud: { flag: 'cloud', switch: true, default: false, parse: boolean } satisfies Setting<boolean>,
};

export async function runReselect(argv: string[]): Promise<void> {
  const { values, positional, selectorOptions } = parseCommandArgs(argv, RESELECT_SETTINGS, { selectorOptions: true });
  if (positional.length > 0) throw new UsageError(`Expected only flags but found ${positional.join(' ')}`);
  if (values.selector === undefined) throw new UsageError('Expected --selector NAME: the selection to add');
  const { chooseSelector } = await import('../../shared/selectors/choice.ts');
  const selector = chooseSelector(values.selector, selectorOptions);
  const { reselect, reselectRequests } = await import('../../shared/pipeline/reselect.ts');

  if (values.cloud) {
    const [{ loadConfig }, { openPublisher, openWarehouse }] = await Promise.all([import('../../functions/config.ts'), import('../../functions/runtime.ts')]);
    const config = loadConfig();
    const warehouse = (await openWarehouse(config)) as unknown as { query(sql: string): Promise<Array<Record<string, unknown>>> };
    const { published, selection } = await reselect({ rows: warehouse, publisher: await openPublisher(config) }, selector, values.where);
    console.log(`${published} requests published to ${config.topic} for selection ${selection}; rows appear after the next compaction.`);
    return;
  }
  const [{ withLocalWarehouse }, { runLocalPipeline }, { selectionOf }] = await Promise.all([
    import('../../local/warehouse.ts'),
    import('../../local/pipeline.ts'),
    import('../../shared/pipeline/selection.ts'),
  ]);
  const requests = await withLocalWarehouse(values.workDir, (warehouse) => reselectRequests(warehouse, selector, values.where));
  const summary = await runLocalPipeline({ inputs: [], requests, workDir: values.workDir, selector });
  const done = summary.results.filter((r) => r.status !== 'duplicate').length;
  console.log(`${requests.length} files reselected as ${selectionOf(selector)} (${done} extracted, ${requests.length - done} already done); compaction added ${summary.compaction.rows.gifs} gifs rows.`);
}
