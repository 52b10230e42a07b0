import { DescribeExecutionCommand, ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';

export interface RunSummary {
  runId: string;
  status: string;
  verdict: 'PASS' | 'FAIL' | 'RUNNING';
  reason?: string;
  cause?: string;
  startedAt?: string;
  durationMs?: number;
  steps?: { name: string; ms: number }[];
}

/** The last N verification runs with verdict, reason and step timings, newest first. */
export async function recentRuns(sfn: SFNClient, verifyArn: string, limit: number): Promise<RunSummary[]> {
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: verifyArn, maxResults: limit }));
  return Promise.all(
    executions.map(async (execution): Promise<RunSummary> => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
      const output = d.output ? (JSON.parse(d.output) as { durationMs?: number; steps?: RunSummary['steps'] }) : undefined;
      return {
        runId: execution.name ?? '',
        status: d.status ?? 'UNKNOWN',
        verdict: d.status === 'SUCCEEDED' ? 'PASS' : d.status === 'RUNNING' ? 'RUNNING' : 'FAIL',
        reason: d.status === 'SUCCEEDED' || d.status === 'RUNNING' ? undefined : (d.error ?? d.status),
        cause: d.cause,
        startedAt: d.startDate?.toISOString(),
        durationMs: output?.durationMs ?? (d.stopDate && d.startDate ? d.stopDate.getTime() - d.startDate.getTime() : undefined),
        steps: output?.steps,
      };
    }),
  );
}

export function successRate(runs: RunSummary[]): number | undefined {
  const finished = runs.filter((r) => r.verdict !== 'RUNNING');
  return finished.length ? finished.filter((r) => r.verdict === 'PASS').length / finished.length : undefined;
}
