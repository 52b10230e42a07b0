import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { jsonLines } from './logCapture';

/**
 * Test helpers for the scenarios of the code routes (inbound SMS, Twilio, Custom SMS Sender): what
 * a route logged, what the runs table holds, and where a run stands.
 */

/** A phone number as the logs show it. */
export const masked = (phone: string) => `+*******${phone.slice(-4)}`;

/**
 * The captured log lines of one route: all JSON lines, the route's outcome lines (`code <Outcome>`,
 * not the metric lines), and the CodeNotDelivered metrics (EMF) it emitted for an outcome.
 */
export function routeLog(chunks: () => string[], route: string) {
  const lines = () => jsonLines(chunks());
  return {
    lines,
    outcomes: () => lines().filter((l) => l.route === route && !l._aws && /^code /.test(l.message)),
    notDelivered: (outcome: string) =>
      lines().filter((l) => l._aws && l.CodeNotDelivered === 1 && l.route === route && l.outcome === outcome),
  };
}

/** Whatever `found()` returns once it has `count` entries, or after `timeoutMs` (for what arrives asynchronously). */
export async function atLeast<T>(count: number, found: () => T[], timeoutMs = 5_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  while (found().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return found();
}

/** An item of the runs table, read consistently. */
export const runsItem = async (db: DynamoDBDocumentClient, pk: string) =>
  (await db.send(new GetCommand({ TableName: process.env.RUNS_TABLE, Key: { pk }, ConsistentRead: true }))).Item;

/** What the scenarios need of their cloud (tests/scenarios/harness.ts's ScenarioCloud). */
interface Executions {
  targetName: string;
  start(machine: string, input: object): Promise<string>;
  reached(executionArn: string, state: string): Promise<void>;
  statusOf(executionArn: string): Promise<string | undefined>;
  history(executionArn: string): Promise<HistoryEvent[]>;
}

/** Given a check on `phone` waiting for its sign-up code (10 s unless `timeouts` says otherwise). */
export async function startWaitingForSignUpCode(s: Executions, phone: string, timeouts: object = {}): Promise<string> {
  const executionArn = await s.start('verify', {
    target: s.targetName,
    phoneNumber: phone,
    timeouts: { signUpCodeSeconds: 10, ...timeouts },
  });
  await s.reached(executionArn, 'AwaitSignUpCode');
  return executionArn;
}

/** The run is still running a moment later and has not entered `state`. */
export async function expectStillWaiting(s: Executions, executionArn: string, state = 'ConfirmSignUp') {
  await new Promise((r) => setTimeout(r, 100));
  expect(await s.statusOf(executionArn)).toBe('RUNNING');
  expect((await s.history(executionArn)).some((e) => e.stateEnteredEventDetails?.name === state)).toBe(false);
}

/** A KMS that fails: what `failing` makes Decrypt answer, as KMS answers errors (JSON protocol). */
export interface KmsFault {
  /** The AWS error name (`__type`): ThrottlingException (HTTP 400), KMSInternalException (500)… */
  error: string;
  status: number;
}

export interface FaultyKms {
  /** Point AWS_ENDPOINT_URL_KMS here: every call goes on to the real KMS (moto) unless Decrypt is failing. */
  url: string;
  /** From now on every Decrypt fails so, until `heal()`. */
  failDecrypt(fault: KmsFault): void;
  heal(): void;
  /** Decrypt calls failed so far. */
  readonly failed: number;
  close(): Promise<void>;
}

/**
 * A loopback endpoint in front of a real KMS (moto, which has no fault injection): it passes every
 * request through unchanged, and while told to, answers Decrypt with an AWS error instead, so the
 * real SDK and Encryption SDK meet a KMS outage exactly as they would in AWS.
 */
export async function startFaultyKms(kmsUrl: string): Promise<FaultyKms> {
  let fault: KmsFault | undefined;
  let failed = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (fault && req.headers['x-amz-target'] === 'TrentService.Decrypt') {
        failed++;
        res.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': fault.error });
        res.end(JSON.stringify({ __type: fault.error, message: `injected: ${fault.error}` }));
        return;
      }
      const target = new URL(req.url ?? '/', kmsUrl);
      const onward = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      onward.on('error', (error) => {
        res.writeHead(502);
        res.end(error.message);
      });
      onward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    failDecrypt: (f) => {
      fault = f;
    },
    heal: () => {
      fault = undefined;
    },
    get failed() {
      return failed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
