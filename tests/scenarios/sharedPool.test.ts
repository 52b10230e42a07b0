import { AdminCreateUserCommand, CognitoIdentityProviderClient, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ScenarioCloud } from './harness';

/**
 * In custom-sender mode Cognito sends no SMS: the stack's sender forwards a real user's code only
 * when the stage has a forward number (forwardOriginationPhoneNumberId), else drops it. So
 * provisioning must not switch a pool that real users sign in to on a stage that forwards nothing:
 * it would lock them out of sign-up and MFA. A pool that only the checks use is switched.
 */
let s: ScenarioCloud;
let cognito: CognitoIdentityProviderClient;
beforeAll(async () => {
  // The local cloud forwards from its own End User Messaging number unless told otherwise.
  s = await ScenarioCloud.start({ params: { customSmsSender: 'true', forwardOriginationPhoneNumberId: '' } });
  cognito = new CognitoIdentityProviderClient({});
}, 60_000);
afterAll(async () => {
  cognito?.destroy();
  await s?.close();
});

/** Provisions a pool in the default mode (Cognito sends SMS) and gives it users of these names. */
async function poolWithUsers(userPoolName: string, usernames: string[]): Promise<string> {
  const run = await s.run('provision', { userPoolName });
  expect(run.status).toBe('SUCCEEDED');
  const { userPoolId } = JSON.parse(run.output!) as { userPoolId: string };
  for (const Username of usernames) {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'phone_number', Value: '+12065550142' }],
      }),
    );
  }
  return userPoolId;
}

const customSender = async (userPoolId: string) =>
  (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool?.LambdaConfig?.CustomSMSSender;

describe('switching a pool to the Custom SMS Sender on a stage that forwards no codes', () => {
  it('is refused with RealUsersWouldLoseSms when the pool has a real user, naming the param; the pool keeps sending SMS', async () => {
    const userPoolId = await poolWithUsers('SharedPool', ['synthetic-standing-0a1b2c', 'alice']);
    const run = await s.run('provision', { userPoolName: 'SharedPool', smsSender: 'custom-sender' });
    expect(run).toMatchObject({ status: 'FAILED', error: 'RealUsersWouldLoseSms' });
    const message = JSON.parse(run.cause!).errorMessage as string;
    expect(message).toContain('forwardOriginationPhoneNumberId');
    expect(message).not.toContain('alice');
    expect(await customSender(userPoolId)).toBeUndefined();
  });

  it("goes ahead on a pool that holds only the checks' own users", async () => {
    const userPoolId = await poolWithUsers('ChecksOnlyPool', ['synthetic-standing-0a1b2c', 'synthetic-verify-1']);
    const run = await s.run('provision', { userPoolName: 'ChecksOnlyPool', smsSender: 'custom-sender' });
    expect(run.status).toBe('SUCCEEDED');
    expect(await customSender(userPoolId)).toMatchObject({ LambdaVersion: 'V1_0' });
  });
});
