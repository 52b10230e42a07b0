import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AdminGetUserCommand, CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { adminGetUser, handler } from './adminGetUser';

const cognito = mockClient(CognitoIdentityProviderClient);
const PHONE = '+15555550100';
const input = (expectedStatus: unknown = 'UNCONFIRMED') => ({ userPoolId: 'us-east-1_abc', username: 'synthetic-run-1', expectedStatus });
const user = (UserStatus: string) => ({
  Username: 'synthetic-run-1',
  UserStatus: UserStatus as never,
  Enabled: true,
  UserAttributes: [
    { Name: 'phone_number', Value: PHONE },
    { Name: 'sub', Value: 'sub-123' },
  ],
});

beforeEach(() => cognito.reset());

describe('adminGetUser', () => {
  it.each([['UNCONFIRMED'], ['CONFIRMED']])('checks the user is %s and returns only the status', async (status) => {
    cognito.on(AdminGetUserCommand).resolves(user(status));
    const out = await adminGetUser(input(status));
    expect(out).toEqual({ status });
    expect(cognito).toHaveReceivedCommandWith(AdminGetUserCommand, { UserPoolId: 'us-east-1_abc', Username: 'synthetic-run-1' });
    // The user's attributes (the phone number) never reach the state.
    expect(JSON.stringify(out)).not.toContain('5555550100');
  });

  it('fails with UserStatusUnexpected when the status differs', async () => {
    cognito.on(AdminGetUserCommand).resolves(user('CONFIRMED'));
    await expect(adminGetUser(input('UNCONFIRMED'))).rejects.toMatchObject({
      name: 'UserStatusUnexpected',
      message: 'User status is CONFIRMED, expected UNCONFIRMED',
    });
    cognito.on(AdminGetUserCommand).resolves(user('FORCE_CHANGE_PASSWORD'));
    await expect(adminGetUser(input('CONFIRMED'))).rejects.toMatchObject({ name: 'UserStatusUnexpected' });
    cognito.on(AdminGetUserCommand).resolves({});
    await expect(adminGetUser(input('CONFIRMED'))).rejects.toMatchObject({
      name: 'UserStatusUnexpected',
      message: expect.stringContaining('unknown'),
    });
  });

  it('lets UserNotFoundException through by name', async () => {
    cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    await expect(adminGetUser(input())).rejects.toMatchObject({ name: 'UserNotFoundException' });
  });

  it.each<[unknown, string]>([
    [{ ...input(), expectedStatus: 'FORCE_CHANGE_PASSWORD' }, 'expectedStatus'],
    [{ ...input(), expectedStatus: undefined }, 'expectedStatus'],
    [{ ...input(), userPoolId: 'nope' }, 'userPoolId'],
    [{ ...input(), username: '' }, 'username'],
    [{ ...input(), username: 'has space' }, 'username'],
    [{ expectedStatus: 'CONFIRMED' }, 'userPoolId'],
  ])('rejects %j naming %s, before calling Cognito', async (event, field) => {
    await expect(adminGetUser(event)).rejects.toMatchObject({ name: 'ValidationError', field });
    expect(cognito.calls()).toHaveLength(0);
  });

  it('as a Lambda handler, fails with the error name and a one-line trace', async () => {
    cognito.on(AdminGetUserCommand).resolves(user('UNCONFIRMED'));
    const error = (await handler(input('CONFIRMED'), {} as never).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({
      name: 'UserStatusUnexpected',
      stack: 'UserStatusUnexpected: User status is UNCONFIRMED, expected CONFIRMED',
    });
  });
});
