import { mockClient } from 'aws-sdk-client-mock';
import { mockPool } from '../../tests/support/cognitoPool';
import 'aws-sdk-client-mock-jest';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  CognitoIdentityProviderClient,
  InvalidPasswordException,
  SignUpCommand,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { handler, signUp } from './signUp';
import { syntheticPassword } from '../../lib/verify/password';
import { PHONE, runItem } from '../../tests/support/verifyRun';
import { mockPasswordKey } from '../../tests/support/passwordKey';

process.env.RUNS_TABLE = 'runs-test';

const ddb = mockClient(DynamoDBDocumentClient);
const cognito = mockClient(CognitoIdentityProviderClient);
const MASKED = '+*******0100';
const NOW = 1_750_000_000_000;
const run = runItem;
let order: string[];

async function expectNoSecrets(out: unknown) {
  const json = JSON.stringify(out);
  expect(json).not.toContain(await syntheticPassword('run-1'));
  expect(json).not.toContain(PHONE);
  expect(json).not.toContain('5555550100');
}

beforeEach(() => {
  ddb.reset();
  mockPasswordKey(ddb);
  cognito.reset();
  mockPool(cognito, { userPoolId: 'us-east-1_abc', clientId: 'client1abc' });
  order = [];
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  ddb.on(GetCommand, { Key: { pk: 'RUN#run-1' } }).resolves({ Item: run() });
  ddb.on(GetCommand, { Key: { pk: `WAIT#${PHONE}` } }).resolves({});
  ddb.on(PutCommand).callsFake(() => {
    order.push('registerWait');
    return {};
  });
  cognito.on(SignUpCommand).callsFake(() => {
    order.push('SignUp');
    return {
      UserConfirmed: false,
      UserSub: 'sub-123',
      CodeDeliveryDetails: { Destination: '+*******0100', DeliveryMedium: 'SMS', AttributeName: 'phone_number' },
    };
  });
});
afterEach(() => jest.restoreAllMocks());

describe('signUp', () => {
  it('opens the SIGN_UP wait, then signs up with the derived password and the phone attribute', async () => {
    const out = await signUp({ runId: 'run-1' });
    expect(order).toEqual(['registerWait', 'SignUp']);
    expect(cognito).toHaveReceivedCommandTimes(SignUpCommand, 1);
    expect(cognito.commandCalls(SignUpCommand)[0].args[0].input).toEqual({
      ClientId: 'client1abc',
      Username: 'synthetic-run-1',
      Password: await syntheticPassword('run-1'),
      UserAttributes: [{ Name: 'phone_number', Value: PHONE }],
    });
    const wait = ddb.commandCalls(PutCommand)[0].args[0].input.Item;
    expect(wait).toMatchObject({
      pk: `WAIT#${PHONE}`,
      runId: 'run-1',
      step: 'SIGN_UP',
      expiresAt: NOW + 300_000,
      userPoolId: 'us-east-1_abc',
      username: 'synthetic-run-1',
    });
    expect(out).toEqual({
      userConfirmed: false,
      userSub: 'sub-123',
      codeDelivery: { destination: MASKED, medium: 'SMS', attribute: 'phone_number' },
    });
    await expectNoSecrets(out);
  });

  it('masks the destination itself, whatever Cognito returns', async () => {
    cognito
      .on(SignUpCommand)
      .resolves({ UserConfirmed: false, UserSub: 's', CodeDeliveryDetails: { Destination: PHONE, DeliveryMedium: 'SMS' } });
    const out = await signUp({ runId: 'run-1' });
    expect(out.codeDelivery.destination).toBe(MASKED);
    await expectNoSecrets(out);
  });

  it('copes with a response without delivery details', async () => {
    cognito.on(SignUpCommand).resolves({});
    await expect(signUp({ runId: 'run-1' })).resolves.toEqual({ userConfirmed: false, userSub: '', codeDelivery: { destination: MASKED } });
  });

  it.each([
    ['UsernameExistsException', () => new UsernameExistsException({ message: 'User already exists', $metadata: {} })],
    ['InvalidPasswordException', () => new InvalidPasswordException({ message: 'Password did not conform with policy', $metadata: {} })],
  ])('lets %s through by name, without the password in the message', async (name, make) => {
    cognito.on(SignUpCommand).rejects(make());
    const error = (await signUp({ runId: 'run-1' }).catch((e: Error) => e)) as Error;
    expect(error.name).toBe(name);
    expect(error.message).not.toContain(await syntheticPassword('run-1'));
  });

  it('rejects a bad run id before any call', async () => {
    await expect(signUp({ runId: '' })).rejects.toMatchObject({ name: 'ValidationError', field: 'runId' });
    expect(cognito.calls()).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
  });

  it('as a Lambda handler, returns no secret', async () => {
    await expectNoSecrets(await handler({ runId: 'run-1' }, {} as never));
  });
});
