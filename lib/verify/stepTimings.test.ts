import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { stepTimings } from './stepTimings';

const sfn = mockClient(SFNClient);
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:verify:run-1';
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
let id = 0;
const entered = (name: string, at: number, type = 'TaskStateEntered'): HistoryEvent => ({
  id: ++id,
  type: type as never,
  timestamp: new Date(T0 + at),
  stateEnteredEventDetails: { name },
});
const exited = (name: string, at: number, type = 'TaskStateExited'): HistoryEvent => ({
  id: ++id,
  type: type as never,
  timestamp: new Date(T0 + at),
  stateExitedEventDetails: { name },
});

beforeEach(() => {
  sfn.reset();
  id = 0;
});

describe('stepTimings', () => {
  it('measures each state from entered to exited across all history pages, in order', async () => {
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({
        events: [
          { id: ++id, type: 'ExecutionStarted', timestamp: new Date(T0) },
          entered('PrepareRun', 0),
          { id: ++id, type: 'LambdaFunctionScheduled', timestamp: new Date(T0 + 10) },
          exited('PrepareRun', 250),
          entered('AwaitSignUpCode', 300),
        ],
        nextToken: 'page-2',
      })
      .resolvesOnce({
        events: [
          exited('AwaitSignUpCode', 42_300),
          entered('Passed', 42_400, 'PassStateEntered'),
          exited('Passed', 42_401, 'PassStateExited'),
        ],
      });
    await expect(stepTimings(ARN)).resolves.toEqual([
      { name: 'PrepareRun', ms: 250 },
      { name: 'AwaitSignUpCode', ms: 42_000 },
      { name: 'Passed', ms: 1 },
    ]);
    const calls = sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ executionArn: ARN, includeExecutionData: false });
    expect(calls[1]).toMatchObject({ executionArn: ARN, includeExecutionData: false, nextToken: 'page-2' });
  });

  it('leaves out states still running (the recording state itself) or failed without an exit', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        entered('ReleaseLease', 0),
        exited('ReleaseLease', 30),
        entered('RecordPass', 40),
        entered('Failed', 50, 'FailStateEntered'),
      ],
    });
    await expect(stepTimings(ARN)).resolves.toEqual([{ name: 'ReleaseLease', ms: 30 }]);
  });

  it('ignores an exit without an entry and events without a timestamp', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        exited('Orphan', 10),
        { id: 99, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'NoTime' } } as unknown as HistoryEvent,
        exited('NoTime', 20),
      ],
    });
    await expect(stepTimings(ARN)).resolves.toEqual([]);
  });

  it('is empty for an empty history', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({});
    await expect(stepTimings(ARN)).resolves.toEqual([]);
  });
});
