import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetPolicyCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { RunItem, WaitItem, WaitStep } from '../../lib/runs/model';
import { sign, SIGNATURE_HEADER } from '../../lib/signature';
import type { AcceptanceTarget, Check, TestMode } from './acceptanceTarget';

// The target's shapes live in their own file: the local and stage set-ups import them, this file imports those.
export type { AcceptanceTarget, Check, TestMode };

/**
 * The driver of the acceptance scenarios (tests/acceptance): the same given/when/then steps run
 * against the embedded local cloud (default) or a deployed stage (`TEST_MODE=stage`; docs/architecture.md, "Tests").
 * The switch only decides where the endpoints come from — the local cloud's, or the stack outputs
 * of `cognito-sms-mfa-<STAGE>` as `cli/config.ts` reads them; every step is the same real call
 * (Step Functions, the signed HTTP callback, DynamoDB, Cognito, IAM, SSM). Nothing is mocked, and
 * no step touches the fake phone: codes come back by the target's own route, as on a stage.
 */
export function testMode(): TestMode {
  const mode = process.env.TEST_MODE ?? 'local';
  if (mode !== 'local' && mode !== 'stage') throw new Error(`TEST_MODE is "${mode}": use local (default) or stage`);
  return mode;
}

/** How long steps may take: a stage waits for real SMS, IAM propagation and a busy check phone. */
export interface Limits {
  setupMs: number;
  provisionMs: number;
  /** A whole check run, including a wait for the lease while a scheduled run holds the phone. */
  checkMs: number;
  teardownMs: number;
  /** Polling of executions and leases: from pollMs, backing off to maxPollMs. */
  pollMs: number;
  maxPollMs: number;
  /** Pause between reads of the check phone's wait item (a wrong code must beat the real one). */
  waitPollMs: number;
  /** Eventually consistent reads after a delete (IAM). */
  settleMs: number;
}

export const LIMITS: Record<TestMode, Limits> = {
  local: {
    setupMs: 60_000,
    provisionMs: 30_000,
    checkMs: 30_000,
    teardownMs: 30_000,
    pollMs: 20,
    maxPollMs: 100,
    waitPollMs: 1,
    settleMs: 0,
  },
  stage: {
    setupMs: 60_000,
    provisionMs: 5 * 60_000,
    checkMs: 20 * 60_000,
    teardownMs: 10 * 60_000,
    pollMs: 250,
    maxPollMs: 2_000,
    waitPollMs: 10,
    settleMs: 30_000,
  },
};

export type Machine = 'provision' | 'verify' | 'teardown';

export interface CallbackRequest {
  /** Serialised as JSON unless `raw` is given. */
  body?: object;
  raw?: string;
  /** Signed with the stage's secret unless given; null sends no signature header. */
  signature?: string | null;
  contentType?: string;
}

export interface CallbackAnswer {
  status: number;
  body: unknown;
  text: string;
}

export interface ProvisionOutput {
  targetName: string;
  userPoolId: string;
  userPoolArn: string;
  clientId: string;
  roleArn: string;
  policyArn: string;
  externalId: string;
  targetParameter: string;
  created: { role: boolean; policy: boolean; userPool: boolean; client: boolean };
  drift: { userPool: string[]; client: string[] };
  [key: string]: unknown;
}

/** A code no real SMS carries for this run (a real one matching it is a one-in-a-million event). */
export const WRONG_CODE = '000000';

export const runIdOf = (executionArn: string) => executionArn.split(':').pop()!;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class AcceptanceDriver {
  readonly mode: TestMode;
  readonly where: string;
  readonly check: Check;
  readonly limits: Limits;
  readonly sfn: SFNClient;
  readonly db: DynamoDBDocumentClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly iam: IAMClient;
  readonly ssm: SSMClient;

  constructor(private readonly target: AcceptanceTarget) {
    this.mode = target.mode;
    this.where = target.where;
    this.check = target.check;
    this.limits = LIMITS[target.mode];
    const region = target.endpoints.region;
    this.sfn = new SFNClient({ region });
    this.db = DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
    this.cognito = new CognitoIdentityProviderClient({ region });
    this.iam = new IAMClient({ region });
    this.ssm = new SSMClient({ region });
  }

  async close(): Promise<void> {
    for (const client of [this.sfn, this.db, this.cognito, this.iam, this.ssm]) client.destroy();
    await this.target.close();
  }

  // --- Step Functions ---------------------------------------------------------------------

  async start(machine: Machine, input: object): Promise<string> {
    const { executionArn } = await this.sfn.send(
      new StartExecutionCommand({ stateMachineArn: this.target.endpoints.stateMachines[machine], input: JSON.stringify(input) }),
    );
    return executionArn!;
  }

  /** Starts a check run on the target's check phone, as the stage's schedule does. */
  startCheck(): Promise<string> {
    return this.start('verify', { target: this.check.target, phoneNumber: this.check.phoneNumber });
  }

  /** Polls DescribeExecution with backoff until the execution has ended. */
  async finish(executionArn: string, timeoutMs = this.limits.checkMs): Promise<DescribeExecutionCommandOutput> {
    const deadline = Date.now() + timeoutMs;
    for (let wait = this.limits.pollMs; ; wait = Math.min(wait * 2, this.limits.maxPollMs)) {
      const description = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (description.status !== 'RUNNING') return description;
      if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
      await sleep(wait);
    }
  }

  async run(machine: Machine, input: object, timeoutMs?: number): Promise<DescribeExecutionCommandOutput> {
    return this.finish(await this.start(machine, input), timeoutMs);
  }

  /**
   * The input and output of the newest successful provisioning of a target: what a re-run must
   * reproduce. On a stage that is whatever the operator ran; locally the setup's provisioning.
   */
  async lastProvisioningOf(targetName: string, scan = 50): Promise<{ executionArn: string; input: object; output: ProvisionOutput }> {
    let nextToken: string | undefined;
    let seen = 0;
    do {
      const page = await this.sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: this.target.endpoints.stateMachines.provision,
          statusFilter: 'SUCCEEDED',
          maxResults: 20,
          nextToken,
        }),
      );
      for (const execution of page.executions ?? []) {
        const d = await this.sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
        const output = JSON.parse(d.output ?? '{}') as ProvisionOutput;
        if (output.targetName === targetName)
          return { executionArn: d.executionArn!, input: JSON.parse(d.input ?? '{}') as object, output };
        if (++seen >= scan) break;
      }
      nextToken = page.nextToken;
    } while (nextToken && seen < scan);
    throw new Error(
      `No successful provisioning of target ${targetName} among the last ${seen} on ${this.where} (Step Functions keeps executions for 90 days): ` +
        `run it once more with the input it was provisioned with (npm run cli -- provision --stage <stage> --input '{"targetName":"${targetName}", ...}')`,
    );
  }

  // --- The runs table ---------------------------------------------------------------------

  private async item<T>(pk: string): Promise<T | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.runsTable, Key: { pk }, ConsistentRead: true }));
    return Item as T | undefined;
  }

  private get runsTable(): string {
    const table = this.target.endpoints.runsTable;
    if (!table) throw new Error(`${this.where} names no runs table (stack output RunsTableName): deploy this version`);
    return table;
  }

  runRecord(runId: string): Promise<RunItem | undefined> {
    return this.item<RunItem>(`RUN#${runId}`);
  }

  lease(phone: string): Promise<{ runId: string } | undefined> {
    return this.item<{ runId: string }>(`LEASE#${phone}`);
  }

  wait(phone: string): Promise<WaitItem | undefined> {
    return this.item<WaitItem>(`WAIT#${phone}`);
  }

  /**
   * Resolves once the run's wait for `step` is open (the SignUp / InitiateAuth task registers it
   * just before Cognito sends the code) and has no code yet, so that an answer posted now is the
   * first. Throws CodeCameFirst when the route was faster.
   */
  async awaitingCode(executionArn: string, step: WaitStep, timeoutMs = this.limits.checkMs): Promise<WaitItem> {
    const cameFirst = new CodeCameFirst(runIdOf(executionArn), step);
    try {
      return await this.pollWait(executionArn, timeoutMs, (wait) => {
        if (wait.step === step && wait.answered !== true) return wait;
        if (wait.step === step || (step === 'SIGN_UP' && wait.step === 'MFA')) throw cameFirst;
        return undefined;
      });
    } catch (error) {
      // So fast that the whole run passed between two looks.
      if (error instanceof RunEnded && error.status === 'SUCCEEDED') throw cameFirst;
      throw error;
    }
  }

  /** Resolves with the first wait of the run seen on the check phone, whatever its step or state. */
  waitOpened(executionArn: string, timeoutMs = this.limits.checkMs): Promise<WaitItem> {
    return this.pollWait(executionArn, timeoutMs, (wait) => wait);
  }

  /**
   * Watches the check phone's wait item (one consistent GetItem a read) back to back, so that a
   * wrong code can beat a fast route to the wait — except while another run (the schedule's) holds
   * the phone's lease: then the run is queued and is looked at gently. Every half second it checks
   * that the run still runs and who holds the phone.
   */
  private async pollWait(executionArn: string, timeoutMs: number, pick: (wait: WaitItem) => WaitItem | undefined): Promise<WaitItem> {
    const runId = runIdOf(executionArn);
    const phone = this.check.phoneNumber;
    const deadline = Date.now() + timeoutMs;
    let queued = false;
    let nextCheck = 0;
    while (Date.now() < deadline) {
      if (!queued) {
        const wait = await this.wait(phone);
        if (wait?.runId === runId) {
          const picked = pick(wait);
          if (picked) return picked;
        }
      }
      if (Date.now() >= nextCheck) {
        const { status } = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (status !== 'RUNNING') throw new RunEnded(runId, status);
        const lease = await this.lease(phone);
        queued = lease !== undefined && lease.runId !== runId;
        nextCheck = Date.now() + (queued ? this.limits.maxPollMs : 500);
      }
      await sleep(queued ? this.limits.maxPollMs : this.limits.waitPollMs);
    }
    throw new Error(`${runId} did not wait for a code within ${timeoutMs} ms`);
  }

  // --- The callback API -------------------------------------------------------------------

  sign(raw: string, nowSeconds?: number): string {
    return sign(this.target.callbackSecret, raw, nowSeconds);
  }

  /** POSTs to the stage's `POST /codes` over HTTP(S), signed unless told otherwise. */
  async post(request: CallbackRequest): Promise<CallbackAnswer> {
    const raw = request.raw ?? JSON.stringify(request.body ?? {});
    const headers: Record<string, string> = { 'content-type': request.contentType ?? 'application/json' };
    const signature = request.signature === undefined ? this.sign(raw) : request.signature;
    if (signature !== null) headers[SIGNATURE_HEADER] = signature;
    const response = await fetch(this.target.endpoints.callbackUrl, {
      method: 'POST',
      headers,
      body: raw,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // API Gateway's own errors may be plain text.
    }
    return { status: response.status, body, text };
  }

  /** A correctly signed code submission. */
  submit(body: { runId?: string; phoneNumber?: string; code?: string; message?: string }): Promise<CallbackAnswer> {
    return this.post({ body });
  }

  // --- What a run or a teardown left behind -----------------------------------------------

  async userExists(userPoolId: string, username: string): Promise<boolean> {
    return (await errorOf(this.cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username })))) === undefined;
  }

  /**
   * The AWS error name a read now answers with (undefined: the thing exists), retried for a while
   * on a stage while it still exists, for reads that are eventually consistent after a delete.
   */
  async goneWith(read: () => Promise<unknown>): Promise<string | undefined> {
    const deadline = Date.now() + this.limits.settleMs;
    for (;;) {
      const name = await errorOf(read());
      if (name !== undefined || Date.now() >= deadline) return name;
      await sleep(1_000);
    }
  }

  userPoolGone = (userPoolId: string) => this.goneWith(() => this.cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })));
  clientGone = (userPoolId: string, clientId: string) =>
    this.goneWith(() => this.cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId })));
  roleGone = (roleName: string) => this.goneWith(() => this.iam.send(new GetRoleCommand({ RoleName: roleName })));
  policyGone = (policyArn: string) => this.goneWith(() => this.iam.send(new GetPolicyCommand({ PolicyArn: policyArn })));
  parameterGone = (name: string) => this.goneWith(() => this.ssm.send(new GetParameterCommand({ Name: name })));
}

/** The real code answered the wait before the scenario could (a fast route, e.g. the Custom SMS Sender); the scenario may retry. */
export class CodeCameFirst extends Error {
  override name = 'CodeCameFirst';
  constructor(
    readonly runId: string,
    readonly step: WaitStep,
  ) {
    super(`the ${step} code of ${runId} arrived before the scenario could answer first`);
  }
}

export class RunEnded extends Error {
  override name = 'RunEnded';
  constructor(
    readonly runId: string,
    readonly status: string | undefined,
  ) {
    super(`${runId} ended (${status}) before the scenario saw it wait for a code`);
  }
}

/** A number nothing waits on (area code 999 is unassigned): the callback answers 404 for it. */
export const unusedPhone = () => `+1999555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;

async function errorOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    // Only an answer of the service counts; a network failure is not "gone".
    if (typeof error !== 'object' || error === null || !('$metadata' in error)) throw error;
    return (error as unknown as Error).name;
  }
}

/** Opens the driver for TEST_MODE: the local cloud (default) or the deployed stage named by STAGE. */
export async function openAcceptanceDriver(): Promise<AcceptanceDriver> {
  const target =
    testMode() === 'stage'
      ? await (await import('./acceptanceStage')).stageTarget()
      : await (await import('./acceptanceLocal')).localTarget();
  return new AcceptanceDriver(target);
}
