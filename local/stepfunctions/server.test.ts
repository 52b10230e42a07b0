import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { startStepFunctionsServer, type StepFunctionsServer } from './server';
import type { LocalStepFunctions } from './engine';
import { lambdaArn, newEngine, tokenCollector } from './testing';

const run = promisify(execFile);

const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: { ready: true }, ResultPath: '$.prep', Next: 'Check' },
    Check: { Type: 'Task', Resource: lambdaArn('check'), ResultPath: '$.check', Next: 'Route' },
    Route: { Type: 'Choice', Choices: [{ Variable: '$.check.ok', BooleanEquals: true, Next: 'Wait for code' }], Default: 'Rejected' },
    'Wait for code': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'send', Payload: { 'token.$': '$$.Task.Token' } },
      ResultPath: '$.code',
      Catch: [{ ErrorEquals: ['CodeMismatchException'], ResultPath: '$.error', Next: 'Rejected' }],
      End: true,
    },
    Rejected: { Type: 'Fail', Error: 'Rejected', Cause: 'check failed' },
  },
};

describe('HTTP endpoint (AWS JSON 1.0)', () => {
  let engine: LocalStepFunctions;
  let server: StepFunctionsServer;
  let sfn: SFNClient;
  let stateMachineArn: string;
  const tokens = tokenCollector();

  beforeAll(async () => {
    engine = newEngine(async (arn, payload) => {
      if (arn === lambdaArn('check')) return { ok: true };
      tokens.push((payload as { token: string }).token);
      return null;
    });
    server = await startStepFunctionsServer(engine, { port: 0 });
    sfn = new SFNClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const created = await sfn.send(
      new CreateStateMachineCommand({
        name: 'verify',
        definition: JSON.stringify(definition),
        roleArn: 'arn:aws:iam::000000000000:role/sfn',
      }),
    );
    stateMachineArn = created.stateMachineArn!;
    expect(created.creationDate).toBeInstanceOf(Date);
  });

  afterAll(async () => {
    sfn.destroy();
    await server.close();
  });

  it('listens on a free loopback port', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it('runs an execution end to end through the real SDK client', async () => {
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'sdk-1', input: '{"user":"user1"}' }));
    expect(started.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:verify:sdk-1');
    expect(started.startDate).toBeInstanceOf(Date);
    const token = await tokens.next();
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(running.status).toBe('RUNNING');
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"code":"123456"}' }));
    await engine.waitForExecution(started.executionArn!);

    const done = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(done).toMatchObject({ status: 'SUCCEEDED', name: 'sdk-1', stateMachineArn, input: '{"user":"user1"}' });
    expect(JSON.parse(done.output!)).toEqual({ user: 'user1', prep: { ready: true }, check: { ok: true }, code: { code: '123456' } });
    expect(done.stopDate!.getTime()).toBeGreaterThanOrEqual(done.startDate!.getTime());

    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
    expect(history.events!.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const events = history.events!;
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events[0]!.timestamp).toBeInstanceOf(Date);
    expect(events[0]!.executionStartedEventDetails).toMatchObject({
      input: '{"user":"user1"}',
      roleArn: 'arn:aws:iam::000000000000:role/sfn',
    });
    expect(events[1]!.stateEnteredEventDetails).toMatchObject({ name: 'Prepare' });
    expect(events[4]!.lambdaFunctionScheduledEventDetails).toMatchObject({ resource: lambdaArn('check') });
    expect(events[11]!.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      region: 'us-east-1',
    });
    expect(events[14]!.taskSucceededEventDetails).toMatchObject({ output: '{"code":"123456"}' });
    expect(events[16]!.executionSucceededEventDetails!.output).toBe(done.output);

    const page1 = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn, maxResults: 5, reverseOrder: true }));
    expect(page1.events!.map((e) => e.id)).toEqual([17, 16, 15, 14, 13]);
    const page2 = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: started.executionArn, maxResults: 5, reverseOrder: true, nextToken: page1.nextToken }),
    );
    expect(page2.events!.map((e) => e.id)).toEqual([12, 11, 10, 9, 8]);
  });

  it('reports failures, Fail states and TaskFailed events in history', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'sdk-fail' }));
    const token = await tokens.next();
    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'CodeMismatchException', cause: 'wrong code' }));
    await engine.waitForExecution(executionArn!);
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(done).toMatchObject({ status: 'FAILED', error: 'Rejected', cause: 'check failed' });
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const failed = events!.find((e) => e.type === 'TaskFailed')!;
    expect(failed.taskFailedEventDetails).toMatchObject({ error: 'CodeMismatchException', cause: 'wrong code' });
    expect(events!.slice(-2).map((e) => e.type)).toEqual(['FailStateEntered', 'ExecutionFailed']);
    expect(events!.at(-1)!.executionFailedEventDetails).toMatchObject({ error: 'Rejected', cause: 'check failed' });
  });

  it('throws the modelled SDK exceptions for service errors', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'sdk-errors', input: '{"a":1}' }));
    const token = await tokens.next();
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));

    const nameOf = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (err: Error & { $metadata?: { httpStatusCode?: number } }) => `${err.name}/${err.$metadata?.httpStatusCode}`,
      );
    expect(await nameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskTimedOut/400');
    expect(await nameOf(sfn.send(new SendTaskFailureCommand({ taskToken: token })))).toBe('TaskTimedOut/400');
    expect(await nameOf(sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'bogus' })))).toBe('InvalidToken/400');
    expect(await nameOf(sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'sdk-errors', input: '{"a":2}' })))).toBe(
      'ExecutionAlreadyExists/400',
    );
    expect(await nameOf(sfn.send(new DescribeExecutionCommand({ executionArn: `${executionArn}-nope` })))).toBe(
      'ExecutionDoesNotExist/400',
    );
    expect(await nameOf(sfn.send(new ListExecutionsCommand({ stateMachineArn: `${stateMachineArn}-nope` })))).toBe(
      'StateMachineDoesNotExist/400',
    );
    expect(
      await nameOf(
        sfn.send(
          new CreateStateMachineCommand({
            name: 'jsonata',
            roleArn: 'arn:aws:iam::000000000000:role/x',
            definition: '{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
          }),
        ),
      ),
    ).toBe('InvalidDefinition/400');
  });

  it('answers an unknown operation with 400 UnknownOperationException', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AWSStepFunctions.DoesNotExist' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('lists, filters, pages, stops and describes', async () => {
    const sm = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    expect(sm).toMatchObject({ name: 'verify', status: 'ACTIVE', type: 'STANDARD', definition: JSON.stringify(definition) });
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines!.map((m) => m.stateMachineArn)).toContain(stateMachineArn);

    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'to-stop', input: '{}' }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'to-stop', input: '{}' }));
    expect(again.executionArn).toBe(first.executionArn); // idempotent while running with the same input
    const token = await tokens.next();
    const stopped = await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn, cause: 'test' }));
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const nameOf = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (err: Error) => err.name,
      );
    expect(await nameOf(sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBe('TaskTimedOut');

    const aborted = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'ABORTED' }));
    expect(aborted.executions!.map((e) => e.name)).toEqual(['to-stop']);
    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(all.executions![0]!.name).toBe('to-stop'); // newest first
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2 }));
    expect(page.executions).toHaveLength(2);
    const rest = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 100, nextToken: page.nextToken }));
    expect([...page.executions!, ...rest.executions!].map((e) => e.executionArn)).toEqual(all.executions!.map((e) => e.executionArn));
  });

  it('answers bad requests as AWS does: InvalidArn, ValidationException, InvalidToken, InvalidDefinition, StateMachineAlreadyExists', async () => {
    const nameOf = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (err: Error & { $metadata?: { httpStatusCode?: number } }) => `${err.name}/${err.$metadata?.httpStatusCode}`,
      );
    expect(await nameOf(sfn.send(new DescribeExecutionCommand({ executionArn: 'my-run' })))).toBe('InvalidArn/400');
    expect(await nameOf(sfn.send(new ListExecutionsCommand({ stateMachineArn: 'verify' })))).toBe('InvalidArn/400');
    expect(await nameOf(sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 5000 })))).toBe('ValidationException/400');
    expect(await nameOf(sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'BOGUS' as never })))).toBe(
      'ValidationException/400',
    );

    const role = 'arn:aws:iam::000000000000:role/x';
    for (const bad of ['null', '{"StartAt":"P","States":{"P":null}}']) {
      expect(await nameOf(sfn.send(new CreateStateMachineCommand({ name: 'malformed', roleArn: role, definition: bad })))).toBe(
        'InvalidDefinition/400',
      );
    }
    const again = await sfn.send(new CreateStateMachineCommand({ name: 'verify', roleArn: role, definition: JSON.stringify(definition) }));
    expect(again.stateMachineArn).toBe(stateMachineArn);
    const other = JSON.stringify({ ...definition, Comment: 'changed' });
    expect(await nameOf(sfn.send(new CreateStateMachineCommand({ name: 'verify', roleArn: role, definition: other })))).toBe(
      'StateMachineAlreadyExists/400',
    );

    // A token belongs to the request it was issued for.
    const executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions!;
    const [a, b] = executions.map((e) => e.executionArn!);
    const historyPage = await sfn.send(new GetExecutionHistoryCommand({ executionArn: a, maxResults: 2 }));
    expect(historyPage.nextToken).toBeDefined();
    expect(
      await nameOf(sfn.send(new GetExecutionHistoryCommand({ executionArn: b, maxResults: 2, nextToken: historyPage.nextToken }))),
    ).toBe('InvalidToken/400');
    expect(await nameOf(sfn.send(new ListExecutionsCommand({ stateMachineArn, nextToken: 'garbage' })))).toBe('InvalidToken/400');
  });

  it('pages ListExecutions without repeating or skipping an execution when a new one starts between pages', async () => {
    const page1 = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2 }));
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'between-pages' }));
    const before = page1.executions!.map((e) => e.name!);
    const rest: string[] = [];
    let nextToken = page1.nextToken;
    while (nextToken) {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2, nextToken }));
      rest.push(...page.executions!.map((e) => e.name!));
      nextToken = page.nextToken;
    }
    const names = [...before, ...rest];
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain('between-pages'); // newer than the first page: not part of this listing
    const now = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions!.map((e) => e.name!);
    expect(names).toEqual(now.filter((n) => n !== 'between-pages'));
    const token = await tokens.next();
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
  });

  it('keeps paging a status-filtered listing after the last execution shown has left it', async () => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'filtered-1' }));
    const first = await tokens.next();
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'filtered-2' }));
    const second = await tokens.next();
    const page1 = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }));
    expect(page1.executions!.map((e) => e.name)).toEqual(['filtered-2']);
    // The execution on page 1 finishes: it is no longer RUNNING, and page 2 still follows on.
    await sfn.send(new SendTaskSuccessCommand({ taskToken: second, output: '{}' }));
    await engine.waitForExecution(page1.executions![0]!.executionArn!);
    const rest = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 100, nextToken: page1.nextToken }),
    );
    expect(rest.executions!.map((e) => e.name)).toContain('filtered-1');
    expect(rest.executions!.map((e) => e.name)).not.toContain('filtered-2');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: first, output: '{}' }));
  });

  it('works with the AWS CLI', async () => {
    try {
      await run('sh', ['-c', 'command -v aws']);
    } catch {
      console.log('Skipping the AWS CLI check: `aws` is not installed');
      return;
    }
    const { stdout } = await run(
      'aws',
      [
        '--endpoint-url',
        server.url,
        '--region',
        'us-east-1',
        '--output',
        'json',
        'stepfunctions',
        'list-executions',
        '--state-machine-arn',
        stateMachineArn,
      ],
      { env: { ...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_PAGER: '' } },
    );
    const listed = JSON.parse(stdout) as { executions: Array<{ executionArn: string; status: string; startDate: string }> };
    expect(listed.executions.length).toBeGreaterThan(0);
    expect(listed.executions.map((e) => e.executionArn)).toContain('arn:aws:states:us-east-1:000000000000:execution:verify:sdk-1');
    expect(listed.executions.find((e) => e.executionArn.endsWith(':sdk-1'))!.status).toBe('SUCCEEDED');
  }, 30000);
});
