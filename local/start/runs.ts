import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { executionHistory } from '../../cli/executionHistory';
import { maskPhone } from '../../lib/phone';
import type { LocalCloud } from '../cloud';
import { redact, stateTransitions, stepsFromHistory, type Step } from '../report';

/** One execution as the report shows it: masked, timed, counted. */
export interface RunReport {
  machine: string;
  name: string;
  executionArn: string;
  phone?: string;
  status: string;
  error?: string;
  cause?: string;
  ms: number;
  stateTransitions: number;
  lambdaInvocations: number;
  steps: Step[];
  output?: unknown;
  /** Copied from a verification's output when it has them (the verify machine's kind, its standing user). */
  kind?: unknown;
  standingUser?: unknown;
}

const shortId = () => randomUUID().slice(0, 8);

/**
 * Starts executions on the local cloud through its Step Functions API (the real SDK client), waits
 * for them, and reports each one. Lambda invocations are counted per execution from the local
 * Lambda runtime's onInvoke observer, which names the execution whose task invoked it.
 */
export class Runs {
  /** Execution ARN → the label shown on its progress lines (`verify#2`). */
  readonly labels = new Map<string, string>();
  private readonly sfn = new SFNClient({});
  private readonly running = new Set<string>();
  private readonly invocationsByExecution = new Map<string, number>();
  private codeRoute = 0;
  private readonly stopObserving: () => void;
  stopReason: string | undefined;

  constructor(private readonly cloud: LocalCloud) {
    this.stopObserving = cloud.lambda.onInvoke(({ trigger }) => {
      if (trigger.source === 'states')
        this.invocationsByExecution.set(trigger.executionArn, (this.invocationsByExecution.get(trigger.executionArn) ?? 0) + 1);
      // The code route's receiver, once per code: invoked by SNS (inbound SMS), by Cognito (Custom SMS
      // Sender) or by the HTTP API (the Twilio webhook, the signed POST /codes).
      else if (trigger.source === 'sns' || trigger.source === 'cognito' || trigger.source === 'http') this.codeRoute++;
    });
  }

  /** Invoked by a code route (SNS, Cognito, HTTP API), not by a state machine. */
  get codeRouteInvocations(): number {
    return this.codeRoute;
  }

  async run(machine: string, input: object, label: string, phone?: string): Promise<RunReport> {
    const started = performance.now();
    const name = `${label.replace('#', '-')}-${shortId()}`;
    const stateMachineArn = this.cloud.stateMachineArn(machine);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    this.labels.set(executionArn, label);
    this.running.add(executionArn);
    try {
      if (this.stopReason) throw new Error(this.stopReason);
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }));
      await this.cloud.engine.waitForExecution(executionArn);
    } finally {
      this.running.delete(executionArn);
    }
    const ms = performance.now() - started;
    const [described, events] = await Promise.all([
      this.sfn.send(new DescribeExecutionCommand({ executionArn })),
      executionHistory(this.sfn, executionArn),
    ]);
    const output = described.output ? (redact(JSON.parse(described.output)) as Record<string, unknown>) : undefined;
    return {
      machine,
      name,
      executionArn,
      phone: phone && maskPhone(phone),
      status: String(described.status),
      // Masked like everything else shown: a cause quotes whatever a Lambda's error said.
      error: redact(described.error) as string | undefined,
      cause: redact(described.cause) as string | undefined,
      ms,
      stateTransitions: stateTransitions(events),
      lambdaInvocations: this.invocationsByExecution.get(executionArn) ?? 0,
      steps: stepsFromHistory(events),
      output,
      ...(output?.kind !== undefined && { kind: output.kind }),
      ...(output?.standingUser !== undefined && { standingUser: output.standingUser }),
    };
  }

  /** Stops every execution still running (stdin closed under --interactive); no new one starts. */
  stopAll(error: string, cause: string): void {
    this.stopReason ??= cause;
    for (const executionArn of this.running) {
      try {
        this.cloud.engine.stopExecution({ executionArn, error, cause });
      } catch {
        // already finished
      }
    }
  }

  close(): void {
    this.stopObserving();
    this.sfn.destroy();
  }
}
