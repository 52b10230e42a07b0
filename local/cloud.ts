import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startLocalCognito, type FaultRule, type LocalCognito, type SentSms } from './cognito';
import { startMoto, type MotoServer } from './moto';
import { LocalStepFunctions, startStepFunctionsServer } from './stepfunctions';
import { routesFromServerlessConfig, startApiServer } from './api/server';
import { webhookDelivery } from './fakePhone/webhook';
import { createLocalLambda, type LocalLambda } from './lambda';
import { routeExecutionEvents } from './eventBridge';
import { loadDefinition, readServerlessConfig, resolveValue, type ServerlessConfig } from './serverlessConfig';

/**
 * The embedded local cloud: moto (IAM, STS, SNS, DynamoDB, SSM, Secrets Manager), cognito-local
 * with a fake phone, the local Step Functions engine running the same ASL files with the same
 * handlers, and the callback API from serverless.yml — all on loopback. Handlers reach the
 * emulators only through the standard AWS_ENDPOINT_URL_<SERVICE> variables.
 */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '123456789012';

export interface LocalCloudOptions {
  stage?: string;
  /** How the fake phone hands over each SMS: to the callback API as a webhook (default), or only to listeners. */
  smsDelivery?: 'webhook' | 'none';
  /** Delay before the fake phone's webhook posts an SMS (ms). */
  smsDelayMs?: number;
  /** Compress Retry intervals (e.g. 0.05 makes a 3 s PhoneBusy backoff 150 ms). Default 1. */
  retryIntervalScale?: number;
  /** Quiet Lambda logs (default) or a Powertools log level. */
  logLevel?: string;
  /** Cognito calls that fail from the start (more later with `cognito.injectFault`). */
  cognitoFaults?: FaultRule[];
}

export interface LocalCloud {
  config: ServerlessConfig;
  stage: string;
  engine: LocalStepFunctions;
  lambda: LocalLambda;
  cognito: LocalCognito;
  urls: { stepFunctions: string; cognito: string; moto: string; api: string };
  /** The AWS_ENDPOINT_URL_* and credentials that point any SDK or the AWS CLI here. */
  env: Record<string, string>;
  stateMachineArn: (key: string) => string;
  callbackSecret: string;
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
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    // Both settle before anything is closed: if moto is missing, cognito-local's data folder must
    // still be removed once it has started.
    const [motoStarted, cognitoStarted] = await Promise.allSettled([
      startMoto().then((m: MotoServer) => (closers.push(() => m.close()), m)),
      startLocalCognito({ region: LOCAL_REGION, faults: opts.cognitoFaults }).then((c) => (closers.push(() => c.close()), c)),
    ]);
    if (motoStarted.status === 'rejected') throw motoStarted.reason;
    if (cognitoStarted.status === 'rejected') throw cognitoStarted.reason;
    const [moto, cognito] = [motoStarted.value, cognitoStarted.value];
    timings.emulators = performance.now() - t0;

    const lambda = createLocalLambda(config, { stage, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT });
    const engine = new LocalStepFunctions({
      invokeLambda: (arn, payload) => lambda.invoke(arn, payload),
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      retryIntervalScale: opts.retryIntervalScale ?? 1,
    });
    const sfnServer = await startStepFunctionsServer(engine);
    closers.push(() => sfnServer.close());

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
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
      AWS_ENDPOINT_URL_SFN: sfnServer.url,
    };
    // The handlers run in this process, as they would in a Lambda container with this environment.
    Object.assign(process.env, env, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });

    const refs = await createStatefulResources(config, stage);
    const callbackSecret = refs.$callbackSecretValue;
    for (const [name, value] of Object.entries(config.environment)) {
      process.env[name] = resolveValue(config, value, { stage, refs });
    }
    process.env.POWERTOOLS_LOG_LEVEL = opts.logLevel ?? 'SILENT';
    // EMF lines would bury the progress output; tests that assert on metrics turn them on.
    process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

    const stateMachineArns = new Map<string, string>();
    for (const machine of config.stateMachines) {
      const definition = loadDefinition(config, machine, lambda.arnOf);
      const arn = engine.createStateMachine(`${config.service}-${stage}-${machine.key}`, definition);
      stateMachineArns.set(machine.key, arn);
      if (machine.logicalId) refs[machine.logicalId] = arn;
    }
    engine.on('event', routeExecutionEvents(config, lambda, refs, (error) => process.stderr.write(`local EventBridge target failed: ${error.name}: ${error.message}\n`)));

    const api = await startApiServer(routesFromServerlessConfig(config));
    closers.push(() => api.close());

    if ((opts.smsDelivery ?? 'webhook') === 'webhook') {
      const deliver = webhookDelivery({ apiUrl: api.url, secret: callbackSecret, delayMs: opts.smsDelayMs ?? 20 });
      cognito.onSms((sms) => deliver({ phoneNumber: sms.phoneNumber, message: sms.message }));
    }
    timings.ready = performance.now() - t0;

    return {
      config,
      stage,
      engine,
      lambda,
      cognito,
      urls: { stepFunctions: sfnServer.url, cognito: cognito.url, moto: moto.url, api: api.url },
      env,
      stateMachineArn: (key) => {
        const arn = stateMachineArns.get(key);
        if (!arn) throw new Error(`No state machine "${key}" in serverless.yml`);
        return arn;
      },
      callbackSecret,
      onSms: (listener) => cognito.onSms(listener),
      close,
      timings,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * What CloudFormation would create before the first run: the DynamoDB table (from its definition
 * in resources/) and the two generated secrets. Returns Ref → physical id, as CloudFormation does.
 */
async function createStatefulResources(config: ServerlessConfig, stage: string): Promise<Record<string, string>> {
  const refs: Record<string, string> = {};
  const dynamodb = new DynamoDBClient({});
  const secrets = new SecretsManagerClient({});
  for (const [logicalId, resource] of Object.entries(config.resources)) {
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
          new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: props.TimeToLiveSpecification.AttributeName, Enabled: true } }),
        );
      }
      refs[logicalId] = TableName;
    } else if (resource.Type === 'AWS::SecretsManager::Secret') {
      const value = randomBytes(24).toString('hex');
      const name = resolveValue(config, props.Name ?? `${config.service}/${stage}/${logicalId}`, { stage, refs });
      const created = await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }));
      refs[logicalId] = created.ARN!;
      if (logicalId === 'CallbackSigningSecret') refs.$callbackSecretValue = value;
    }
  }
  dynamodb.destroy();
  secrets.destroy();
  return refs;
}
