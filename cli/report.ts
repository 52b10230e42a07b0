import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../lib/errors';
import { reportHtml } from '../lib/report/html';
import { readObjectives } from '../lib/report/objectives';
import { scanRuns } from '../lib/report/scanRuns';
import { parseSince } from '../lib/report/since';
import { summarize } from '../lib/report/summarize';
import { reportLines } from '../lib/report/text';
import { ConfigError, type Endpoints } from './config';
import { UsageError } from './usage';

/** `cogcheck report`: the SLO report from the runs table (its options: cli/commands.ts). */
const CHECKS_FILE = resolve(__dirname, '..', 'checks.yml');

export interface ReportArgs {
  since: string;
  sinceMs: number;
  target?: string;
  html?: string;
}

/** The report's options, checked before any call. */
export function reportArgs(o: { since?: string; html?: string; json?: boolean; target?: string }): ReportArgs {
  const hint = 'cogcheck report --help shows its usage';
  if (o.json && o.html !== undefined) throw new UsageError('give --json or --html <file>, not both', hint);
  if (o.html === '') throw new UsageError('--html needs a file name', hint);
  const since = o.since ?? '30d';
  try {
    return { since, sinceMs: parseSince(since), target: o.target, html: o.html };
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(`${error.name}: ${error.message}`, hint);
    throw error;
  }
}

export async function runReport(
  args: ReportArgs,
  where: { endpoints: Endpoints; stage: string; json: boolean },
  io: { out: (line: string) => void },
): Promise<number> {
  const { endpoints } = where;
  if (!endpoints.runsTable) throw new ConfigError('these endpoints name no runs table: deploy this version (output RunsTableName)');
  let objectives;
  try {
    objectives = readObjectives(CHECKS_FILE, where.stage);
  } catch (error) {
    if (error instanceof ValidationError) throw new ConfigError(error.message);
    throw error;
  }
  const to = new Date();
  const from = new Date(to.getTime() - args.sinceMs);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: endpoints.region }));
  try {
    const runs = await scanRuns(client, endpoints.runsTable, from, to);
    const report = summarize({ runs, since: args.since, from, to, defaultRegion: endpoints.region, objectives, target: args.target });
    if (args.html !== undefined) {
      writeFileSync(args.html, reportHtml(report));
      io.out(
        `wrote ${args.html}: ${report.runs} runs, ${report.kinds.length} kind · target · Region${report.kinds.length === 1 ? '' : 's'}${report.notes.length ? `; ${report.notes.join(' ')}` : ''}`,
      );
    } else if (where.json) io.out(JSON.stringify(report, null, 2));
    else reportLines(report).forEach((line) => io.out(line));
    return 0;
  } finally {
    client.destroy();
  }
}
