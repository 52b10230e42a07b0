import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AdminDeleteUserCommand, CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { adminDeleteUser, handler } from './adminDeleteUser';

const cognito = mockClient(CognitoIdentityProviderClient);
beforeEach(() => cognito.reset());

describe('adminDeleteUser', () => {
  it('deletes the run’s synthetic user', async () => {
    cognito.on(AdminDeleteUserCommand).resolves({});
    const out = await adminDeleteUser({ userPoolId: 'us-east-1_abc', username: 'synthetic-run-1' });
    expect(out).toEqual({ deleted: true });
    expect(Object.keys(out)).toEqual(['deleted']);
    expect(cognito).toHaveReceivedCommandWith(AdminDeleteUserCommand, { UserPoolId: 'us-east-1_abc', Username: 'synthetic-run-1' });
  });

  it('never deletes the standing user of sign-in checks', async () => {
    const error = await adminDeleteUser({ userPoolId: 'us-east-1_abc', username: 'synthetic-standing-0123456789abcdef01234567' }).catch(
      (e: Error) => e,
    );
    expect(error).toMatchObject({ name: 'ValidationError', field: 'username' });
    expect(cognito.calls()).toHaveLength(0);
  });

  it('tolerates a user that does not exist (sign-up never happened)', async () => {
    cognito.on(AdminDeleteUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    await expect(adminDeleteUser({ userPoolId: 'us-east-1_abc', username: 'synthetic-run-1' })).resolves.toEqual({ deleted: false });
  });

  it('lets other errors through by name', async () => {
    cognito.on(AdminDeleteUserCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await expect(adminDeleteUser({ userPoolId: 'us-east-1_abc', username: 'synthetic-run-1' })).rejects.toMatchObject({
      name: 'TooManyRequestsException',
    });
  });

  it.each([['alice'], ['Synthetic-Run-1'], ['synthetic-'], ['synthetic-run 1'], ['xsynthetic-run-1']])(
    'refuses to delete a user that is not synthetic (%s), without calling Cognito',
    async (username) => {
      await expect(adminDeleteUser({ userPoolId: 'us-east-1_abc', username })).rejects.toMatchObject({
        name: 'ValidationError',
        field: 'username',
      });
      expect(cognito.calls()).toHaveLength(0);
    },
  );

  it('rejects a bad pool id', async () => {
    await expect(adminDeleteUser({ userPoolId: 'pool', username: 'synthetic-run-1' })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'userPoolId',
    });
    await expect(adminDeleteUser({ username: 'synthetic-run-1' })).rejects.toMatchObject({ name: 'ValidationError', field: 'userPoolId' });
  });

  it('as a Lambda handler, tolerates a missing user too', async () => {
    cognito.on(AdminDeleteUserCommand).rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }));
    await expect(handler({ userPoolId: 'us-east-1_abc', username: 'synthetic-run-1' }, {} as never)).resolves.toEqual({ deleted: false });
  });
});
