// First: the logger reads its level when it is created.
import { captureLogs } from '../../tests/support/logCapture';
import { mockClient } from 'aws-sdk-client-mock';
import { mockPool } from '../../tests/support/cognitoPool';
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { handler, startSignIn } from './startSignIn';
import { standingUserPassword } from '../../lib/verify/password';
import { standingUsername } from '../../lib/verify/standingUser';
import { mockPasswordKey } from '../../tests/support/passwordKey';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const ssm = mockClient(SSMClient);
const PHONE = '+12065551234';
const MASKED = '+*******1234';
const POOL = 'us-east-1_abc';
const USER = standingUsername(POOL, PHONE);
const SESSION = 'AYABeCognitoChallengeSession-secret-value';
const STARTED = '2026-01-01T00:00:00.000Z';
const CHALLENGE = {
  ChallengeName: 'SMS_MFA' as const,
  Session: SESSION,
  ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS', CODE_DELIVERY_DESTINATION: MASKED },
};
const event = (input: unknown) => ({ input, runId: 'run-1', startedAt: STARTED });
let order: string[];

async function expectNoSecrets(out: unknown) {
  const json = JSON.stringify(out);
  for (const s of [SESSION, await standingUserPassword(USER), PHONE, '2065551234']) expect(json).not.toContain(s);
}

beforeEach(() => {
  for (const m of [ddb, cognito, ssm]) m.reset();
  mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc' });
  order = [];
  ssm.on(GetParameterCommand).callsFake(() => {
    order.push('GetParameter');
    return { Parameter: { Value: JSON.stringify({ userPoolId: POOL, clientId: 'client1abc' }) } };
  });
  ddb.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
    order.push(`Put ${input.Item.pk.split('#')[0]}`);
    return {};
  });
  ddb.on(GetCommand).callsFake(() => {
    order.push('Get WAIT');
    return {};
  });
  ddb.on(UpdateCommand).callsFake(() => {
    order.push('Update RUN');
    return {};
  });
  cognito.on(InitiateAuthCommand).callsFake(() => {
    order.push('InitiateAuth');
    return CHALLENGE;
  });
  // After the catch-all GetCommand above, so that the key item has its own answer.
  mockPasswordKey(ddb);
});

describe('startSignIn', () => {
  it('writes the run, takes the lease, opens the MFA wait, then signs the standing user in: one Cognito call on a healthy user', async () => {
    const out = await startSignIn(event({ kind: 'signin', target: 'MyUserPool', phoneNumber: PHONE }));
    expect(order).toEqual(['GetParameter', 'Put RUN', 'Put LEASE', 'Get WAIT', 'Put WAIT', 'InitiateAuth', 'Update RUN']);
    expect(out).toEqual({
      runId: 'run-1',
      attempt: 1,
      kind: 'signin',
      userPoolId: POOL,
      region: 'us-east-1',
      authFlow: 'password',
      phone: MASKED,
      targetName: 'MyUserPool',
      standingUser: 'reused',
      timeouts: { mfaCodeSeconds: 120 },
      challenge: { challenge: 'SMS_MFA', destination: MASKED },
    });
    const run = ddb.commandCalls(PutCommand)[0].args[0].input.Item!;
    expect(run).toMatchObject({
      pk: 'RUN#run-1',
      kind: 'signin',
      username: USER,
      phoneNumber: PHONE,
      startedAt: STARTED,
      status: 'RUNNING',
    });
    // A sign-in run holds its phone for the MFA wait and the margin, not the sign-up wait too.
    const lease = ddb.commandCalls(PutCommand)[1].args[0].input.Item!;
    expect(lease.expiresAt - Date.now()).toBeLessThanOrEqual((120 + 120) * 1000);
    expect(lease.expiresAt - Date.now()).toBeGreaterThan((120 + 110) * 1000);
    // The wait names the standing user: the Custom SMS Sender gives it only that user's codes.
    const wait = ddb.commandCalls(PutCommand)[2].args[0].input.Item!;
    expect(wait).toMatchObject({ pk: `WAIT#${PHONE}`, runId: 'run-1', step: 'MFA', userPoolId: POOL, username: USER });
    const saved = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(Object.values(saved.ExpressionAttributeValues!)).toEqual([SESSION, 'reused', USER, 'SMS_MFA']);
    await expectNoSecrets(out);
  });

  it('creates a missing standing user and says so in the state and the run record; logs no secret', async () => {
    cognito
      .on(InitiateAuthCommand)
      .rejectsOnce(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }))
      .resolves(CHALLENGE);
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminSetUserPasswordCommand).resolves({});
    const capture = captureLogs();
    const out = await startSignIn(event({ kind: 'signin', target: 'MyUserPool', phoneNumber: PHONE })).finally(() => capture.restore());
    expect(out).toMatchObject({ standingUser: 'created', challenge: { firstSignIn: 'mfa-challenged' } });
    const saved = ddb.commandCalls(UpdateCommand)[0].args[0].input;
    expect(Object.values(saved.ExpressionAttributeValues!)).toEqual([SESSION, 'created', 'mfa-challenged', USER, 'SMS_MFA']);
    const logged = capture.lines.join('');
    expect(logged).toContain('"standingUser":"created"');
    await expectNoSecrets(logged);
    await expectNoSecrets(out);
  });

  it.each<[string, unknown, string]>([
    ['a sign-up run', { kind: 'signup', target: 'MyUserPool', phoneNumber: PHONE }, 'kind'],
    ['no kind (a sign-up run)', { target: 'MyUserPool', phoneNumber: PHONE }, 'kind'],
    ['a bad phone', { kind: 'signin', target: 'MyUserPool', phoneNumber: '2065551234' }, 'phoneNumber'],
    ['an unknown field', { kind: 'signin', target: 'MyUserPool', phoneNumber: PHONE, username: 'x' }, 'username'],
    [
      'a long MFA wait',
      { kind: 'signin', target: 'MyUserPool', phoneNumber: PHONE, timeouts: { mfaCodeSeconds: 170 } },
      'timeouts.mfaCodeSeconds',
    ],
  ])('refuses %s with a ValidationError naming the field, before any AWS call', async (_what, input, field) => {
    await expect(startSignIn(event(input))).rejects.toMatchObject({ name: 'ValidationError', field });
    expect(order).toEqual([]);
  });

  it('fails with PhoneBusy, signing nobody in, while another run holds the phone (the state machine retries)', async () => {
    ddb.on(PutCommand).callsFake((input: { Item: { pk: string } }) => {
      if (input.Item.pk.startsWith('LEASE#')) throw new ConditionalCheckFailedException({ message: 'no', $metadata: {} });
      return {};
    });
    await expect(startSignIn(event({ kind: 'signin', target: 'MyUserPool', phoneNumber: PHONE }))).rejects.toMatchObject({
      name: 'PhoneBusy',
    });
    // Only the pool and its client were read (the flow and the user's name are decided before the lease).
    expect(cognito.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeUserPoolClientCommand', 'DescribeUserPoolCommand']);
  });

  it('retries a throttled save of the challenge in place: one InitiateAuth, so one SMS', async () => {
    let saves = 0;
    ddb.on(UpdateCommand).callsFake(() => {
      order.push('Update RUN');
      if (++saves === 1)
        throw new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: { httpStatusCode: 400 } });
      return {};
    });
    await expect(startSignIn(event({ kind: 'signin', target: 'MyUserPool', phoneNumber: PHONE }))).resolves.toMatchObject({
      standingUser: 'reused',
    });
    expect(order.filter((o) => o === 'InitiateAuth')).toHaveLength(1);
    expect(order.filter((o) => o === 'Update RUN')).toHaveLength(2);
  });

  it('fails with SignInSaveFailed (no Retry of the machine matches it) when the save still fails after the SMS; names no secret', async () => {
    ddb.on(UpdateCommand).callsFake(() => {
      order.push('Update RUN');
      throw new ProvisionedThroughputExceededException({ message: 'Throughput exceeded', $metadata: { httpStatusCode: 400 } });
    });
    const error = (await startSignIn(event({ kind: 'signin', target: 'MyUserPool', phoneNumber: PHONE })).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ name: 'SignInSaveFailed', message: expect.stringContaining('ProvisionedThroughputExceededException') });
    await expectNoSecrets(error.message);
    expect(order.filter((o) => o === 'InitiateAuth')).toHaveLength(1);
    expect(order.filter((o) => o === 'Update RUN')).toHaveLength(3);
  });

  it("is not retried by the machine on SignInSaveFailed, nor on anything but PhoneBusy, Lambda's own errors and throttling", () => {
    const asl = parse(readFileSync(join(__dirname, '../../statemachines/verify.asl.yml'), 'utf8')) as {
      States: Record<string, { Retry?: { ErrorEquals: string[] }[] }>;
    };
    const retried = (asl.States.StartSignIn.Retry ?? []).flatMap((r) => r.ErrorEquals);
    expect(retried).toContain('PhoneBusy');
    expect(retried).not.toContain('SignInSaveFailed');
    expect(retried).not.toContain('States.ALL');
    expect(retried).not.toContain('States.TaskFailed');
  });

  it('as a Lambda handler, returns the state', async () => {
    const out = await handler(event({ kind: 'signin', userPoolId: POOL, clientId: 'client1abc', phoneNumber: PHONE }), {} as never);
    expect(out).toMatchObject({ kind: 'signin', standingUser: 'reused' });
  });
});

describe('startSignIn with an app client that has a secret', () => {
  it('signs in with the SECRET_HASH, and the secret is nowhere: not in the state, the run record, the logs', async () => {
    const SECRET = 'the-app-client-secret-1234567890';
    mockPool(cognito, { userPoolId: POOL, clientId: 'client1abc', secret: SECRET });
    const capture = captureLogs();
    const out = await startSignIn(event({ kind: 'signin', target: 'MyUserPool', phoneNumber: PHONE })).finally(() => capture.restore());
    expect(cognito.commandCalls(InitiateAuthCommand)[0]!.args[0].input.AuthParameters!.SECRET_HASH).toEqual(expect.any(String));
    const written = JSON.stringify(ddb.calls().map((c) => c.args[0].input));
    for (const text of [JSON.stringify(out), written, capture.lines.join('')]) expect(text).not.toContain(SECRET);
  });

  it('refuses a flow the client does not allow before any sign-in (AuthFlowNotAllowed)', async () => {
    mockPool(cognito, { userPoolId: POOL, clientId: 'client1abc', explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    await expect(
      startSignIn(event({ kind: 'signin', target: 'MyUserPool', phoneNumber: PHONE, authFlow: 'password' })),
    ).rejects.toMatchObject({
      name: 'AuthFlowNotAllowed',
      message: expect.stringContaining('ALLOW_USER_PASSWORD_AUTH'),
    });
    expect(cognito.commandCalls(InitiateAuthCommand)).toHaveLength(0);
  });
});
