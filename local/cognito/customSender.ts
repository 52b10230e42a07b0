import { randomUUID } from 'node:crypto';
import { buildClient, CommitmentPolicy, getClient, KmsKeyringNode } from '@aws-crypto/client-node';
import { KMS } from '@aws-sdk/client-kms';
import type { CustomSmsSenderEvent } from '../../functions/sms/customSmsSender';
import type { DestinationRecord } from '../../functions/sms/reportUndeliveredCode';

/** Invokes a Lambda function by ARN (the local cloud passes its in-process Lambda runtime). */
export type InvokeFunction = (functionArn: string, event: unknown) => Promise<unknown>;

/** Why cognito-local sends a code (its `Messages.deliver` source); Cognito's trigger source is `CustomSMSSender_<source>`. */
export type CognitoMessageSource =
  'AdminCreateUser' | 'Authentication' | 'ForgotPassword' | 'ResendCode' | 'SignUp' | 'UpdateUserAttribute' | 'VerifyUserAttribute';

export interface CustomSenderMessage {
  source: CognitoMessageSource;
  userPoolId: string;
  clientId: string | null;
  clientMetadata?: Record<string, string>;
  username: string;
  /** The user's attributes as Cognito lists them in trigger events (phone_number, sub, ...). */
  userAttributes: Record<string, string>;
  /** The code in clear: encrypted before it leaves this module, never stored or printed. */
  code: string;
  /** The pool's `LambdaConfig.CustomSMSSender.LambdaArn` and `LambdaConfig.KMSKeyID`. */
  lambdaArn: string;
  kmsKeyId: string | undefined;
}

/** One hand-over to the Custom SMS Sender, as a person or a test can inspect it: no code. */
export interface CustomSenderInvocation {
  functionArn: string;
  triggerSource: string;
  userPoolId: string;
  username: string;
  at: number;
  /** Attempts made so far (Lambda retries a failed asynchronous invocation twice). */
  attempts: number;
  /** Unset while attempts remain; then whether one succeeded. */
  ok?: boolean;
  /** The last failure's name (KMS, the function's error, or a missing KMSKeyID). */
  errorName?: string;
  /** The event as sent (its `request.code` is the ciphertext), e.g. to invoke it again. */
  event?: CustomSmsSenderEvent;
  /** Once the attempts are exhausted: the on-failure destination the record went to, and how that went. */
  destination?: { functionArn: string; ok: boolean; errorName?: string };
  /** Settles when the invocation and its retries are over; never rejects. */
  done: Promise<void>;
}

export interface LocalCustomSmsSenderOptions {
  invoke: InvokeFunction;
  /**
   * Delays before the retries of a failed invocation. Lambda retries an asynchronous invocation
   * twice, about one and two minutes later; locally a second and two (default), or none ([]).
   */
  retryDelaysMs?: readonly number[];
  /** Where a failed hand-over is reported (default: one line on stderr, by name, no code). */
  onFailure?: (invocation: CustomSenderInvocation) => void;
  /**
   * Lambda's on-failure destination (the function's EventInvokeConfig): once the attempts are
   * exhausted, the invocation record goes to the function `arnOf` names for the sender, through
   * `invoke`. Without it, or where `arnOf` names none, the event is dropped as Lambda drops it.
   */
  onFailureDestination?: { arnOf: (functionArn: string) => string | undefined; invoke: InvokeFunction };
}

const MAX_KEPT = 1000;

/** Cognito's trigger source for a message source (`SignUp` → `CustomSMSSender_SignUp`). */
export const triggerSourceOf = (source: CognitoMessageSource) => `CustomSMSSender_${source}`;

/** The Region of a pool id (`us-east-1_Abc` → us-east-1). */
const regionOf = (userPoolId: string) => userPoolId.split('_')[0] || process.env.AWS_REGION || 'us-east-1';

/**
 * What Cognito does, instead of sending an SMS, for a pool with a Custom SMS Sender: encrypts
 * the code with the AWS Encryption SDK under the pool's KMS key (KMS keyring, the pool bound as
 * encryption context `userpool-id`), builds the `customSMSSenderRequestV1` event and invokes the
 * function asynchronously — the API call that caused it neither waits for nor fails with it, and
 * a failed invocation is retried like Lambda retries an asynchronous one.
 *
 * KMS is whatever AWS_ENDPOINT_URL_KMS points at when the first code is sent (moto, locally).
 */
export class LocalCustomSmsSender {
  readonly invocations: CustomSenderInvocation[] = [];
  private readonly keyrings = new Map<string, KmsKeyringNode>();
  private readonly kmsClients = new Map<string, KMS>();
  private readonly encrypt = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT).encrypt;
  private readonly retryDelaysMs: readonly number[];

  /** As given: a test that stands in for Cognito's invoke keeps the rest (the on-failure destination). */
  constructor(readonly opts: LocalCustomSmsSenderOptions) {
    this.retryDelaysMs = opts.retryDelaysMs ?? [1000, 2000];
  }

  /** The event Cognito would send for this message, the code encrypted under the pool's key. */
  async buildEvent(message: CustomSenderMessage): Promise<CustomSmsSenderEvent> {
    if (!message.kmsKeyId)
      throw Object.assign(new Error('The user pool has a CustomSMSSender but no LambdaConfig.KMSKeyID'), {
        name: 'InvalidLambdaResponseException',
      });
    const { result } = await this.encrypt(this.keyring(message.kmsKeyId), message.code, {
      encryptionContext: { 'userpool-id': message.userPoolId },
    });
    return {
      version: '1',
      triggerSource: triggerSourceOf(message.source),
      region: regionOf(message.userPoolId),
      userPoolId: message.userPoolId,
      userName: message.username,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: message.clientId },
      request: {
        type: 'customSMSSenderRequestV1',
        code: result.toString('base64'),
        clientMetadata: message.clientMetadata ?? null,
        userAttributes: { ...message.userAttributes },
      },
      response: {},
    };
  }

  /** Hands the message over in the background; returns its record at once. */
  send(message: CustomSenderMessage): CustomSenderInvocation {
    const invocation: CustomSenderInvocation = {
      functionArn: message.lambdaArn,
      triggerSource: triggerSourceOf(message.source),
      userPoolId: message.userPoolId,
      username: message.username,
      at: Date.now(),
      attempts: 0,
      done: Promise.resolve(),
    };
    this.invocations.push(invocation);
    if (this.invocations.length > MAX_KEPT) this.invocations.splice(0, this.invocations.length - MAX_KEPT);
    invocation.done = this.run(invocation, message);
    return invocation;
  }

  /** Resolves when every hand-over started so far has finished, retries included (tests). */
  async settled(): Promise<void> {
    await Promise.all(this.invocations.map((i) => i.done));
  }

  private async run(invocation: CustomSenderInvocation, message: CustomSenderMessage): Promise<void> {
    try {
      invocation.event = await this.buildEvent(message);
    } catch (error) {
      // Cognito could not encrypt (no key, KMS refused): nothing reaches the function.
      this.fail(invocation, error);
      return;
    }
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      invocation.attempts = attempt + 1;
      try {
        // Through JSON, as Lambda receives it.
        await this.opts.invoke(invocation.functionArn, JSON.parse(JSON.stringify(invocation.event)));
        invocation.ok = true;
        invocation.errorName = undefined;
        return;
      } catch (error) {
        lastError = error;
        invocation.errorName = errorName(error);
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    this.fail(invocation);
    await this.toOnFailureDestination(invocation, lastError);
  }

  /** What Lambda does with an event whose attempts are exhausted: the record to the on-failure destination, if any. */
  private async toOnFailureDestination(invocation: CustomSenderInvocation, lastError: unknown): Promise<void> {
    const destination = this.opts.onFailureDestination;
    const functionArn = destination?.arnOf(invocation.functionArn);
    if (!destination || !functionArn) return;
    const record = destinationRecord(invocation, lastError);
    try {
      // Through JSON, as Lambda delivers it (an asynchronous invocation of the destination).
      await destination.invoke(functionArn, JSON.parse(JSON.stringify(record)));
      invocation.destination = { functionArn, ok: true };
    } catch (error) {
      invocation.destination = { functionArn, ok: false, errorName: errorName(error) };
      process.stderr.write(
        `local cognito: the on-failure destination of the Custom SMS Sender (${functionArn}) failed: ${errorName(error)}\n`,
      );
    }
  }

  private fail(invocation: CustomSenderInvocation, error?: unknown): void {
    invocation.ok = false;
    if (error !== undefined) invocation.errorName = errorName(error);
    const report =
      this.opts.onFailure ??
      ((i: CustomSenderInvocation) =>
        process.stderr.write(
          `local cognito: Custom SMS Sender ${i.triggerSource} for pool ${i.userPoolId} failed after ${i.attempts} attempt(s): ${i.errorName}\n`,
        ));
    report(invocation);
  }

  private keyring(kmsKeyId: string): KmsKeyringNode {
    let keyring = this.keyrings.get(kmsKeyId);
    if (!keyring) {
      keyring = new KmsKeyringNode({ generatorKeyId: kmsKeyId, clientProvider: (region: string) => this.kms(region) });
      this.keyrings.set(kmsKeyId, keyring);
    }
    return keyring;
  }

  /** The aggregated `KMS` client: the keyring calls `generateDataKey`, which `KMSClient` lacks. */
  private kms(region: string): KMS {
    let client = this.kmsClients.get(region);
    if (!client) {
      client = getClient(KMS, {})(region) as KMS;
      this.kmsClients.set(region, client);
    }
    return client;
  }
}

/**
 * The record Lambda sends an on-failure destination after the last retry (Lambda developer guide,
 * "Capturing records of Lambda asynchronous invocations"): the event as sent, and the last error
 * as the Node runtime reports a thrown one (`errorType`, `errorMessage`, `trace`).
 */
export function destinationRecord(invocation: CustomSenderInvocation, lastError: unknown): DestinationRecord {
  const error = lastError instanceof Error ? lastError : new Error(String(lastError));
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      // One id for the asynchronous invocation and its retries.
      requestId: randomUUID(),
      functionArn: `${invocation.functionArn}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: invocation.attempts,
    },
    requestPayload: invocation.event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') },
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}
