import { join } from 'node:path';
import { routesFromServerlessConfig, startApiServer, viaLocalLambda } from '../../local/api/server';
import { createLocalLambda, type Invocation, type LocalLambda } from '../../local/runtime/lambda';
import { functionLogicalId, type FunctionConfig, type ServerlessConfig } from '../../local/serverlessConfig';
import type { LambdaLogChunk } from '../../local/runtime/logs';

/** The one local Lambda runtime, with real handler modules (tests/local/fixtures/handlers.ts) loaded as serverless.yml names them. */
const ROOT = join(__dirname, 'fixtures');
const fn = (name: string, timeoutSeconds = 6, httpPath?: string): FunctionConfig => ({
  name,
  logicalId: functionLogicalId(name),
  module: 'handlers',
  exportName: name,
  httpEvents: httpPath ? [{ method: 'POST', path: httpPath }] : [],
  eventPatterns: [],
  snsEvents: [],
  environment: {},
  timeoutSeconds,
  memoryMb: 256,
});
const config: ServerlessConfig = {
  service: 'svc',
  functions: [
    fn('echo', 3, '/echo'),
    fn('slow', 1, '/slow'),
    fn('throwsString'),
    fn('throwsNamed', 6, '/fail'),
    fn('logs'),
    fn('returnsDate'),
    fn('notAFunction'),
  ],
  stateMachines: [],
  environment: {},
  params: {},
  resources: {},
};

let lambda: LocalLambda;
const chunks: LambdaLogChunk[] = [];
beforeAll(() => {
  lambda = createLocalLambda(config, {
    stage: 'test',
    region: 'us-east-1',
    accountId: '123456789012',
    root: ROOT,
    logs: (c) => chunks.push(c),
  });
});
afterAll(() => lambda.close());
const arn = (name: string) => lambda.arnOf(config.functions.find((f) => f.name === name)!);

describe('the local Lambda runtime', () => {
  it('passes the event through JSON and gives the handler a Lambda context with the function timeout', async () => {
    const out = (await lambda.invoke(arn('echo'), { a: 1, skip: undefined })) as {
      event: unknown;
      functionName: string;
      remainingMs: number;
    };
    expect(out.event).toEqual({ a: 1 });
    expect(out.functionName).toBe('svc-test-echo');
    expect(out.remainingMs).toBeGreaterThan(2_000);
    expect(out.remainingMs).toBeLessThanOrEqual(3_000);
    // The result goes through JSON as well: a Date becomes its ISO text, undefined disappears.
    await expect(lambda.invoke(arn('returnsDate'), {})).resolves.toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });

  it('times a function out after its configured timeout as Sandbox.Timedout', async () => {
    const started = Date.now();
    await expect(lambda.invoke(arn('slow'), {})).rejects.toMatchObject({
      name: 'Sandbox.Timedout',
      message: 'Task timed out after 1.00 seconds',
    });
    expect(Date.now() - started).toBeLessThan(1_900);
  });

  it("keeps a thrown error's name and turns a thrown string into an Error", async () => {
    await expect(lambda.invoke(arn('throwsNamed'), {})).rejects.toMatchObject({ name: 'UserNotFoundException', message: 'no such user' });
    const thrown = await lambda.invoke(arn('throwsString'), {}).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({ name: 'Error', message: 'plain text' });
  });

  it('refuses an unknown function and a handler that is not a function, by name', async () => {
    await expect(lambda.invoke('arn:aws:lambda:us-east-1:123456789012:function:nope', {})).rejects.toMatchObject({
      name: 'Lambda.ResourceNotFoundException',
    });
    await expect(lambda.invoke(arn('notAFunction'), {})).rejects.toThrow(/handlers\.notAFunction, which is not an exported function/);
  });

  it('hands what a handler writes, across its awaits, to the log sink with its request id; other writes pass', async () => {
    chunks.length = 0;
    const seen: Invocation[] = [];
    const stop = lambda.onInvoke((i) => seen.push(i));
    await lambda.invoke(arn('logs'), {}, { source: 'states', executionArn: 'arn:aws:states:us-east-1:123456789012:execution:m:run-1' });
    stop();
    await lambda.invoke(arn('echo'), {});
    expect(chunks.map((c) => [c.functionName, c.stream, c.text])).toEqual([
      ['svc-test-logs', 'stdout', '{"level":"INFO","message":"from the handler"}\n'],
      ['svc-test-logs', 'stderr', 'after an await\n'],
    ]);
    expect(seen).toEqual([
      expect.objectContaining({
        functionName: 'logs',
        ok: true,
        requestId: chunks[0]!.requestId,
        trigger: { source: 'states', executionArn: expect.stringContaining(':run-1') },
      }),
    ]);
    expect(lambda.invocations.at(-1)).toMatchObject({ functionName: 'echo', trigger: { source: 'direct' } });
  });
});

describe('the HTTP API on the local Lambda runtime (viaLocalLambda)', () => {
  it('invokes each route through the runtime with trigger http: counted, observed, failures and timeouts a bare 500', async () => {
    const api = await startApiServer(routesFromServerlessConfig(config, ROOT), { invoke: viaLocalLambda(lambda, config) });
    const seen: Invocation[] = [];
    const stop = lambda.onInvoke((i) => seen.push(i));
    const before = lambda.invocations.length;
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const post = (path: string) =>
        fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      const ok = await post('/echo');
      expect(ok.status).toBe(200);
      // The runtime's context (the deployed function's name), not the route's bare name.
      expect(await ok.json()).toMatchObject({ functionName: 'svc-test-echo', event: { routeKey: 'POST /echo', body: '{"a":1}' } });

      for (const path of ['/fail', '/slow']) {
        const failed = await post(path);
        expect({ path, status: failed.status, body: await failed.json() }).toEqual({
          path,
          status: 500,
          body: { message: 'Internal Server Error' },
        });
      }
      expect(stderr.mock.calls.map(([line]) => String(line))).toEqual([
        'local api: POST /fail failed: UserNotFoundException\n',
        'local api: POST /slow failed: Sandbox.Timedout\n',
      ]);
    } finally {
      stderr.mockRestore();
      stop();
      await api.close();
    }
    const http = { source: 'http' };
    expect(seen).toEqual([
      expect.objectContaining({ functionName: 'echo', ok: true, trigger: http }),
      expect.objectContaining({ functionName: 'throwsNamed', ok: false, errorName: 'UserNotFoundException', trigger: http }),
      expect.objectContaining({ functionName: 'slow', ok: false, errorName: 'Sandbox.Timedout', trigger: http }),
    ]);
    expect(lambda.invocations.slice(before)).toEqual(seen);
  });
});
