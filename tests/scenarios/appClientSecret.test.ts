import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { smsMfaPoolInput } from '../../local/cognito/testing';
import { captureLogs } from '../support/logCapture';
import { nextPhone, ScenarioCloud } from './harness';

/**
 * Issue 17, "App clients with a secret" and the named failures of "Bad input and faults": checks
 * of a pool whose app client has a secret pass for both kinds, the local cloud checking every
 * SECRET_HASH as Cognito does (local/cognito/fidelity/appClient.ts); a secret rotated between
 * runs is read again once, then fails AppClientSecretChanged; a flow the client does not allow,
 * and a Lambda trigger refusing the synthetic user, fail with their names before any code is sent.
 */
let s: ScenarioCloud;
let cognito: CognitoIdentityProviderClient;
let userPoolId: string;
let secretClientId: string;
let clientSecret: string;
const logs = captureLogs();

beforeAll(async () => {
  s = await ScenarioCloud.start();
  cognito = new CognitoIdentityProviderClient({});
  userPoolId = (await cognito.send(new CreateUserPoolCommand(smsMfaPoolInput('SecretClientPool')))).UserPool!.Id!;
  const app = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'WebServerClient',
      GenerateSecret: true,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  secretClientId = app.UserPoolClient!.ClientId!;
  const described = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: secretClientId }));
  clientSecret = described.UserPoolClient!.ClientSecret!;
}, 60_000);
afterAll(async () => {
  logs.restore();
  cognito?.destroy();
  await s?.close();
});

const check = (kind: 'signin' | 'signup', phone: string, extra: object = {}) =>
  s.run('verify', { kind, userPoolId, clientId: secretClientId, phoneNumber: phone, ...extra });

async function expectNoSecretAnywhere(executionArn: string, output: string | undefined) {
  const history = JSON.stringify(await s.history(executionArn));
  for (const text of [history, output ?? '', logs.lines.join('')]) expect(text).not.toContain(clientSecret);
}

describe('an app client with a secret', () => {
  it('has one (the local cloud refuses calls without its SECRET_HASH)', () => {
    expect(clientSecret).toEqual(expect.any(String));
    expect(clientSecret.length).toBeGreaterThan(10);
  });

  it.each<['signin' | 'signup']>([['signin'], ['signup']])(
    'a %s check passes, naming kind, authFlow and region; the secret is nowhere',
    async (kind) => {
      const result = await check(kind, nextPhone());
      expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({
        status: 'SUCCEEDED',
        error: undefined,
        cause: undefined,
      });
      const output = JSON.parse(result.output!);
      expect(output).toMatchObject({ verdict: 'PASS', kind, authFlow: 'password', region: userPoolId.split('_')[0], userPoolId });
      await expectNoSecretAnywhere(result.executionArn!, result.output);
    },
  );

  it('a secret refused once (rotated since this container read it) is read again, and the check passes', async () => {
    s.cloud.cognito.injectFault({
      operation: 'InitiateAuth',
      error: 'NotAuthorizedException',
      message: `Unable to verify secret hash for client ${secretClientId}`,
      times: 1,
    });
    const result = await check('signin', nextPhone());
    expect(result.status).toBe('SUCCEEDED');
  });

  it('a secret still refused after it was read again fails AppClientSecretChanged, before any SMS', async () => {
    const phone = nextPhone();
    const fault = s.cloud.cognito.injectFault({
      operation: 'InitiateAuth',
      error: 'NotAuthorizedException',
      message: `Unable to verify secret hash for client ${secretClientId}`,
      times: 2,
    });
    const result = await check('signin', phone);
    expect(fault.fired).toBe(2);
    expect(result).toMatchObject({ status: 'FAILED', error: 'AppClientSecretChanged' });
    expect(result.cause).toContain(secretClientId);
    expect(s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone)).toEqual([]);
    await expectNoSecretAnywhere(result.executionArn!, result.output);
  });
});

describe('named failures', () => {
  it('a flow the client does not allow fails AuthFlowNotAllowed naming the ALLOW_ flag, before any user or SMS', async () => {
    const phone = nextPhone();
    const result = await check('signup', phone, { authFlow: 'srp' });
    expect(result).toMatchObject({ status: 'FAILED', error: 'AuthFlowNotAllowed' });
    expect(result.cause).toContain('ALLOW_USER_SRP_AUTH');
    expect(s.cloud.cognito.sent.filter((m) => m.phoneNumber === phone)).toEqual([]);
  });

  it("a pre-authentication trigger that refuses the synthetic user fails UserLambdaValidationException with the trigger's message", async () => {
    const message = 'PreAuthentication failed with error Synthetic users are not welcome here.';
    s.cloud.cognito.injectFault({ operation: 'InitiateAuth', error: 'UserLambdaValidationException', message, times: 1 });
    const result = await check('signin', nextPhone());
    expect(result).toMatchObject({ status: 'FAILED', error: 'UserLambdaValidationException' });
    expect(result.cause).toContain('Synthetic users are not welcome here');
  });
});
