import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreatePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { startLocalCognito, type FaultRule, type LocalCognito, type SentSms } from './cognito';
import { startMoto, type MotoServer } from './moto';
import { LocalStepFunctions, startStepFunctionsServer } from './stepfunctions';
import { routesFromServerlessConfig, startApiServer, viaLocalLambda } from './api/server';
import { webhookDelivery } from './fakePhone/webhook';
import { twilioDelivery } from './fakePhone/twilio';
import { inboundSmsDelivery } from './fakePhone/inboundSms';
import { SmsInbox } from './fakePhone/inbox';
import { startInboxServer } from './fakePhone/inboxServer';
import { linkSnsToLambda } from './events/sns';
import { startSmsVoiceServer, type SmsVoiceServer } from './smsVoice/server';
import { createLocalLambda, type LocalLambda } from './runtime/lambda';
import type { LambdaLogSink } from './runtime/logs';
import { routeExecutionEvents } from './eventBridge';
import {
  loadDefinition,
  onFailureDestinations,
  presentResources,
  readServerlessConfig,
  resolveValue,
  type ServerlessConfig,
} from './serverlessConfig';

/**
 * The embedded local cloud: moto (IAM, STS, SNS, DynamoDB, SSM, Secrets Manager), cognito-local
 * with a fake phone, the local Step Functions engine running the same ASL files with the same
 * handlers, and the callback API from serverless.yml — all on loopback. Handlers reach the
 * emulators only through the standard AWS_ENDPOINT_URL_<SERVICE> variables.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '123456789012';

/**
 * How codes come back to a waiting run (DESIGN §5a), each the way it works on AWS:
 * - `inbound-sms`: the fake phone is a two-way End User Messaging number; each SMS is published as
 *   the two-way payload to the stack's inbound topic (moto), whose subscription invokes the receiver;
 * - `custom-sender`: the pool has a Custom SMS Sender; no SMS at all, Cognito's stand-in invokes the
 *   sender with the code encrypted under the stack's KMS key (moto);
 * - `twilio`: the fake phone is a Twilio number; its inbound-SMS webhook is signed and posted;
 * - `callback`: the fake phone posts the signed `POST /codes` a relay script would;
 * - `none`: SMS go only to `onSms` listeners (tests and the interactive phone answer them).
 */
export const CODE_SOURCES = ['inbound-sms', 'custom-sender', 'twilio', 'callback'] as const;
export type CodeSource = (typeof CODE_SOURCES)[number];

/**
 * The serverless.yml params a code source needs, as a stage using that route is deployed: the
 * optional routes' resources (KMS key, Twilio secret) exist only where their param is 'true'
 * (resources/codeRoutes.yml Conditions). `opts.params` can still override them.
 */
export const CODE_SOURCE_PARAMS: Record<CodeSource | 'none', Record<string, string>> = {
  'inbound-sms': {},
  'custom-sender': { customSmsSender: 'true' },
  twilio: { twilioWebhook: 'true' },
  callback: {},
  none: {},
};

export interface LocalCloudOptions {
  stage?: string;
  /** How the fake phone's SMS come back to the runs; default `inbound-sms`. */
  codeSource?: CodeSource | 'none';
  /** Delay before the fake phone hands over an SMS (ms). */
  smsDelayMs?: number;
  /** Compress Retry intervals (e.g. 0.05 makes a 3 s PhoneBusy backoff 150 ms). Default 1. */
  retryIntervalScale?: number;
  /** Quiet Lambda logs (default) or a Powertools log level. */
  logLevel?: string;
  /** Where the handlers' own stdout/stderr writes go (local/runtime/logs.ts); default: the process's streams. */
  lambdaLogs?: LambdaLogSink;
  /** Cognito calls that fail from the start (more later with `cognito.injectFault`). */
  cognitoFaults?: FaultRule[];
  /**
   * The stage's inbound-SMS number (E.164): an End User Messaging number on the local emulator,
   * two-way SMS off until provisioning points it at the inbound topic. Default +15555550100.
   */
  inboundPhoneNumber?: string;
  /** Cognito's documented first sign-in of a new user: tokens without an MFA challenge (local/cognito/fidelity/firstSignIn.ts). */
  firstSignInWithoutMfa?: boolean;
  /** Tests only: replaces a state machine's top-level TimeoutSeconds, by machine key (e.g. `{ verify: 3 }`). */
  machineTimeoutSeconds?: Record<string, number>;
  /** serverless.yml params to override, as `--param` does on deploy (e.g. phoneHoldAfterFailureSeconds). */
  params?: Record<string, string>;
}

/** The number Cognito's stand-in sends from, and the local End User Messaging number that forwards real users' codes. */
export const LOCAL_SENDER_NUMBER = '+18005550199';

export interface LocalCloud {
  config: ServerlessConfig;
  stage: string;
  engine: LocalStepFunctions;
  lambda: LocalLambda;
  cognito: LocalCognito;
  urls: { stepFunctions: string; cognito: string; moto: string; api: string; smsVoice: string; smsInbox: string };
  /** Every SMS delivered while the cloud runs (runs' and anybody's), readable at `urls.smsInbox`. */
  inbox: SmsInbox;
  /** The local AWS End User Messaging SMS (pinpoint-sms-voice-v2): phone numbers, texts sent. */
  smsVoice: SmsVoiceServer;
  /** The AWS_ENDPOINT_URL_* and credentials that point any SDK or the AWS CLI here. */
  env: Record<string, string>;
  stateMachineArn: (key: string) => string;
  callbackSecret: string;
  /** Generated secret values by logical id (CallbackSigningSecret, TwilioAuthTokenSecret, ...). */
  secrets: Record<string, string>;
  /** Physical ids of the stack's resources by logical id, and `Id.Attribute` for Fn::GetAtt. */
  refs: Record<string, string>;
  codeSource: CodeSource | 'none';
  onSms(listener: (sms: SentSms) => void): () => void;
  close(): Promise<void>;
  /** Milestones since start, for the benchmark. */
  timings: Record<string, number>;
}

export async function startLocalCloud(opts: LocalCloudOptions = {}): Promise<LocalCloud> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const stage = opts.stage ?? 'local';
  const config = readServerlessConfig();
  const closers: (() => Promise<void>)[] = [];
  const envOwners: Record<string, string> = {};
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    // Both settle before anything is closed: if moto is missing, cognito-local's data folder must
    // still be removed once it has started.
    const [motoStarted, cognitoStarted] = await Promise.allSettled([
      startMoto().then((m: MotoServer) => (closers.push(() => m.close()), m)),
      startLocalCognito({ region: LOCAL_REGION, faults: opts.cognitoFaults, firstSignInWithoutMfa: opts.firstSignInWithoutMfa }).then(
        (c) => (closers.push(() => c.close()), c),
      ),
    ]);
    if (motoStarted.status === 'rejected') throw motoStarted.reason;
    if (cognitoStarted.status === 'rejected') throw cognitoStarted.reason;
    const [moto, cognito] = [motoStarted.value, cognitoStarted.value];
    timings.emulators = performance.now() - t0;

    const lambda = createLocalLambda(config, { stage, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT, logs: opts.lambdaLogs });
    closers.push(async () => lambda.close());
    // Pools with a Custom SMS Sender send no SMS: Cognito's stand-in invokes the sender instead,
    // and an event Lambda gives up on goes to the sender's on-failure destination (serverless.yml).
    cognito.useCustomSmsSender({
      invoke: (arn, event) => lambda.invoke(arn, event, { source: 'cognito' }),
      onFailureDestination: { arnOf: onFailureDestinations(config, lambda.arnOf), invoke: (arn, record) => lambda.invoke(arn, record) },
    });
    const engine = new LocalStepFunctions({
      invokeLambda: (arn, payload, caller) => lambda.invoke(arn, payload, { source: 'states', executionArn: caller.executionArn }),
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      retryIntervalScale: opts.retryIntervalScale ?? 1,
      // Read at each call: a clock installed later (the simulation's fake timers) is the engine's too,
      // so $$.Execution.StartTime and the history agree with the handlers' Date.now().
      now: () => Date.now(),
    });
    const sfnServer = await startStepFunctionsServer(engine);
    closers.push(() => sfnServer.close());
    const inboundPhoneNumber = opts.inboundPhoneNumber ?? '+15555550100';
    // End User Messaging publishes a configuration set's events to its SNS destinations (moto).
    const eventsSns = new SNSClient({
      endpoint: moto.url,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    closers.push(async () => eventsSns.destroy());
    const smsVoice = await startSmsVoiceServer({
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      publish: async (TopicArn, Message) => void (await eventsSns.send(new PublishCommand({ TopicArn, Message }))),
      phoneNumbers: [{ phoneNumber: inboundPhoneNumber }, { phoneNumber: LOCAL_SENDER_NUMBER, numberType: 'TOLL_FREE' }],
    });
    closers.push(() => smsVoice.close());

    const env: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_IAM: moto.url,
      AWS_ENDPOINT_URL_STS: moto.url,
      AWS_ENDPOINT_URL_SNS: moto.url,
      AWS_ENDPOINT_URL_DYNAMODB: moto.url,
      AWS_ENDPOINT_URL_SSM: moto.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.url,
      AWS_ENDPOINT_URL_KMS: moto.url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
      // Cognito at <url>/<region> (local/cognito requestRegion): how lib/clients.ts cognitoIn reaches a replica's Region unsigned.
      LOCAL_COGNITO_REGION_PATHS: 'true',
      AWS_ENDPOINT_URL_SFN: sfnServer.url,
      AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: smsVoice.url,
    };
    // The handlers run in this process, as they would in a Lambda container with this environment.
    Object.assign(process.env, env, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });

    const codeSource = opts.codeSource ?? 'inbound-sms';
    // The stage's params as deployed for this code source; they decide which conditional resources exist.
    const stackParams: Record<string, string> = { ...CODE_SOURCE_PARAMS[codeSource], ...opts.params };
    const { refs, secrets } = await createStatefulResources(config, stage, stackParams, smsVoice);
    for (const fn of config.functions) refs[`${fn.logicalId}.Arn`] = lambda.arnOf(fn);
    const callbackSecret = secrets.CallbackSigningSecret;
    for (const [name, value] of Object.entries(config.environment)) {
      process.env[name] = resolveValue(config, value, { stage, refs, params: stackParams });
    }
    process.env.POWERTOOLS_LOG_LEVEL = opts.logLevel ?? 'SILENT';
    // EMF lines would bury the progress output; tests that assert on metrics turn them on.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

    const stateMachineArns = new Map<string, string>();
    for (const machine of config.stateMachines) {
      const definition = loadDefinition(config, machine, lambda.arnOf);
      const timeout = opts.machineTimeoutSeconds?.[machine.key];
      if (timeout !== undefined) definition.TimeoutSeconds = timeout;
      const arn = engine.createStateMachine(`${config.service}-${stage}-${machine.key}`, definition);
      stateMachineArns.set(machine.key, arn);
      if (machine.logicalId) refs[machine.logicalId] = arn;
    }
    engine.on(
      'event',
      routeExecutionEvents(config, lambda, refs, (error) =>
        process.stderr.write(`local EventBridge target failed: ${error.name}: ${error.message}\n`),
      ),
    );

    // Routes run through the one Lambda runtime, so their invocations are counted and observed like the others.
    const api = await startApiServer(routesFromServerlessConfig(config), { invoke: viaLocalLambda(lambda, config) });
    closers.push(() => api.close());

    // Registered before the code routes' listeners: an SMS is in the inbox before any route acts on it.
    const inbox = new SmsInbox((phone) => runWaitingOn(engine, stateMachineArns.get('verify'), phone));
    cognito.onSms((sms) => inbox.receive({ phoneNumber: sms.phoneNumber, message: sms.message, at: sms.at, via: 'cognito' }));
    smsVoice.onText((text) =>
      inbox.receive({ phoneNumber: text.destinationPhoneNumber, message: text.messageBody, at: text.sentAt, via: 'end-user-messaging' }),
    );
    const inboxServer = await startInboxServer(inbox);
    closers.push(() => inboxServer.close());

    // Each function's own environment, as its Lambda would have it. The handlers share this
    // process, so names must not clash between functions with different values.
    const idOf = (phone: string) => smsVoice.numbers.find((n) => n.PhoneNumber === phone)!.PhoneNumberId;
    const params = {
      // Twilio signs the URL it posts to; here that is the loopback API, over http.
      twilioWebhookUrl: `${api.url}/sms/twilio`,
      inboundPhoneNumberId: idOf(inboundPhoneNumber),
      forwardOriginationPhoneNumberId: idOf(LOCAL_SENDER_NUMBER),
      ...stackParams,
    };
    for (const fn of config.functions) {
      for (const [name, value] of Object.entries(fn.environment)) {
        const resolved = resolveValue(config, value, { stage, refs, params });
        if (process.env[name] !== undefined && process.env[name] !== resolved && name in envOwners && envOwners[name] !== fn.name) {
          throw new Error(
            `serverless.yml: functions ${envOwners[name]} and ${fn.name} set ${name} to different values; the local cloud runs them in one process`,
          );
        }
        envOwners[name] = fn.name;
        process.env[name] = resolved;
      }
    }

    // SNS topics deliver to the functions subscribed in serverless.yml (moto → loopback → Lambda).
    const snsLink = await linkSnsToLambda({
      config,
      resources: presentResources(config, { stage, params: stackParams }),
      topicArnOf: (value) => resolveValue(config, value, { stage, refs }),
      arnOf: lambda.arnOf,
      invoke: (arn, event) => lambda.invoke(arn, event, { source: 'sns' }),
      onFailure: (f) => process.stderr.write(`local SNS → ${f.functionName} lost after ${f.attempts} attempts: ${f.error.name}\n`),
    });
    closers.push(() => snsLink.close());

    const delayMs = opts.smsDelayMs ?? 20;
    // A pool on the End User Messaging path (SmsConfiguration.EumsSms) sends through the local End
    // User Messaging too: the text is recorded there and its configuration set's events published.
    cognito.onSms((sms) => {
      if (!sms.eums) return;
      try {
        smsVoice.sendTextMessage(
          {
            DestinationPhoneNumber: sms.phoneNumber,
            MessageBody: sms.message,
            MessageType: 'TRANSACTIONAL',
            ...(sms.eums.configurationSetName && { ConfigurationSetName: sms.eums.configurationSetName }),
            ...(sms.eums.originationIdentity && { OriginationIdentity: sms.eums.originationIdentity }),
          },
          { quiet: true },
        );
      } catch (error) {
        process.stderr.write(`local End User Messaging refused the pool's SMS: ${(error as Error).name}: ${(error as Error).message}\n`);
      }
    });
    if (codeSource === 'callback') {
      const deliver = webhookDelivery({ apiUrl: api.url, secret: callbackSecret, delayMs });
      cognito.onSms((sms) => deliver({ phoneNumber: sms.phoneNumber, message: sms.message }));
    } else if (codeSource === 'inbound-sms') {
      // A number on the local End User Messaging publishes only where its two-way channel points
      // (the stage's number, once provisioning wired it); any other phone of a run stands for a
      // two-way number of the account already wired to the stack's topic.
      const known = (phone: string) => smsVoice.numbers.some((n) => n.PhoneNumber === phone);
      const deliver = inboundSmsDelivery({
        topicArn: (phone) => (known(phone) ? smsVoice.twoWayChannelOf(phone) : refs.InboundSmsTopic),
        originationNumber: LOCAL_SENDER_NUMBER,
        delayMs,
      });
      cognito.onSms((sms) => deliver({ phoneNumber: sms.phoneNumber, message: sms.message }));
    } else if (codeSource === 'twilio') {
      const deliver = twilioDelivery({ apiUrl: api.url, authToken: secrets.TwilioAuthTokenSecret, from: LOCAL_SENDER_NUMBER, delayMs });
      cognito.onSms((sms) => deliver({ phoneNumber: sms.phoneNumber, message: sms.message }));
    }
    timings.ready = performance.now() - t0;

    return {
      config,
      stage,
      engine,
      lambda,
      cognito,
      urls: {
        stepFunctions: sfnServer.url,
        cognito: cognito.url,
        moto: moto.url,
        api: api.url,
        smsVoice: smsVoice.url,
        smsInbox: `${inboxServer.url}/sms`,
      },
      inbox,
      smsVoice,
      env,
      stateMachineArn: (key) => {
        const arn = stateMachineArns.get(key);
        if (!arn) throw new Error(`No state machine "${key}" in serverless.yml`);
        return arn;
      },
      callbackSecret,
      secrets,
      refs,
      codeSource,
      onSms: (listener) => cognito.onSms(listener),
      close,
      timings,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The verification run (execution name) whose input names this phone and that is still running, if any. */
function runWaitingOn(engine: LocalStepFunctions, verifyArn: string | undefined, phoneNumber: string): string | undefined {
  if (!verifyArn) return undefined;
  for (const e of engine.listExecutions({ stateMachineArn: verifyArn, statusFilter: 'RUNNING', maxResults: 1000 }).executions) {
    const { input } = engine.describeExecution({ executionArn: e.executionArn });
    if ((JSON.parse(input ?? '{}') as { phoneNumber?: unknown }).phoneNumber === phoneNumber) return e.name;
  }
  return undefined;
}

/**
 * What CloudFormation would create before the first run: the DynamoDB table (from its definition
 * in resources/), the generated secrets, the SNS topics and the KMS keys. Returns Ref → physical
 * id and `Id.Arn` → ARN, as CloudFormation resolves them, and the generated secret values.
 */
async function createStatefulResources(
  config: ServerlessConfig,
  stage: string,
  params: Record<string, string>,
  smsVoice: SmsVoiceServer,
): Promise<{ refs: Record<string, string>; secrets: Record<string, string> }> {
  const refs: Record<string, string> = {};
  const secretValues: Record<string, string> = {};
  const dynamodb = new DynamoDBClient({});
  const secrets = new SecretsManagerClient({});
  const sns = new SNSClient({});
  const kms = new KMSClient({});
  const iam = new IAMClient({});
  try {
    // Resources whose Condition is false with these params are not created, as on deploy.
    for (const [logicalId, resource] of Object.entries(presentResources(config, { stage, params }))) {
      const props = resource.Properties ?? {};
      if (resource.Type === 'AWS::DynamoDB::Table') {
        const TableName = `${config.service}-${stage}-${logicalId}`;
        await dynamodb.send(
          new CreateTableCommand({
            TableName,
            BillingMode: props.BillingMode,
            AttributeDefinitions: props.AttributeDefinitions,
            KeySchema: props.KeySchema,
          }),
        );
        if (props.TimeToLiveSpecification?.Enabled) {
          await dynamodb.send(
            new UpdateTimeToLiveCommand({
              TableName,
              TimeToLiveSpecification: { AttributeName: props.TimeToLiveSpecification.AttributeName, Enabled: true },
            }),
          );
        }
        refs[logicalId] = TableName;
      } else if (resource.Type === 'AWS::SecretsManager::Secret') {
        const value = randomBytes(24).toString('hex');
        const name = resolveValue(config, props.Name ?? `${config.service}/${stage}/${logicalId}`, { stage, refs, params });
        const created = await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }));
        refs[logicalId] = created.ARN!;
        secretValues[logicalId] = value;
      } else if (resource.Type === 'AWS::SNS::Topic') {
        const name = resolveValue(config, props.TopicName ?? `${config.service}-${stage}-${logicalId}`, { stage, refs, params });
        const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
        refs[logicalId] = TopicArn!;
        refs[`${logicalId}.TopicArn`] = TopicArn!;
      } else if (resource.Type === 'AWS::SMSVOICE::ConfigurationSet') {
        // On the local End User Messaging (moto has none), with its SNS event destinations.
        const name = resolveValue(config, props.ConfigurationSetName ?? `${config.service}-${stage}-${logicalId}`, { stage, refs, params });
        type Destination = {
          EventDestinationName: string;
          Enabled?: boolean;
          MatchingEventTypes?: string[];
          SnsDestination?: { TopicArn: unknown };
        };
        const destinations = ((props.EventDestinations ?? []) as Destination[]).map((d) => ({
          EventDestinationName: String(d.EventDestinationName),
          Enabled: d.Enabled !== false,
          MatchingEventTypes: d.MatchingEventTypes ?? [],
          ...(d.SnsDestination && {
            SnsDestination: { TopicArn: resolveValue(config, d.SnsDestination.TopicArn, { stage, refs, params }) },
          }),
        }));
        const set = smsVoice.createConfigurationSet(name, destinations);
        refs[logicalId] = name;
        refs[`${logicalId}.Arn`] = set.ConfigurationSetArn;
      } else if (resource.Type === 'AWS::IAM::ManagedPolicy') {
        // Provisioning attaches it to the SMS role (moto IAM); moto does not evaluate its document.
        const { Policy } = await iam.send(
          new CreatePolicyCommand({
            PolicyName: resolveValue(config, props.ManagedPolicyName ?? `${config.service}-${stage}-${logicalId}`, { stage, refs, params }),
            Path: resolveValue(config, props.Path ?? '/', { stage, refs, params }),
            PolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'sms-voice:SendTextMessage', Resource: '*' }],
            }),
          }),
        );
        refs[logicalId] = Policy!.Arn!;
      } else if (resource.Type === 'AWS::KMS::Key') {
        const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: props.Description }));
        refs[logicalId] = KeyMetadata!.KeyId!;
        refs[`${logicalId}.Arn`] = KeyMetadata!.Arn!;
      }
    }
  } finally {
    for (const client of [dynamodb, secrets, sns, kms, iam]) client.destroy();
  }
  return { refs, secrets: secretValues };
}
