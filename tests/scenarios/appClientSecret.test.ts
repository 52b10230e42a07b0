import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { secretHash } from '../../local/cognito/fidelity/appClient';
import { smsMfaPoolInput } from '../../local/cognito/testing';
import { captureLogs } from '../support/logCapture';
import { nextPhone, ScenarioCloud } from './harness';

/**
 * Issue 17, "App clients with a secret" and the named failures of "Bad input and faults": checks
 * of a pool whose app client has a secret pass for both kinds, the local cloud checking every
 * SECRET_HASH as Cognito does (local/cognito/fidelity/appClient.ts); a secret rotated between
 * runs (the local cloud given a new one) is read again once and the check passes; one still refused
 * after that (a fault) fails AppClientSecretChanged; a flow the client does not allow,
 * and a Lambda trigger refusing the synthetic user, fail with their names before any code is sent.
 */
let s: ScenarioCloud;
let cognito: CognitoIdentityProviderClient;
let userPoolId: string;
let secretClientId: string;
let clientSecret: string;
/** Every secret the client has had: none may appear anywhere. */
const secrets: string[] = [];
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
  secrets.push(clientSecret);
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
  for (const text of [history, output ?? '', logs.lines.join('')]) for (const secret of secrets) expect(text).not.toContain(secret);
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

  it('a secret rotated between runs (the cloud holds a new one, the old is refused) is read again once, and the check passes', async () => {
    // A run first, so the functions of this container hold the secret of now.
    expect((await check('signin', nextPhone())).status).toBe('SUCCEEDED');
    const old = clientSecret;
    clientSecret = await s.cloud.cognito.replaceClientSecret(secretClientId);
    secrets.push(clientSecret);
    const described = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: secretClientId }));
    expect(described.UserPoolClient!.ClientSecret).toBe(clientSecret);
    expect(clientSecret).not.toBe(old);
    // The old secret's hash is refused now, as the cached one will be.
    await expect(
      cognito.send(
        new InitiateAuthCommand({
          ClientId: secretClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'nobody', PASSWORD: 'Wr0ng-password!', SECRET_HASH: secretHash(old, 'nobody', secretClientId) },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotAuthorizedException', message: `Unable to verify secret hash for client ${secretClientId}` });
    // Watches (never fails) the reads of the client: the secret must be read again during the run.
    let reads = 0;
    const watch = s.cloud.cognito.injectFault({
      operation: 'DescribeUserPoolClient',
      error: 'InternalErrorException',
      times: Infinity,
      match: () => {
        reads += 1;
        return false;
      },
    });
    try {
      for (const kind of ['signin', 'signup'] as const) {
        const result = await check(kind, nextPhone());
        expect({ kind, status: result.status, error: result.error, cause: result.cause }).toEqual({
          kind,
          status: 'SUCCEEDED',
          error: undefined,
          cause: undefined,
        });
        await expectNoSecretAnywhere(result.executionArn!, result.output);
      }
    } finally {
      watch.remove();
    }
    expect(reads).toBeGreaterThanOrEqual(1);
  });

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
