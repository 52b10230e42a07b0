import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  type GetExecutionHistoryCommandInput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { followExecution } from '../../cli/follow';
import { recentRuns } from '../../cli/history';
import { Backoff, isThrottling, mapLimited } from '../../cli/poll';

/**
 * The CLI is gentle with the Step Functions API: each poll reads only the new history events
 * (newest first, stopping at the last one seen), polls grow apart from 250 ms to 2 s while nothing
 * happens, and ThrottlingException is waited out, never a crash.
 */
const sfn = mockClient(SFNClient);
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:cognito-sms-mfa-x-verify:run-1';
const throttled = () =>
  Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {}, $retryable: { throttling: true } });

let nextId = 1;
const at = new Date('2026-06-01T00:00:00Z').getTime();
const ev = (type: string, details: Partial<HistoryEvent> = {}): HistoryEvent =>
  ({ id: nextId, timestamp: new Date(at + nextId++ * 10), type, ...details }) as HistoryEvent;
const entered = (name: string) => ev('TaskStateEntered', { stateEnteredEventDetails: { name } });
const exited = (name: string, output = '{}') => ev('TaskStateExited', { stateExitedEventDetails: { name, output } });

/**
 * A history that grows by one batch per GetExecutionHistory call, served the way Step Functions
 * serves it: newest first with reverseOrder, `maxResults` per page, a nextToken while more remain.
 */
function growingHistory(batches: HistoryEvent[][]) {
  const history: HistoryEvent[] = [];
  const served: number[] = [];
  let polls = 0;
  sfn.on(GetExecutionHistoryCommand).callsFake((input: GetExecutionHistoryCommandInput) => {
    if (input.nextToken === undefined) history.push(...(batches[polls++] ?? []));
    const ordered = input.reverseOrder ? [...history].reverse() : history;
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const page = ordered.slice(start, start + (input.maxResults || 100));
    served.push(page.length);
    const more = start + page.length < ordered.length;
    return { events: page, ...(more && { nextToken: String(start + page.length) }) };
  });
  return { served, polls: () => polls };
}

const sleeps: number[] = [];
const poll = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 1 };

beforeEach(() => {
  sfn.reset();
  sleeps.length = 0;
  nextId = 1;
});

describe('followExecution', () => {
  it('reads only new events, newest first, reports each state once and in order, and describes the execution once at the end', async () => {
    const start = [
      ev('ExecutionStarted'),
      entered('PrepareRun'),
      exited('PrepareRun', '{"timeouts":{"signUpCodeSeconds":300,"mfaCodeSeconds":160}}'),
    ];
    const waiting = [entered('AwaitSignUpCode')];
    // 30 events in one poll: more than one small page.
    const busy = Array.from({ length: 15 }, (_, i) => [entered(`Step${i}`), exited(`Step${i}`)]).flat();
    const end = [exited('AwaitSignUpCode'), ev('ExecutionSucceeded')];
    const { served } = growingHistory([start, waiting, [], [], busy, end]);
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: '{"ok":true}' });

    const states: string[] = [];
    const awaits: unknown[] = [];
    const final = await followExecution(
      sfn as unknown as SFNClient,
      ARN,
      { onState: (s) => states.push(s.state), onAwait: (w) => awaits.push(w) },
      poll,
    );

    expect(final.status).toBe('SUCCEEDED');
    expect(states).toEqual(['PrepareRun', ...Array.from({ length: 15 }, (_, i) => `Step${i}`), 'AwaitSignUpCode']);
    expect(awaits).toEqual([expect.objectContaining({ state: 'AwaitSignUpCode', timeoutSeconds: 300 })]);
    const calls = sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input);
    expect(calls.every((c) => c.reverseOrder === true && c.executionArn === ARN)).toBe(true);
    expect(calls[0]!.maxResults).toBe(100);
    expect(calls.slice(1).every((c) => c.maxResults === 20)).toBe(true);
    // The busy poll needed a second page (nextToken); no poll re-read the whole history.
    expect(calls.filter((c) => c.nextToken !== undefined)).toHaveLength(1);
    const total = 3 + 1 + 30 + 2;
    expect(served.reduce((a, b) => a + b, 0)).toBeLessThan(total * 2);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
  });

  it('polls 250 ms apart while things happen, backing off to 2 s while nothing does', async () => {
    const quiet: HistoryEvent[][] = Array.from({ length: 6 }, () => []);
    growingHistory([[ev('ExecutionStarted'), entered('A')], ...quiet, [exited('A')], [], [ev('ExecutionSucceeded')]]);
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });
    await followExecution(sfn as unknown as SFNClient, ARN, {}, poll);
    expect(sleeps).toEqual([250, 500, 1000, 2000, 2000, 2000, 2000, 250, 500]);
  });

  it('rides out ThrottlingException on every call it makes, and says so', async () => {
    // The 2nd and 3rd GetExecutionHistory calls are throttled, then the first DescribeExecution.
    const first = [ev('ExecutionStarted'), entered('A'), exited('A')].reverse();
    const second = [ev('ExecutionFailed'), first[0]!];
    let historyCalls = 0;
    sfn.on(GetExecutionHistoryCommand).callsFake(() => {
      historyCalls++;
      if (historyCalls === 2 || historyCalls === 3) throw throttled();
      return { events: historyCalls === 1 ? first : second };
    });
    sfn.on(DescribeExecutionCommand).rejectsOnce(throttled()).resolves({ status: 'FAILED', error: 'SmsCodeNotReceived' });

    const told: string[] = [];
    const final = await followExecution(
      sfn as unknown as SFNClient,
      ARN,
      {},
      { ...poll, onThrottled: ({ operation, waitMs }) => told.push(`${operation} ${waitMs}`) },
    );

    expect(final).toMatchObject({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    expect(told).toEqual(['GetExecutionHistory 500', 'GetExecutionHistory 1000', 'DescribeExecution 500']);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(4);
  });

  it('names the state a run failed in: the one whose Catch put the error into its output, else the one open at the end', async () => {
    const run = '{"runId":"r"}';
    const caught = [
      ev('ExecutionStarted'),
      ev('TaskStateEntered', { stateEnteredEventDetails: { name: 'AwaitMfaCode', input: run } }),
      ev('TaskStateExited', {
        stateExitedEventDetails: { name: 'AwaitMfaCode', output: '{"runId":"r","error":{"Error":"States.Timeout"}}' },
      }),
      ev('TaskStateEntered', {
        stateEnteredEventDetails: { name: 'CleanUpUser', input: '{"runId":"r","error":{"Error":"States.Timeout"}}' },
      }),
      ev('TaskStateExited', {
        stateExitedEventDetails: { name: 'CleanUpUser', output: '{"runId":"r","error":{"Error":"States.Timeout"}}' },
      }),
      ev('ExecutionFailed'),
    ];
    growingHistory([caught]);
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'SmsCodeNotReceived' });
    const inputs: (string | undefined)[] = [];
    const final = await followExecution(sfn as unknown as SFNClient, ARN, { onState: (s) => inputs.push(s.input) }, poll);
    expect(final).toMatchObject({ status: 'FAILED', failedIn: 'AwaitMfaCode' });
    expect(inputs[0]).toBe(run);

    sfn.reset();
    nextId = 1;
    growingHistory([[ev('ExecutionStarted'), entered('A'), exited('A'), entered('AwaitSignUpCode'), ev('ExecutionTimedOut')]]);
    sfn.on(DescribeExecutionCommand).resolves({ status: 'TIMED_OUT' });
    expect(await followExecution(sfn as unknown as SFNClient, ARN, {}, poll)).toMatchObject({
      status: 'TIMED_OUT',
      failedIn: 'AwaitSignUpCode',
    });
  });

  it('lets any other error through', async () => {
    sfn.on(GetExecutionHistoryCommand).rejects(Object.assign(new Error('no such execution'), { name: 'ExecutionDoesNotExist' }));
    await expect(followExecution(sfn as unknown as SFNClient, ARN, {}, poll)).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('checks the status now and then while the history stays quiet, so a run cannot be followed forever', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    sfn.on(DescribeExecutionCommand).resolvesOnce({ status: 'RUNNING' }).resolves({ status: 'ABORTED' });
    const final = await followExecution(sfn as unknown as SFNClient, ARN, {}, poll);
    expect(final.status).toBe('ABORTED');
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(24);
    expect(Math.max(...sleeps)).toBe(2000);
  });
});

describe('recentRuns', () => {
  it('describes a few executions at a time, waits out throttling, and keeps the order', async () => {
    const executions = Array.from({ length: 10 }, (_, i) => ({ executionArn: `${ARN}-${i}`, name: `run-${i}` }));
    sfn
      .on(ListExecutionsCommand)
      .rejectsOnce(throttled())
      .resolves({ executions: executions as never });
    let inFlight = 0;
    let maxInFlight = 0;
    let throttledOnce = false;
    sfn.on(DescribeExecutionCommand).callsFake(async ({ executionArn }: { executionArn: string }) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (executionArn.endsWith('-3') && !throttledOnce) {
        throttledOnce = true;
        throw throttled();
      }
      return { status: 'SUCCEEDED', startDate: new Date(at), stopDate: new Date(at + 1000) };
    });
    const runs = await recentRuns(sfn as unknown as SFNClient, 'arn:sm', 10, poll);
    expect(runs.map((r) => r.runId)).toEqual(executions.map((e) => e.name));
    expect(runs.every((r) => r.verdict === 'PASS' && r.durationMs === 1000)).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(11);
  });
});

describe('poll helpers', () => {
  it('recognise throttling by name or by the SDK mark', () => {
    expect(isThrottling(throttled())).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'TooManyRequestsException' }))).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'SomethingElse', $retryable: { throttling: true } }))).toBe(true);
    expect(isThrottling(Object.assign(new Error('x'), { name: 'ValidationException' }))).toBe(false);
    expect(isThrottling(undefined)).toBe(false);
  });

  it('spread throttled retries with jitter, never past the longest wait', async () => {
    const waits: number[] = [];
    const backoff = new Backoff({ sleep: async (ms) => void waits.push(ms), random: () => 0 });
    let n = 0;
    await backoff.call('X', async () => {
      if (n++ < 6) throw throttled();
      return 'ok';
    });
    expect(waits).toEqual([250, 500, 1000, 1000, 1000, 1000]);
  });

  it('mapLimited keeps order with a bounded number of calls in flight', async () => {
    let inFlight = 0;
    let max = 0;
    const out = await mapLimited([5, 1, 3, 2, 4], 2, async (n) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40]);
    expect(max).toBe(2);
  });
});
