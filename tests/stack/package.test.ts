import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { PACKAGE_DIR, PACKAGE_TMPDIR, packageOffline, TEMPLATE_PATH, type Template } from './template';
import { PROJECT_ROOT, readServerlessConfig } from '../../local/serverlessConfig';

/**
 * The deployable stack, proven offline: the packaged template holds the state machines wired to
 * our Lambdas, and every function's role grants exactly the AWS actions its code makes.
 */
let template: Template;
beforeAll(() => {
  template = packageOffline();
}, 240_000);

const config = readServerlessConfig();

/** AWS actions that a call needs besides its own (tagging on create, passing the SMS role). */
const IMPLIED_ACTIONS: Record<string, string[]> = {
  'iam:CreateRole': ['iam:TagRole'],
  'iam:CreatePolicy': ['iam:TagPolicy'],
  'cognito-idp:CreateUserPool': ['cognito-idp:TagResource', 'iam:PassRole'],
  // The Service Authorization Reference, "Actions, resources, and condition keys for Amazon Cognito
  // User Pools" (https://docs.aws.amazon.com/service-authorization/latest/reference/list_cognito-idp.html),
  // API operations table: the UpdateUserPool operation authorizes cognito-idp:TagResource,
  // cognito-idp:UntagResource, cognito-idp:UpdateUserPool and iam:PassRole, and no KMS action. The
  // request sends the pool's UserPoolTags and SmsConfiguration (its SMS role) back; Cognito encrypts
  // Custom SMS Sender codes under the key policy's own statement for its service principal.
  'cognito-idp:UpdateUserPool': ['iam:PassRole', 'cognito-idp:TagResource', 'cognito-idp:UntagResource'],
};

/**
 * Actions that Lambda itself makes with a function's execution role, by function: not calls of its
 * code. Lambda invokes an asynchronous invocation's on-failure destination with the function's own
 * role (Lambda developer guide, "Capturing records of Lambda asynchronous invocations", execution
 * role permissions for destinations). The framework grants it on its default role only, which
 * per-function roles replace, so serverless.yml grants it; the test below holds each such statement
 * to the function's destination and nothing else.
 */
const DESTINATION_ACTIONS: Record<string, string[]> = {
  customSmsSender: ['lambda:InvokeFunction'],
};

/**
 * Cognito APIs that IAM does not authorize: "Amazon Cognito doesn't evaluate Identity and Access
 * Management (IAM) policies in requests for this API operation. For this operation, you can't use
 * IAM credentials to authorize requests, and you can't grant IAM permissions in policies" (each
 * one's page in the Amazon Cognito user pools API reference; developer guide, "Using the Amazon
 * Cognito user pools API and user pool endpoints", unauthenticated operations). The SDK sends them
 * unsigned (their auth scheme is smithy.api#noAuth), so a statement for them would grant nothing.
 */
const UNAUTHENTICATED_ACTIONS = new Set([
  'cognito-idp:SignUp',
  'cognito-idp:ConfirmSignUp',
  'cognito-idp:InitiateAuth',
  'cognito-idp:RespondToAuthChallenge',
  // The refresh and revoke after a check's sign-in (lib/verify/refreshTokens.ts); InitiateAuth covers REFRESH_TOKEN_AUTH.
  'cognito-idp:GetTokensFromRefreshToken',
  'cognito-idp:RevokeToken',
]);

/** Actions IAM grants only on `*` (no resource-level permissions). */
const STAR_ONLY = new Set(['iam:ListPolicies', 'cognito-idp:ListUserPools', 'cognito-idp:CreateUserPool']);

const SDK_PREFIX: Record<string, string> = {
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-cognito-identity-provider': 'cognito-idp',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-pinpoint-sms-voice-v2': 'sms-voice',
  '@aws-sdk/client-kms': 'kms',
};

/** Libraries that call AWS on their own: the AWS Encryption SDK's KMS keyring decrypts with the key. */
const LIBRARY_ACTIONS: Record<string, (names: string[]) => string[]> = {
  '@aws-crypto/client-node': (names) => (names.includes('KmsKeyringNode') ? ['kms:Decrypt'] : []),
  '@aws-crypto/kms-keyring-node': (names) => (names.includes('KmsKeyringNode') ? ['kms:Decrypt'] : []),
};

/** The document client's commands are named after the item, not the API action. */
const LIB_DYNAMODB: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  TransactWrite: 'TransactWriteItems',
  TransactGet: 'TransactGetItems',
  BatchWrite: 'BatchWriteItem',
  BatchGet: 'BatchGetItem',
};

/** IAM actions a module (and the project modules it imports) makes, read from its SDK commands. */
function actionsOf(modulePath: string, seen = new Set<string>()): Set<string> {
  const actions = new Set<string>();
  if (seen.has(modulePath)) return actions;
  seen.add(modulePath);
  const source = readFileSync(`${modulePath}.ts`, 'utf8');
  for (const match of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
    const [, names, from] = match;
    const prefix = SDK_PREFIX[from];
    const library = LIBRARY_ACTIONS[from];
    if (library) {
      for (const a of library(names.split(',').map((n) => n.trim()))) actions.add(a);
    } else if (prefix) {
      for (const raw of names.split(',')) {
        const name = raw
          .replace(/^\s*type\s+/, '')
          .trim()
          .split(/\s+as\s+/)[0];
        const op = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
        if (op) actions.add(`${prefix}:${from === '@aws-sdk/lib-dynamodb' ? (LIB_DYNAMODB[op] ?? op) : op}`);
      }
    } else if (from.startsWith('.')) {
      for (const a of actionsOf(join(modulePath, '..', from), seen)) actions.add(a);
    }
  }
  return actions;
}

/** Whether a module (or a project module it imports) imports one of `names` from `target` (a project path). */
function reaches(modulePath: string, target: string, names: string[], seen = new Set<string>()): boolean {
  if (seen.has(modulePath)) return false;
  seen.add(modulePath);
  const source = readFileSync(`${modulePath}.ts`, 'utf8');
  for (const [, imported, from] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
    if (!from.startsWith('.')) continue;
    const resolved = join(modulePath, '..', from);
    if (resolved === target && imported.split(',').some((n) => names.includes(n.replace(/^\s*type\s+/, '').trim()))) return true;
    if (reaches(resolved, target, names, seen)) return true;
  }
  return false;
}

/**
 * A function's statements: its role's inline policies, and the AWS::IAM::Policy resources attached
 * to that role (the optional code routes' statements, which exist only with their Condition).
 */
function roleStatements(fnName: string, opts: { withConditional?: boolean } = { withConditional: true }) {
  const fnId = config.functions.find((f) => f.name === fnName)!.logicalId;
  const roleRef = template.Resources[fnId].Properties.Role['Fn::GetAtt'][0] as string;
  const role = template.Resources[roleRef];
  const attached = Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as any[]).some((ref) => ref.Ref === roleRef))
    .filter((r) => opts.withConditional || !r.Condition);
  return [...(role.Properties.Policies as any[]), ...attached.map((r) => r.Properties)].flatMap((p) => p.PolicyDocument.Statement as any[]);
}

/** An ARN pattern built from the stack's own names, or a reference to a resource in this template. */
function isNamedResource(resource: any): boolean {
  if (typeof resource?.['Fn::Sub'] === 'string') return /^arn:\$\{AWS::Partition\}:/.test(resource['Fn::Sub']);
  const target = resource?.['Fn::GetAtt']?.[0] ?? resource?.Ref;
  return typeof target === 'string' && target in template.Resources;
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

afterAll(() => rmSync(PACKAGE_TMPDIR, { recursive: true, force: true }));

describe('sls package (offline)', () => {
  it('leaves nothing in the system temp folder (serverless-esbuild would leave a folder per function)', () => {
    expect(readdirSync(PACKAGE_TMPDIR)).toEqual([]);
  });

  it('holds the provisioning and teardown state machines', () => {
    const [body] = template.Resources.ProvisionStateMachine.Properties.DefinitionString['Fn::Sub'] as [string];
    const states = Object.keys(JSON.parse(body).States as Record<string, unknown>);
    expect(states).toEqual(expect.arrayContaining(['UpdateUserPool', 'DescribePhoneNumber', 'UpdatePhoneNumber']));
    expect(template.Resources.ProvisionStateMachine.Type).toBe('AWS::StepFunctions::StateMachine');
    expect(template.Resources.TeardownStateMachine.Type).toBe('AWS::StepFunctions::StateMachine');
  });

  it('substitutes every Task resource with Fn::GetAtt of one of our functions', () => {
    const fnIds = new Set(config.functions.map((f) => f.logicalId));
    for (const id of ['ProvisionStateMachine', 'TeardownStateMachine']) {
      const [body, vars] = template.Resources[id].Properties.DefinitionString['Fn::Sub'] as [string, Record<string, any>];
      const definition = JSON.parse(body);
      const tasks = Object.values(definition.States as Record<string, any>).filter((s) => s.Type === 'Task');
      expect(tasks.length).toBeGreaterThan(0);
      for (const task of tasks) {
        const ref = /^\$\{(\w+)\}$/.exec(task.Resource)?.[1] ?? /^\$\{(\w+)\}$/.exec(task.Parameters?.FunctionName ?? '')?.[1];
        expect(ref).toBeDefined();
        const getAtt = vars[ref!]['Fn::GetAtt'];
        expect(fnIds.has(getAtt[0])).toBe(true);
        expect(getAtt[1]).toBe('Arn');
      }
    }
  });

  it('runs Lambdas on nodejs24.x, each with its own role', () => {
    const roles = new Set<string>();
    for (const fn of config.functions) {
      const resource = template.Resources[fn.logicalId];
      expect(resource.Properties.Runtime).toBe('nodejs24.x');
      const roleId = resource.Properties.Role['Fn::GetAtt'][0] as string;
      expect(template.Resources[roleId].Type).toBe('AWS::IAM::Role');
      roles.add(roleId);
    }
    expect(roles.size).toBe(config.functions.length);
  });

  it("has no default IamRoleLambdaExecution role and no statement for Cognito's unauthenticated APIs", () => {
    expect(Object.keys(template.Resources)).not.toContain('IamRoleLambdaExecution');
    expect(JSON.stringify(template)).not.toMatch(/"IamRoleLambdaExecution"/);
    const granted = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Role')
      .flatMap((r) => ((r.Properties.Policies ?? []) as any[]).flatMap((p) => p.PolicyDocument.Statement as any[]))
      .flatMap((st) => list(st.Action) as string[]);
    expect(granted.filter((a) => UNAUTHENTICATED_ACTIONS.has(a))).toEqual([]);
  });

  it.each(config.functions.map((f) => [f.name, f.module]))("gives %s's role exactly the actions its code calls", (name, module) => {
    const called = actionsOf(join(PROJECT_ROOT, module));
    const expected = new Set([...called].filter((action) => !UNAUTHENTICATED_ACTIONS.has(action)));
    for (const action of called) for (const implied of IMPLIED_ACTIONS[action] ?? []) expected.add(implied);
    for (const action of DESTINATION_ACTIONS[name] ?? []) expected.add(action);
    const statements = roleStatements(name).filter((s) => !list(s.Action).every((a: string) => a.startsWith('logs:')));
    const granted = new Set(statements.flatMap((s) => list(s.Action) as string[]));
    expect([...granted].sort()).toEqual([...expected].sort());
    for (const statement of statements) {
      if (statement.Resource === '*') {
        for (const action of list(statement.Action) as string[]) expect(STAR_ONLY.has(action) ? action : `${action} on *`).toBe(action);
      } else {
        for (const resource of list(statement.Resource)) expect(isNamedResource(resource)).toBe(true);
      }
    }
  });

  it('lets the checks reach pools in any Region of the account with user-level and read-only Cognito calls, nothing pool-wide (issue 17 item 9)', () => {
    // A check serves pools this stack did not make, in any Region: the verify functions may create,
    // read, sign up and delete users and read the pool and client, never change or delete a pool or client.
    const USER_LEVEL =
      /^cognito-idp:(Admin(Get|Create|Delete)User|AdminSetUserPassword|AdminSetUserMFAPreference|DescribeUserPool|DescribeUserPoolClient)$/;
    const verifyFunctions = config.functions.filter((f) => f.module.startsWith('functions/verify/'));
    const cognitoStatements = verifyFunctions.flatMap((f) =>
      roleStatements(f.name).filter((s) => list(s.Action).some((a: string) => a.startsWith('cognito-idp:'))),
    );
    expect(cognitoStatements.length).toBeGreaterThan(5);
    for (const statement of cognitoStatements) {
      for (const action of list(statement.Action) as string[]) expect(action).toMatch(USER_LEVEL);
      for (const resource of list(statement.Resource))
        expect(resource['Fn::Sub']).toMatch(/:cognito-idp:\*:\$\{AWS::AccountId\}:userpool\/\*$/);
    }
    // Provisioning and teardown stay on this stack's Region (and their own conditions).
    const others = config.functions.filter((f) => !f.module.startsWith('functions/verify/'));
    const otherResources = others.flatMap((f) =>
      roleStatements(f.name)
        .filter((s) => list(s.Action).some((a: string) => a.startsWith('cognito-idp:')))
        .flatMap((s) => list(s.Resource)),
    );
    for (const resource of otherResources) expect(JSON.stringify(resource)).not.toContain('cognito-idp:*:');
  });

  it('holds the verification machine with three task-token waits (sign-up code, MFA code, sign-in MFA code), each with an explicit timeout, and a machine timeout', () => {
    const [body, vars] = template.Resources.VerifyStateMachine.Properties.DefinitionString['Fn::Sub'] as [string, Record<string, any>];
    // A run that stalls anywhere ends TIMED_OUT, and the stopped-run clean-up takes it from there.
    expect(JSON.parse(body).TimeoutSeconds).toBe(6000);
    const states = JSON.parse(body).States as Record<string, any>;
    // The Resource is a variable of the definition's Fn::Sub that names the partition (issue 20 item 10).
    const resourceOf = (st: any) => vars[/^\$\{(\w+)\}$/.exec(String(st.Resource))?.[1] ?? '']?.['Fn::Sub'];
    const waits = Object.entries(states).filter(
      ([, st]) => resourceOf(st) === 'arn:${AWS::Partition}:states:::lambda:invoke.waitForTaskToken',
    );
    expect(waits.map(([name]) => name).sort()).toEqual(['AwaitMfaCode', 'AwaitSignInCode', 'AwaitSignUpCode']);
    for (const [, st] of waits) {
      expect(st.TimeoutSeconds ?? st.TimeoutSecondsPath).toBeDefined();
      expect(st.Payload ?? st.Parameters.Payload).toMatchObject({ 'taskToken.$': '$$.Task.Token' });
      expect(st.Catch[0].ErrorEquals).toContain('States.ALL');
    }
  });

  it('serves POST /codes and the Twilio webhook POST /sms/twilio on an HTTP API with stage throttling', () => {
    const routes = Object.values(template.Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(['POST /codes', 'POST /sms/twilio']);
    expect(template.Resources.HttpApiStage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: 10,
      ThrottlingBurstLimit: 20,
    });
  });

  it('takes two-way SMS on a topic that only End User Messaging of this account may publish to, with the receiver subscribed', () => {
    const fnId = config.functions.find((f) => f.name === 'receiveInboundSms')!.logicalId;
    const policy = template.Resources.InboundSmsTopicPolicy.Properties;
    expect(policy.Topics).toEqual([{ Ref: 'InboundSmsTopic' }]);
    expect(policy.PolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'sms-voice.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: 'InboundSmsTopic' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    // The delivery-events subscription (smsPath eums) has its own test below.
    const subscriptions = Object.values(template.Resources).filter(
      (r) =>
        r.Type === 'AWS::SNS::Subscription' &&
        r.Properties.Protocol === 'lambda' &&
        (r as { Condition?: string }).Condition !== 'EumsSmsPath',
    );
    expect(subscriptions).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          Protocol: 'lambda',
          TopicArn: { Ref: 'InboundSmsTopic' },
          Endpoint: { 'Fn::GetAtt': [fnId, 'Arn'] },
        }),
      }),
    ]);
    const invokedBySns = Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === 'sns.amazonaws.com',
    );
    expect(invokedBySns.map((p) => p.Properties.SourceArn)).toEqual([{ Ref: 'InboundSmsTopic' }, { Ref: 'DeliveryEventsTopic' }]);
  });

  it('with smsPath=eums: a configuration set whose SNS event destination feeds recordDeliveryEvent, and an SMS-role policy for sms-voice:SendTextMessage only (issue 18)', () => {
    const eums = Object.entries(template.Resources).filter(([, r]) => (r as { Condition?: string }).Condition === 'EumsSmsPath');
    expect(Object.fromEntries(eums.map(([id, r]) => [id, r.Type]))).toEqual({
      DeliveryEventsTopic: 'AWS::SNS::Topic',
      DeliveryEventsTopicPolicy: 'AWS::SNS::TopicPolicy',
      SmsConfigurationSet: 'AWS::SMSVOICE::ConfigurationSet',
      DeliveryEventsSubscription: 'AWS::SNS::Subscription',
      DeliveryEventsInvokePermission: 'AWS::Lambda::Permission',
      EumsSendPolicy: 'AWS::IAM::ManagedPolicy',
    });
    // CloudFormation reference, AWS::SMSVOICE::ConfigurationSet EventDestination / SnsDestination.
    expect(template.Resources.SmsConfigurationSet.Properties.EventDestinations).toEqual([
      {
        EventDestinationName: 'run-evidence',
        Enabled: true,
        MatchingEventTypes: ['TEXT_ALL'],
        SnsDestination: { TopicArn: { Ref: 'DeliveryEventsTopic' } },
      },
    ]);
    const fnId = config.functions.find((f) => f.name === 'recordDeliveryEvent')!.logicalId;
    expect(template.Resources.DeliveryEventsSubscription.Properties).toEqual({
      TopicArn: { Ref: 'DeliveryEventsTopic' },
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [fnId, 'Arn'] },
    });
    expect(template.Resources.DeliveryEventsTopicPolicy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'sms-voice.amazonaws.com' }, Action: 'sns:Publish' }),
    ]);
    const policy = template.Resources.EumsSendPolicy.Properties;
    // Under the managed IAM path: provisioning's AttachRolePolicy may attach only policies there.
    expect(policy.Path).toBe('/cognito-sms-mfa/');
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['sms-voice:SendTextMessage'],
        Resource: [
          { 'Fn::GetAtt': ['SmsConfigurationSet', 'Arn'] },
          { 'Fn::Sub': expect.stringMatching(/:sms-voice:.*:phone-number\/\*$/) },
        ],
      },
    ]);
  });

  it('lets Cognito invoke the Custom SMS Sender and encrypt with its key, and only that Lambda decrypt', () => {
    const fnId = config.functions.find((f) => f.name === 'customSmsSender')!.logicalId;
    const permission = template.Resources.CustomSmsSenderInvokedByCognito.Properties;
    expect(permission).toMatchObject({
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    expect(permission.SourceArn['Fn::Sub']).toMatch(/:cognito-idp:\$\{AWS::Region\}:\$\{AWS::AccountId\}:userpool\/\*$/);
    const statements = template.Resources.CustomSmsSenderKey.Properties.KeyPolicy.Statement as any[];
    const cognitoStatement = statements.find((st) => st.Principal?.Service === 'cognito-idp.amazonaws.com');
    expect(cognitoStatement).toMatchObject({
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:Encrypt'],
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    // Only the account (for administration) and Cognito are named in the key policy; no role gets kms:Decrypt there.
    expect(statements.map((st) => st.Principal?.Service ?? 'account').sort()).toEqual(['account', 'cognito-idp.amazonaws.com']);
    const decrypters = config.functions.filter((f) => roleStatements(f.name).some((st) => list(st.Action).includes('kms:Decrypt')));
    expect(decrypters.map((f) => f.name)).toEqual(['customSmsSender']);
  });

  it("sends a Custom SMS Sender event that Lambda gave up on to reportUndeliveredCode (EventInvokeConfig), and only the sender's role may invoke it", () => {
    const fnId = (name: string) => config.functions.find((f) => f.name === name)!.logicalId;
    const reporterArn = { 'Fn::GetAtt': [fnId('reportUndeliveredCode'), 'Arn'] };
    const invokeConfigs = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::EventInvokeConfig');
    // Lambda's defaults stay: two retries, events kept up to six hours.
    expect(invokeConfigs.map((r) => r.Properties)).toEqual([
      {
        FunctionName: { Ref: fnId('customSmsSender') },
        Qualifier: '$LATEST',
        DestinationConfig: { OnFailure: { Destination: reporterArn } },
      },
    ]);
    // The local cloud reads the same destination from serverless.yml.
    expect(config.functions.filter((f) => f.onFailure).map((f) => [f.name, f.onFailure])).toEqual([
      ['customSmsSender', 'reportUndeliveredCode'],
    ]);
    // The exception in the IAM check is exactly the functions with a destination, each allowed to invoke only it.
    expect(Object.keys(DESTINATION_ACTIONS)).toEqual(['customSmsSender']);
    const invokers = config.functions.filter((f) => roleStatements(f.name).some((st) => list(st.Action).includes('lambda:InvokeFunction')));
    expect(invokers.map((f) => f.name)).toEqual(['customSmsSender']);
    expect(roleStatements('customSmsSender').filter((st) => list(st.Action).includes('lambda:InvokeFunction'))).toEqual([
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: reporterArn },
    ]);
    // Exists on every stage, as the sender does: no Condition on either.
    expect(template.Resources[fnId('reportUndeliveredCode')]).not.toHaveProperty('Condition');
    expect(template.Resources[fnId('customSmsSender')]).not.toHaveProperty('Condition');
  });

  it('keeps runs, leases and waits in a DynamoDB table with TTL, and generates its secrets (the callback one also keys synthetic passwords)', () => {
    expect(template.Resources.RunsTable.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    for (const id of ['CallbackSigningSecret', 'TwilioAuthTokenSecret']) {
      expect(template.Resources[id].Properties.GenerateSecretString).toBeDefined();
    }
  });

  it('keeps the KMS key and the Twilio secret when their param is turned off or the stack is removed (pools may still use the key)', () => {
    for (const id of ['CustomSmsSenderKey', 'TwilioAuthTokenSecret']) {
      expect(template.Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it("has the optional routes' monthly costs (KMS key, Twilio secret) and what refers to them only under their param, off by default", () => {
    const byCondition = (condition: string) =>
      Object.entries(template.Resources as Record<string, any>)
        .filter(([, r]) => r.Condition === condition)
        .map(([id]) => id)
        .sort();
    expect(byCondition('CustomSmsSenderEnabled')).toEqual([
      'CustomSmsSenderDecryptPolicy',
      'CustomSmsSenderInvokedByCognito',
      'CustomSmsSenderKey',
      'CustomSmsSenderKeyAlias',
    ]);
    expect(byCondition('TwilioWebhookEnabled')).toEqual(['TwilioAuthTokenSecret', 'TwilioWebhookSecretPolicy']);
    // Packaged with the default params: both conditions are false.
    expect(template.Conditions?.CustomSmsSenderEnabled).toEqual({ 'Fn::Equals': ['false', 'true'] });
    expect(template.Conditions?.TwilioWebhookEnabled).toEqual({ 'Fn::Equals': ['false', 'true'] });
    // Every reference to a conditional resource from an unconditional one goes through Fn::If on that condition.
    const conditional = new Map(
      Object.entries(template.Resources as Record<string, any>)
        .filter(([, r]) => r.Condition)
        .map(([id, r]) => [id, r.Condition as string]),
    );
    const unguarded: string[] = [];
    const walk = (node: unknown, path: string, guards: string[]) => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`, guards));
      if (!node || typeof node !== 'object') return;
      const obj = node as Record<string, any>;
      if (Array.isArray(obj['Fn::If'])) {
        const [cond, yes, no] = obj['Fn::If'];
        walk(yes, `${path}.if`, [...guards, cond]);
        return walk(no, `${path}.else`, guards);
      }
      const target = obj.Ref ?? (Array.isArray(obj['Fn::GetAtt']) ? obj['Fn::GetAtt'][0] : undefined);
      if (typeof target === 'string' && conditional.has(target) && !guards.includes(conditional.get(target)!))
        unguarded.push(`${path} -> ${target}`);
      for (const [k, v] of Object.entries(obj)) walk(v, `${path}.${k}`, guards);
    };
    for (const [id, r] of Object.entries(template.Resources as Record<string, any>)) walk(r, id, r.Condition ? [r.Condition] : []);
    for (const [id, o] of Object.entries((template.Outputs ?? {}) as Record<string, any>))
      walk(o, `Outputs.${id}`, o.Condition ? [o.Condition] : []);
    expect(unguarded).toEqual([]);
    // Without the route, no role may touch the key or the Twilio secret.
    for (const fn of ['customSmsSender', 'updateUserPool', 'validateInput']) {
      expect(roleStatements(fn, { withConditional: false }).flatMap((st) => list(st.Action))).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^kms:/)]),
      );
    }
    expect(roleStatements('twilioWebhook', { withConditional: false }).flatMap((st) => list(st.Action))).not.toContain(
      'secretsmanager:GetSecretValue',
    );
    const env = (fn: string) => template.Resources[config.functions.find((f) => f.name === fn)!.logicalId].Properties.Environment.Variables;
    expect(env('validateInput').CUSTOM_SMS_SENDER_KEY_ARN).toEqual({
      'Fn::If': ['CustomSmsSenderEnabled', { 'Fn::GetAtt': ['CustomSmsSenderKey', 'Arn'] }, ''],
    });
    expect(env('twilioWebhook').TWILIO_AUTH_TOKEN_SECRET_ARN).toEqual({
      'Fn::If': ['TwilioWebhookEnabled', { Ref: 'TwilioAuthTokenSecret' }, ''],
    });
  });

  it('gives SYNTHETIC_EMAIL_DOMAIN (param syntheticEmailDomain, default example.invalid) to every function whose code names or recognises synthetic addresses', () => {
    // What reads the variable: lib/verify/username.ts syntheticEmailDomain, through these exports.
    const username = join(PROJECT_ROOT, 'lib/verify/username');
    const readers = ['syntheticEmailDomain', 'syntheticEmailPattern', 'signInNameFor', 'isSyntheticSignInName'];
    const env = (logicalId: string) => template.Resources[logicalId].Properties.Environment?.Variables ?? {};
    const reading = config.functions.filter((f) => reaches(join(PROJECT_ROOT, f.module), username, readers)).map((f) => f.name);
    expect(reading.sort()).toEqual(['adminDeleteUser', 'cleanUpStoppedRun', 'prepareRun', 'startSignIn']);
    for (const f of config.functions) {
      expect({ fn: f.name, domain: env(f.logicalId).SYNTHETIC_EMAIL_DOMAIN }).toEqual({
        fn: f.name,
        domain: reading.includes(f.name) ? 'example.invalid' : undefined,
      });
    }
  });

  it('schedules each default check of checks.yml (off unless enabled): sign-in every 5 minutes, sign-up every 6 hours, no phone (runs take the inbound number)', () => {
    const schedules = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule');
    expect(schedules.map(([id]) => id).sort()).toEqual(['CheckScheduleSignin', 'CheckScheduleSignup']);
    const byId = Object.fromEntries(schedules.map(([id, r]) => [id, r.Properties]));
    expect(byId.CheckScheduleSignin).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      State: 'DISABLED',
      Target: { Arn: { Ref: 'VerifyStateMachine' } },
    });
    expect(byId.CheckScheduleSignup).toMatchObject({
      ScheduleExpression: 'rate(6 hours)',
      State: 'DISABLED',
      Target: { Arn: { Ref: 'VerifyStateMachine' } },
    });
    // checkPhoneNumber has no default: the inputs name no phone.
    expect(JSON.parse(byId.CheckScheduleSignin.Target.Input)).toEqual({ kind: 'signin', target: 'MyUserPool', retries: 2 });
    expect(JSON.parse(byId.CheckScheduleSignup.Target.Input)).toEqual({ kind: 'signup', target: 'MyUserPool', retries: 2 });
    for (const properties of Object.values(byId)) expect(properties.Target.RoleArn).toEqual({ 'Fn::GetAtt': ['CheckScheduleRole', 'Arn'] });
  });

  it("reads every Lambda's `run finished` line in the dashboard's run queries (sign-in runs end in finishSignIn)", () => {
    // The functions whose code logs the verdict line: itself or through lib/verify/recordVerdict.ts.
    const verdictFunctions = config.functions
      .filter((fn) => {
        const source = readFileSync(join(PROJECT_ROOT, `${fn.module}.ts`), 'utf8');
        return source.includes("'run finished'") || source.includes('lib/verify/recordVerdict');
      })
      .map((fn) => fn.name)
      .sort();
    expect(verdictFunctions).toEqual(['cleanUpStoppedRun', 'finishSignIn', 'recordResult']);
    const body = template.Resources.CheckDashboard.Properties.DashboardBody['Fn::Sub'][0] as string;
    const queries = [...body.matchAll(/"query":"([^"]*'run finished'[^"]*)"/g)].map((m) => m[1]);
    expect(queries.length).toBeGreaterThanOrEqual(2);
    for (const query of queries) for (const fn of verdictFunctions) expect(query).toContain(`SOURCE '/aws/lambda/\${Svc}-\${Stage}-${fn}'`);
  });

  it('has four alarms on their topic (a fifth only with failoverHealthCheck=true), and the dashboard only when asked for (tests/stack/metrics.test.ts checks what they read)', () => {
    const alarms = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(([id]) => id)
      .sort();
    // The sign-in check alarm behind the failover health check exists only with failoverHealthCheck=true.
    expect(alarms).toEqual(['CheckFailingAlarm', 'CheckerFailingAlarm', 'NoSuccessfulCheckAlarm', 'SignInCheckAlarm', 'SlowCheckAlarm']);
    expect(template.Resources.SignInCheckAlarm).toMatchObject({ Condition: 'HasFailoverHealthCheck' });
    for (const id of alarms) expect(template.Resources[id].Properties.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(template.Resources.NoSuccessfulCheckAlarm.Properties.TreatMissingData).toBe('breaching');
    // plugins/checks.js: no check of checks.yml is enabled with the default params, so the silence alarm stays quiet.
    expect(template.Resources.NoSuccessfulCheckAlarm.Properties.ActionsEnabled).toBe(false);
    // Issue 18 (tuning): one confirmed pool or sms failure pages. The alarm reads FailedChecks, written
    // once by the state that ends such an execution; checker failures (timed out, stopped, our own
    // parts) warn on CheckerFailingAlarm and never reach this series.
    expect(template.Resources.CheckFailingAlarm.Properties).toMatchObject({
      Namespace: 'CognitoSmsMfaCheck',
      MetricName: 'FailedChecks',
      Dimensions: [{ Name: 'service', Value: 'cognito-sms-mfa' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(template.Resources.CheckFailingAlarm.Properties.Metrics).toBeUndefined();
    expect(template.Resources.CheckerFailingAlarm.Properties).toMatchObject({
      Namespace: 'CognitoSmsMfaCheck',
      MetricName: 'CheckerFailures',
      Dimensions: [{ Name: 'service', Value: 'cognito-sms-mfa' }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(template.Resources.CheckerFailingAlarm.Properties.AlarmDescription).toMatch(/^WARNING \(not a page\)/);
    expect(template.Resources.AlarmTopic.Type).toBe('AWS::SNS::Topic');
    expect(template.Resources.CheckDashboard).toMatchObject({ Type: 'AWS::CloudWatch::Dashboard', Condition: 'HasDashboard' });
    // dashboard defaults to 'false': the condition is false in the packaged template.
    expect(template.Conditions?.HasDashboard).toEqual({ 'Fn::Equals': ['false', 'true'] });
    // Slow checks: p90 of the verify machine's own ExecutionTime (ms), threshold param checkDurationThresholdMs,
    // in 3 periods in a row; a warning (a check with a re-run is slow, and retries absorb one lost SMS).
    expect(template.Resources.SlowCheckAlarm.Properties.AlarmDescription).toMatch(/^WARNING \(not a page\)/);
    expect(template.Resources.SlowCheckAlarm.Properties).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionTime',
      ExtendedStatistic: 'p90',
      Threshold: 120000,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'VerifyStateMachine' } }],
    });
  });

  it('bundles no credential link that Lambda never reaches, and every bundle still loads in a fresh node without credentials', () => {
    // Markers: debug messages inside fromSSO / fromIni / fromTokenFile themselves (the default chain's own say "defaultProvider::...").
    const bundledLinks = /credential-provider-(sso - fromSSO|ini - fromIni|web-identity - fromTokenFile)/;
    const seen: Record<string, { bytes: number; linksBundled: boolean; esmImport: boolean; loads: string }> = {};
    for (const fn of config.functions) {
      const source = execFileSync('unzip', ['-p', join(PACKAGE_DIR, `${fn.name}.zip`), `${fn.module}.js`], {
        maxBuffer: 64 << 20,
      }).toString('utf8');
      const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
      const file = join(dir, 'handler.js');
      writeFileSync(file, source);
      const loaded = spawnSync(process.execPath, ['-e', `process.stdout.write(typeof require(${JSON.stringify(file)}).${fn.exportName})`], {
        env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: fn.name },
        encoding: 'utf8',
      });
      rmSync(dir, { recursive: true, force: true });
      // A link left out is reached with require, which (unlike ESM import()) honours Lambda's NODE_PATH to the runtime's SDK.
      const esmImport = /import\(\s*"@(aws-sdk|smithy)\/credential-provider-/.test(source);
      seen[fn.name] = {
        bytes: source.length,
        linksBundled: bundledLinks.test(source),
        esmImport,
        loads: loaded.stdout || loaded.stderr.slice(0, 200),
      };
    }
    for (const [name, s] of Object.entries(seen)) {
      expect({ name, linksBundled: s.linksBundled, esmImport: s.esmImport, loads: s.loads }).toEqual({
        name,
        linksBundled: false,
        esmImport: false,
        loads: 'function',
      });
    }
    // The Custom SMS Sender decrypts only: no hierarchical keyring (whose keystore brings a whole DynamoDB client).
    const sender = execFileSync('unzip', ['-p', join(PACKAGE_DIR, 'customSmsSender.zip'), 'functions/sms/customSmsSender.js'], {
      maxBuffer: 64 << 20,
    }).toString('utf8');
    expect(sender).not.toContain('BranchKeyStoreNode');
  });

  // Issue 20, item 10: AWS's documentation read against the packaged template.
  describe("AWS's guidance (issue 20 item 10)", () => {
    const machines = () =>
      Object.entries(template.Resources as Record<string, any>)
        .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')
        .map(([id, r]) => [id, JSON.parse((r.Properties.DefinitionString['Fn::Sub'] as [string])[0])] as const);

    // Step Functions best practices, "Handle Lambda service exceptions"
    // (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html): invoking
    // Lambda can fail with a transient 500 (ClientExecutionTimeoutException, ServiceException,
    // AWSLambdaException, SdkClientException); its example retrier lists all four as Lambda.<name>.
    it('lists Lambda.ClientExecutionTimeoutException with the other Lambda service exceptions in every Lambda retrier', () => {
      const retriers: string[][] = [];
      for (const [, definition] of machines()) {
        for (const state of Object.values(definition.States as Record<string, any>)) {
          for (const retrier of (state.Retry ?? []) as { ErrorEquals: string[] }[]) {
            if (retrier.ErrorEquals.some((e) => e.startsWith('Lambda.'))) retriers.push(retrier.ErrorEquals);
          }
        }
      }
      expect(retriers.length).toBeGreaterThan(10);
      for (const errors of retriers) {
        expect(errors).toEqual(
          expect.arrayContaining([
            'Lambda.ClientExecutionTimeoutException',
            'Lambda.ServiceException',
            'Lambda.AWSLambdaException',
            'Lambda.SdkClientException',
          ]),
        );
      }
    });

    // States.ALL "cannot catch the States.DataLimitExceeded terminal error or Runtime error types"
    // (Step Functions developer guide, "Handling errors in Step Functions workflows"): such a run
    // ends FAILED without its Catch clean-up, so the status-change rule takes FAILED too.
    it('sends ABORTED, TIMED_OUT and FAILED verify executions to cleanUpStoppedRun', () => {
      const rules = Object.values(template.Resources as Record<string, any>).filter(
        (r) => r.Type === 'AWS::Events::Rule' && JSON.stringify(r.Properties.Targets).includes('CleanUpStoppedRunLambdaFunction'),
      );
      expect(rules).toHaveLength(1);
      expect(rules[0].Properties.EventPattern).toMatchObject({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['ABORTED', 'TIMED_OUT', 'FAILED'], stateMachineArn: [{ Ref: 'VerifyStateMachine' }] },
      });
    });

    // An ARN written with `arn:aws:` deploys only in the aws partition (not aws-cn, aws-us-gov):
    // every ARN the template builds takes the partition from ${AWS::Partition} inside an Fn::Sub.
    it('writes no ARN with a hard-coded aws partition: each is built with ${AWS::Partition} in an Fn::Sub', () => {
      const hardCoded: string[] = [];
      const partitioned: string[] = [];
      const walk = (node: unknown, path: string, inSub: boolean) => {
        if (typeof node === 'string') {
          for (const m of node.matchAll(/arn:(aws[a-z-]*|\$\{AWS::Partition\})?:[a-z0-9-]*:/g)) {
            (m[1] === '${AWS::Partition}' && inSub ? partitioned : hardCoded).push(`${path}: ${node.slice(m.index, m.index + 60)}`);
          }
        } else if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`, inSub));
        else if (node && typeof node === 'object')
          for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`, inSub || k === 'Fn::Sub');
      };
      walk(template.Resources, 'Resources', false);
      expect(hardCoded).toEqual([]);
      // The three task-token waits: each Resource is a variable of the definition's Fn::Sub, itself an Fn::Sub with the partition.
      const [body, vars] = template.Resources.VerifyStateMachine.Properties.DefinitionString['Fn::Sub'] as [string, Record<string, any>];
      const waits = Object.values(JSON.parse(body).States as Record<string, any>)
        .filter((st) => st.Parameters?.['FunctionName.$'] ?? st.Parameters?.FunctionName)
        .map((st) => /^\$\{(\w+)\}$/.exec(st.Resource)?.[1])
        .filter((ref) => ref && vars[ref]?.['Fn::Sub']);
      expect(waits).toHaveLength(3);
      for (const ref of waits) expect(vars[ref!]).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:states:::lambda:invoke.waitForTaskToken' });
    });

    it('grants updateUserPool what the UpdateUserPool operation authorizes (TagResource, UntagResource, PassRole), and no KMS action', () => {
      const actions = roleStatements('updateUserPool').flatMap((st) => list(st.Action) as string[]);
      expect(actions).toEqual(
        expect.arrayContaining(['cognito-idp:UpdateUserPool', 'cognito-idp:TagResource', 'cognito-idp:UntagResource', 'iam:PassRole']),
      );
      expect(actions.filter((a) => a.startsWith('kms:'))).toEqual([]);
    });
  });

  it('passes cfn-lint with no errors', () => {
    const found = spawnSync('sh', ['-c', 'command -v cfn-lint']);
    if (found.status !== 0) {
      throw new Error('cfn-lint is not installed: pip install "cfn-lint>=1.51" (it validates the packaged CloudFormation template)');
    }
    const result = spawnSync('cfn-lint', ['--non-zero-exit-code', 'error', TEMPLATE_PATH], { encoding: 'utf8' });
    expect({ status: result.status, errors: result.stdout.split('\n\n').filter((b) => /^E\d/.test(b)) }).toEqual({ status: 0, errors: [] });
  });
});

// Last in this file on purpose: osls clears .serverless on every package, also one that the
// guardrail stops, so it must not run while the template above is being read.
describe('guardrails in sls package', () => {
  const slsPackage = (...params: string[]) => {
    const result = spawnSync(
      join(PROJECT_ROOT, 'node_modules/.bin/sls'),
      ['package', '--stage', 'ci', ...params.flatMap((p) => ['--param', p])],
      {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: '1', SLS_TELEMETRY_DISABLED: '1' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    return { status: result.status, output: result.stdout + result.stderr };
  };

  it('stops sls package with the numbers when the default checks would overrun the SMS limit', () => {
    const result = slsPackage('checkScheduleState=ENABLED', 'checkPhoneNumber=+12065551234');
    expect(result.status).not.toBe(0);
    // Issue 18: with the default 2 retries per check, at the guardrail's assumed 5% failing.
    expect(result.output).toContain(
      'SMS budget exceeded: signin: rate(5 minutes) = (8928 runs + 893 retry runs: 5% assumed failing × 2 retries) × 1 SMS per signin run',
    );
  }, 120_000);

  it('stops an enabled schedule without a check phone, naming checkPhoneNumber', () => {
    const result = slsPackage('checkScheduleState=ENABLED');
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('checkScheduleState=ENABLED needs a phone for the synthetic user, and checkPhoneNumber has no default');
  }, 120_000);

  it('packages enabled checks within the SMS limit, with the silence alarm notifying (set after resources are merged)', () => {
    const result = slsPackage('checkScheduleState=ENABLED', 'checkPhoneNumber=+12065551234', 'monthlySmsSpendLimitUsd=66');
    expect(result).toMatchObject({ status: 0 });
    const packaged = JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8')) as Template;
    expect(packaged.Resources.NoSuccessfulCheckAlarm.Properties.ActionsEnabled).toBe(true);
    expect(packaged.Resources.CheckScheduleSignin.Properties.State).toBe('ENABLED');
  }, 120_000);

  it('stops an enabled schedule whose phone is reserved for fiction, naming the range', () => {
    const result = slsPackage('checkScheduleState=ENABLED', 'checkPhoneNumber=+15555550123');
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/checkPhoneNumber \+\*+0123 is in the range 555-0100…555-0199 .* reserved for fiction/);
    expect(result.output).not.toContain('+15555550123');
  }, 120_000);
});
