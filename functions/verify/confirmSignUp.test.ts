import { mockClient } from 'aws-sdk-client-mock';
import { mockPool } from '../../tests/support/cognitoPool';
import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CodeMismatchException,
  CognitoIdentityProviderClient,
  AdminSetUserMFAPreferenceCommand,
  ConfirmSignUpCommand,
  ExpiredCodeException,
} from '@aws-sdk/client-cognito-identity-provider';
import { computeSecretHash } from '../../lib/cognito/appClient';
import { confirmSignUp, handler } from './confirmSignUp';
import { PHONE, runItem } from '../../tests/support/verifyRun';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const CODE = '739154';
const run = runItem;

function expectNoSecrets(out: unknown) {
  const json = JSON.stringify(out);
  for (const s of [CODE, PHONE, '5555550100']) expect(json).not.toContain(s);
}

beforeEach(() => {
  ddb.reset();
  cognito.reset();
  mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc' });
  ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run() });
  ddb.on(UpdateCommand).resolves({ Attributes: { pk: `WAIT#${PHONE}`, runId: 'run-1', step: 'SIGN_UP', code: CODE, answered: true } });
  cognito.on(ConfirmSignUpCommand).resolves({});
});

describe('confirmSignUp', () => {
  it('takes this run’s SIGN_UP code from the wait item and confirms the user with it', async () => {
    const out = await confirmSignUp({ runId: 'run-1' });
    expect(out).toEqual({ confirmed: true, smsMfaTurnedOn: true });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: `WAIT#${PHONE}` },
      ExpressionAttributeValues: expect.objectContaining({ ':run': 'run-1', ':step': 'SIGN_UP', ':yes': true }),
    });
    expect(cognito.commandCalls(ConfirmSignUpCommand)[0].args[0].input).toEqual({
      ClientId: 'client1abc',
      Username: 'synthetic-run-1',
      ConfirmationCode: CODE,
    });
    expectNoSecrets(out);
  });

  it('fails with SmsCodeNotReceived when no code was delivered, without calling Cognito', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    await expect(confirmSignUp({ runId: 'run-1' })).rejects.toMatchObject({ name: 'SmsCodeNotReceived' });
    expect(cognito).not.toHaveReceivedCommand(ConfirmSignUpCommand);
  });

  it.each([
    [
      'CodeMismatchException',
      () => new CodeMismatchException({ message: 'Invalid verification code provided, please try again.', $metadata: {} }),
    ],
    [
      'ExpiredCodeException',
      () => new ExpiredCodeException({ message: 'Invalid code provided, please request a code again.', $metadata: {} }),
    ],
  ])('lets %s through by name (for Catch and the failure reason)', async (name, make) => {
    cognito.on(ConfirmSignUpCommand).rejects(make());
    const error = (await confirmSignUp({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
    expect(error.name).toBe(name);
    expect(error.message).not.toContain(CODE);
  });

  it('rejects a bad run id before any call', async () => {
    await expect(confirmSignUp({ runId: 'x/y' })).rejects.toMatchObject({ name: 'ValidationError', field: 'runId' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('as a Lambda handler, returns no code', async () => {
    expectNoSecrets(await handler({ runId: 'run-1' }, {} as never));
  });
});

describe('confirmSignUp on other pool and client shapes', () => {
  it('sends the SecretHash of a client with a secret, over the user name', async () => {
    mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc', secret: 'confirm-secret' });
    await confirmSignUp({ runId: 'run-1' });
    const { Username, SecretHash } = cognito.commandCalls(ConfirmSignUpCommand)[0]!.args[0].input;
    expect(SecretHash).toBe(computeSecretHash('confirm-secret', Username!, 'client1abc'));
  });

  it('on an MFA OPTIONAL pool turns SMS MFA on and preferred for the confirmed user', async () => {
    mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc', mfaConfiguration: 'OPTIONAL' });
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    await expect(confirmSignUp({ runId: 'run-1' })).resolves.toEqual({ confirmed: true, smsMfaTurnedOn: true });
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserMFAPreferenceCommand, {
      UserPoolId: 'us-east-1_abc',
      Username: run().username,
      SMSMfaSettings: { Enabled: true, PreferredMfa: true },
    });
  });

  it('on an MFA ON pool prefers SMS MFA too, so a pool also offering e-mail MFA or TOTP does not answer SELECT_MFA_TYPE', async () => {
    cognito.on(AdminSetUserMFAPreferenceCommand).resolves({});
    await expect(confirmSignUp({ runId: 'run-1' })).resolves.toEqual({ confirmed: true, smsMfaTurnedOn: true });
    expect(cognito).toHaveReceivedCommandWith(AdminSetUserMFAPreferenceCommand, {
      Username: run().username,
      SMSMfaSettings: { Enabled: true, PreferredMfa: true },
    });
  });

  it('on an MFA OFF pool changes no MFA preference', async () => {
    mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc', mfaConfiguration: 'OFF' });
    await expect(confirmSignUp({ runId: 'run-1' })).resolves.toEqual({ confirmed: true });
    expect(cognito.commandCalls(AdminSetUserMFAPreferenceCommand)).toHaveLength(0);
  });
});
