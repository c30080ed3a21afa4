#!/usr/bin/env -S npx tsx
/** framesift's command line: one subcommand per job. */
import { CodedError, isFramesiftError } from '../shared/errors.ts';
import { EXPORT_USAGE, runExport } from './cli/export.ts';
import { EXTRACT_USAGE, runExtract } from './cli/extract.ts';
import { UsageError } from './cli/flags.ts';
import { REPORT_USAGE, runReport } from './cli/report.ts';
import { FAILURES_USAGE, QUERY_USAGE, runFailures, runQuery } from './cli/query.ts';
import { RESELECT_USAGE, runReselect } from './cli/reselect.ts';
import { RUN_USAGE, runRun } from './cli/run.ts';

const COMMANDS: Record<string, { usage: string; run: (argv: string[]) => Promise<void> }> = {
  extract: { usage: EXTRACT_USAGE, run: runExtract },
  run: { usage: RUN_USAGE, run: runRun },
  query: { usage: QUERY_USAGE, run: runQuery },
  failures: { usage: FAILURES_USAGE, run: runFailures },
  report: { usage: REPORT_USAGE, run: runReport },
  export: { usage: EXPORT_USAGE, run: runExport },
  reselect: { usage: RESELECT_USAGE, run: runReselect },
};

const USAGE = `Usage: framesift <command> [options]\n\nCommands:\n${Object.values(COMMANDS)
  .map((c) => `  ${c.usage.split('\n')[0]}`)
  .join('\n')}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command || rest.includes('--help')) {
    console.log(command ? command.usage : USAGE);
    return command || name === undefined || name === '--help' ? 0 : 2;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (error) {
    if (isFramesiftError(error) || error instanceof CodedError) {
      console.error(`framesift: ${error.code}: ${error.message}`);
      return 1;
    }
    if (error instanceof UsageError) {
      console.error(`framesift: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
