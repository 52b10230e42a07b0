// Shared by the verify functions' unit tests only: the run record they all read.
import type { RunItem } from '../../lib/runs/model';

export const PHONE = '+15555550100';

/** The record PrepareRun writes for run-1, with its default timeouts. */
export const runItem = (over: Partial<RunItem> = {}): RunItem => ({
  pk: 'RUN#run-1',
  runId: 'run-1',
  phoneNumber: PHONE,
  userPoolId: 'us-east-1_abc',
  clientId: 'client1abc',
  username: 'synthetic-run-1',
  startedAt: '2025-01-01T00:00:00.000Z',
  status: 'RUNNING',
  timeouts: { signUpCodeSeconds: 300, mfaCodeSeconds: 150 },
  ttl: 0,
  ...over,
});
