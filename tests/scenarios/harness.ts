import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import type { SentSms } from '../../local/cognito';
import { sign } from '../../lib/signature';
import { executionHistory } from '../../cli/executionHistory';

/**
 * Given/when/then scenarios run against the embedded local cloud: real SDK clients, real HTTP,
 * the same ASL and handlers as deployed. The fake phone is under the test's control here, so a
 * scenario can drop, corrupt or repeat an SMS.
 */
export type PhoneMode = 'deliver' | 'drop' | 'wrong' | 'duplicate' | 'hold';

export interface CallbackAnswer {
  phoneNumber: string;
  status: number;
  body: any;
}

export class ScenarioCloud {
  readonly modes = new Map<string, PhoneMode>();
  readonly answers: CallbackAnswer[] = [];
  readonly held: SentSms[] = [];
  readonly sfn = new SFNClient({});
  targetName = '';

  private constructor(readonly cloud: LocalCloud) {
    cloud.onSms((sms) => void this.onSms(sms));
  }

  /** `params`: serverless.yml params of the stage, e.g. `CODE_SOURCE_PARAMS.twilio` for a scenario of that route. */
  static async start(opts: { logLevel?: string; params?: Record<string, string>; provisionInput?: object } = {}): Promise<ScenarioCloud> {
    // Scenarios give each run its own phone; the hold a failed run keeps on its phone has a
    // scenario of its own (verify.test.ts), which sets it.
    const params = { phoneHoldAfterFailureSeconds: '0', ...opts.params };
    const cloud = await startLocalCloud({ codeSource: 'none', retryIntervalScale: 0.05, logLevel: opts.logLevel, params });
    const scenario = new ScenarioCloud(cloud);
    const provision = await scenario.run('provision', opts.provisionInput ?? {});
    if (provision.status !== 'SUCCEEDED') throw new Error(`provisioning failed: ${provision.error}: ${provision.cause}`);
    scenario.targetName = JSON.parse(provision.output!).targetName;
    return scenario;
  }

  async close() {
    this.sfn.destroy();
    await this.cloud.close();
  }

  private async onSms(sms: SentSms) {
    const mode = this.modes.get(sms.phoneNumber) ?? 'deliver';
    if (mode === 'drop') return;
    if (mode === 'hold') {
      this.held.push(sms);
      return;
    }
    const code = mode === 'wrong' ? (sms.code === '000000' ? '111111' : '000000') : sms.code;
    await this.submit({ phoneNumber: sms.phoneNumber, code });
    if (mode === 'duplicate') await this.submit({ phoneNumber: sms.phoneNumber, code });
  }

  /** POSTs to the callback API over HTTP, signed unless told otherwise. */
  async submit(body: object, opts: { signature?: string | null; raw?: string } = {}): Promise<CallbackAnswer> {
    const raw = opts.raw ?? JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signature = opts.signature === undefined ? sign(this.cloud.callbackSecret, raw) : opts.signature;
    if (signature !== null) headers['x-signature'] = signature;
    const response = await fetch(`${this.cloud.urls.api}/codes`, { method: 'POST', headers, body: raw });
    const answer = {
      phoneNumber: String((body as { phoneNumber?: string }).phoneNumber),
      status: response.status,
      body: await response.json(),
    };
    this.answers.push(answer);
    return answer;
  }

  async start(machine: string, input: object, name?: string): Promise<string> {
    const { executionArn } = await this.sfn.send(
      new StartExecutionCommand({ stateMachineArn: this.cloud.stateMachineArn(machine), input: JSON.stringify(input), name }),
    );
    return executionArn!;
  }

  async finish(executionArn: string) {
    await this.cloud.engine.waitForExecution(executionArn);
    return this.sfn.send(new DescribeExecutionCommand({ executionArn }));
  }

  async run(machine: string, input: object, name?: string) {
    return this.finish(await this.start(machine, input, name));
  }

  history(executionArn: string): Promise<HistoryEvent[]> {
    return executionHistory(this.sfn, executionArn);
  }

  async statusOf(executionArn: string) {
    return (await this.sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
  }

  /** Resolves when the execution has entered the named state. */
  async reached(executionArn: string, state: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const events = await this.history(executionArn);
      if (events.some((e) => e.stateEnteredEventDetails?.name === state)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${executionArn} did not reach ${state} within ${timeoutMs} ms`);
  }
}

let phoneCounter = 100;
/** A fresh test number per scenario, so leases and waits never collide between scenarios. */
export const nextPhone = () => `+1555555${String(phoneCounter++).padStart(4, '0')}`;
