import {
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  InvalidParameterException,
  InvalidSmsRoleTrustRelationshipException,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startLocalCognito } from './server';
import type { LocalCognito } from './server';
import { cognitoClient, smsMfaPoolInput } from './testing';

const TRUST_MESSAGE = 'Role does not have a trust relationship allowing Cognito to assume the role';

/** Resolves with what the SDK threw (fails the test when the call succeeds). */
async function thrown(promise: Promise<unknown>): Promise<CognitoIdentityProviderServiceException> {
  try {
    await promise;
  } catch (e) {
    return e as CognitoIdentityProviderServiceException;
  }
  throw new Error('expected the call to fail');
}

describe('fault injection', () => {
  let local: LocalCognito;
  let client: CognitoIdentityProviderClient;

  beforeAll(async () => {
    // Given a local cognito started with a rule: CreateUserPool fails twice, as while a new role propagates
    local = await startLocalCognito({
      faults: [{ operation: 'CreateUserPool', error: 'InvalidSmsRoleTrustRelationshipException', message: TRUST_MESSAGE, times: 2 }],
    });
    client = cognitoClient(local.url);
  });
  afterEach(() => local.clearFaults());
  afterAll(async () => {
    client?.destroy();
    await local?.close();
  });

  const poolNames = async () => (await client.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools?.map((p) => p.Name) ?? [];

  it('fails the next `times` calls with the AWS error, as the SDK models it, then lets calls through', async () => {
    // When CreateUserPool is called three times
    const first = await thrown(client.send(new CreateUserPoolCommand(smsMfaPoolInput('FaultPool'))));
    const second = await thrown(client.send(new CreateUserPoolCommand(smsMfaPoolInput('FaultPool'))));
    const third = await client.send(new CreateUserPoolCommand(smsMfaPoolInput('FaultPool')));

    // Then the first two throw Cognito's exception (name, class, message, HTTP 400, client fault)
    for (const error of [first, second]) {
      expect(error).toBeInstanceOf(InvalidSmsRoleTrustRelationshipException);
      expect(error).toMatchObject({ name: 'InvalidSmsRoleTrustRelationshipException', message: TRUST_MESSAGE, $fault: 'client' });
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
    // And the third creates the pool; the failed calls created nothing
    expect(third.UserPool?.Id).toMatch(/^us-east-1_/);
    expect((await poolNames()).filter((n) => n === 'FaultPool')).toHaveLength(1);
  });

  it('adds rules after start; other operations and non-matching calls are untouched; the handle counts', async () => {
    // Given a rule added at run time for one pool name only
    const fault = local.injectFault({
      operation: 'CreateUserPool',
      error: 'InvalidParameterException',
      message: 'SMS configuration is invalid',
      match: (req) => req.PoolName === 'Doomed',
    });
    expect(fault).toMatchObject({ fired: 0, remaining: 1 });

    // When other operations and another pool's creation run, then they succeed and the rule stays armed
    await client.send(new ListUserPoolsCommand({ MaxResults: 10 }));
    const other = await client.send(new CreateUserPoolCommand(smsMfaPoolInput('Spared')));
    await client.send(new DescribeUserPoolCommand({ UserPoolId: other.UserPool!.Id! }));
    expect(fault).toMatchObject({ fired: 0, remaining: 1 });

    // When the matching call comes, then it fails once with that error, and the next one passes
    const error = await thrown(client.send(new CreateUserPoolCommand(smsMfaPoolInput('Doomed'))));
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error).toMatchObject({ name: 'InvalidParameterException', message: 'SMS configuration is invalid' });
    expect(fault).toMatchObject({ fired: 1, remaining: 0 });
    await client.send(new CreateUserPoolCommand(smsMfaPoolInput('Doomed')));
  });

  it('fails until removed with times: Infinity; remove() and clearFaults() end rules at once', async () => {
    const forever = local.injectFault({
      operation: 'ListUserPools',
      error: 'TooManyRequestsException',
      message: 'Too many requests',
      times: Infinity,
    });
    for (let i = 0; i < 3; i++) {
      expect(await thrown(client.send(new ListUserPoolsCommand({ MaxResults: 10 })))).toMatchObject({ name: 'TooManyRequestsException' });
    }
    expect(forever.fired).toBe(3);
    forever.remove();
    expect(forever.remaining).toBe(0);
    await client.send(new ListUserPoolsCommand({ MaxResults: 10 }));

    const cleared = local.injectFault({ operation: 'ListUserPools', error: 'TooManyRequestsException', times: 5 });
    local.clearFaults();
    expect(cleared.remaining).toBe(0);
    await client.send(new ListUserPoolsCommand({ MaxResults: 10 }));
  });

  it('serves an error name the SDK does not model under that name, with a default message', async () => {
    local.injectFault({ operation: 'ListUserPools', error: 'SomethingNewException' });
    const error = await thrown(client.send(new ListUserPoolsCommand({ MaxResults: 10 })));
    expect(error).toBeInstanceOf(CognitoIdentityProviderServiceException);
    expect(error.name).toBe('SomethingNewException');
    expect(error.message).toMatch(/SomethingNewException/);
  });

  it('answers InternalErrorException with HTTP 500, which the SDK retries by itself', async () => {
    // With retries off, the caller sees the server fault
    local.injectFault({ operation: 'ListUserPools', error: 'InternalErrorException', message: 'Internal error' });
    const error = await thrown(client.send(new ListUserPoolsCommand({ MaxResults: 10 })));
    expect(error).toMatchObject({ name: 'InternalErrorException', message: 'Internal error', $fault: 'server' });
    expect(error.$metadata.httpStatusCode).toBe(500);

    // With the SDK's default retries (as the Lambdas use), one such fault is absorbed
    const fault = local.injectFault({ operation: 'ListUserPools', error: 'InternalErrorException', message: 'Internal error' });
    const retrying = new CognitoIdentityProviderClient({
      endpoint: local.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      const answer = await retrying.send(new ListUserPoolsCommand({ MaxResults: 10 }));
      expect(answer.$metadata.attempts).toBe(2);
      expect(fault.fired).toBe(1);
    } finally {
      retrying.destroy();
    }
  });

  it('fires each of `times` exactly once under concurrent calls', async () => {
    local.injectFault({ operation: 'ListUserPools', error: 'TooManyRequestsException', times: 3 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => client.send(new ListUserPoolsCommand({ MaxResults: 10 }))));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
  });

  it('refuses rules that could never fire or make no sense', () => {
    expect(() => local.injectFault({ operation: 'CreateUserpool', error: 'InvalidParameterException' })).toThrow(/not a Cognito operation/);
    expect(() => local.injectFault({ operation: 'CreateUserPool', error: 'not a name' })).toThrow(/AWS error name/);
    expect(() => local.injectFault({ operation: 'CreateUserPool', error: 'InvalidParameterException', times: 0 })).toThrow(/times/);
    expect(() => local.injectFault({ operation: 'CreateUserPool', error: 'InvalidParameterException', times: 1.5 })).toThrow(/times/);
  });

  it('refuses a bad rule at start, before anything listens', async () => {
    await expect(startLocalCognito({ faults: [{ operation: 'Nope', error: 'InvalidParameterException' }] })).rejects.toThrow(
      /not a Cognito operation/,
    );
  });
});
