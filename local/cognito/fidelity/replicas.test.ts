/**
 * Pools in several Regions, and multi-Region replicas of a pool. Sources:
 * - GUIDE: developer guide, "Multi-Region replication for user pools",
 *   https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-multi-region.html
 * - API: API reference, CreateUserPoolReplica / ListUserPoolReplicas / UpdateUserPoolReplica /
 *   DeleteUserPoolReplica / UpdateUserPool, https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/
 *   (the same text is in the SDK's types, @aws-sdk/client-cognito-identity-provider 3.1169.0)
 * What is assumed rather than documented is said at each test and in docs/replicas.md.
 */
import {
  AdminCreateUserCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  CreateUserPoolReplicaCommand,
  DeleteUserPoolReplicaCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  ListUserPoolReplicasCommand,
  ListUserPoolsCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
  UpdateUserPoolReplicaCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startLocalCognito, type LocalCognito } from '../server';
import { PASSWORD, PHONE, cognitoClient, createPoolAndClient, lastSms, replicatePool, signUpAndConfirm, smsMfaPoolInput } from '../testing';

let local: LocalCognito;
const clients: CognitoIdentityProviderClient[] = [];
/** A client signing for `region` at the cloud's single endpoint (admin calls are signed). */
const signedIn = (region: string) => keep(cognitoClient(local.url, region));
/** A client of one Region's endpoint: unsigned calls (InitiateAuth, SignUp) through it are that Region's. */
const endpointOf = (region: string) => keep(cognitoClient(local.regionUrl(region), region));
const keep = (c: CognitoIdentityProviderClient) => (clients.push(c), c);

beforeAll(async () => {
  local = await startLocalCognito();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await local.close();
});

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: Error) => ({ name: e.name, message: e.message }),
  );

/** A pool in us-east-1 with SMS MFA ON, a client, and a confirmed user signed up in the primary. */
async function primaryWithUser(name: string) {
  const us = signedIn('us-east-1');
  const ids = await createPoolAndClient(us, smsMfaPoolInput(name));
  await signUpAndConfirm(local, endpointOf('us-east-1'), ids.clientId);
  return ids;
}

describe('pools in several Regions', () => {
  // Cognito is regional: a pool belongs to the Region whose endpoint created it, its id is prefixed
  // with that Region (GUIDE and API examples: `us-east-1_abcd12345`), and other Regions' endpoints
  // do not know it (API reference, DescribeUserPool: ResourceNotFoundException).
  it('a pool created in eu-west-1 is eu-west-1_…, found there, and not in us-east-1', async () => {
    const eu = signedIn('eu-west-1');
    const created = await eu.send(new CreateUserPoolCommand(smsMfaPoolInput('EuPool')));
    const id = created.UserPool!.Id!;
    expect(id).toMatch(/^eu-west-1_[0-9a-zA-Z]+$/);
    expect(created.UserPool!.Arn).toBe(`arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${id}`);
    expect((await eu.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool?.Name).toBe('EuPool');
    // The Region's own endpoint, signed for another Region: the endpoint names the Region.
    expect(
      (await cognitoClient(local.regionUrl('eu-west-1'), 'us-east-1').send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool?.Id,
    ).toBe(id);

    expect(await errorOf(signedIn('us-east-1').send(new DescribeUserPoolCommand({ UserPoolId: id })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const listed = async (r: string) => (await signedIn(r).send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools!.map((p) => p.Id);
    expect(await listed('eu-west-1')).toContain(id);
    expect(await listed('us-east-1')).not.toContain(id);
  });
});

describe('CreateUserPoolReplica and ListUserPoolReplicas', () => {
  it('creates a SECONDARY replica with the same pool id, CREATING, then INACTIVE beside the ACTIVE PRIMARY', async () => {
    const { userPoolId } = await createPoolAndClient(signedIn('us-east-1'), smsMfaPoolInput('Replicated'));
    const us = signedIn('us-east-1');
    const created = await us.send(new CreateUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: 'eu-west-1' }));
    // API example response: Role SECONDARY, Status CREATING, ARN in the replica's Region naming the primary's id
    // (GUIDE: "separate user pools with a shared user pool ID").
    expect(created.UserPoolReplica).toEqual({
      RegionName: 'eu-west-1',
      Role: 'SECONDARY',
      Status: 'CREATING',
      UserPoolArn: `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${userPoolId}`,
    });
    // GUIDE: "New secondary user pools start in the INACTIVE state." ListUserPoolReplicas lists
    // "both primary and secondary replicas" (API; its example lists the primary ACTIVE/PRIMARY).
    const listed = await us.send(new ListUserPoolReplicasCommand({ UserPoolId: userPoolId }));
    expect(listed.UserPoolReplicas).toEqual([
      {
        RegionName: 'eu-west-1',
        Role: 'SECONDARY',
        Status: 'INACTIVE',
        UserPoolArn: `arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${userPoolId}`,
      },
      {
        RegionName: 'us-east-1',
        Role: 'PRIMARY',
        Status: 'ACTIVE',
        UserPoolArn: `arn:aws:cognito-idp:us-east-1:123456789012:userpool/${userPoolId}`,
      },
    ]);
    // The secondary Region lists it too (admin configuration works on an INACTIVE replica, API UserPoolReplicaType).
    expect((await signedIn('eu-west-1').send(new ListUserPoolReplicasCommand({ UserPoolId: userPoolId }))).UserPoolReplicas).toHaveLength(
      2,
    );
    // ListUserPools: "ReplicaRegions: A list of AWS Regions where replicas of this user pool exist" (API UserPoolDescriptionType).
    const inEu = (await signedIn('eu-west-1').send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools!.find(
      (p) => p.Id === userPoolId,
    );
    expect(inEu?.ReplicaRegions).toEqual(['eu-west-1']);
  });

  it('refuses its own Region, a second replica, a Lite pool, an unknown pool, and a call from the secondary', async () => {
    const us = signedIn('us-east-1');
    const { userPoolId } = await createPoolAndClient(us, smsMfaPoolInput('Once'));
    const replicate = (region: string, id = userPoolId, client = us) =>
      errorOf(client.send(new CreateUserPoolReplicaCommand({ UserPoolId: id, RegionName: region })));
    // Assumed name: a replica in the primary's own Region is an invalid parameter.
    expect(await replicate('us-east-1')).toMatchObject({ name: 'InvalidParameterException' });
    await us.send(new CreateUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: 'eu-west-1' }));
    // GUIDE: "Each user directory can have at most one secondary replica in another Region" (error name assumed).
    expect(await replicate('ap-south-1')).toMatchObject({ name: 'LimitExceededException' });
    // GUIDE: "requires your user pool to be on the Essentials or Plus feature plan"; CreateUserPoolReplica lists FeatureUnavailableInTierException.
    const lite = await createPoolAndClient(us, { ...smsMfaPoolInput('Lite'), UserPoolTier: 'LITE' });
    expect(await replicate('eu-west-1', lite.userPoolId)).toMatchObject({ name: 'FeatureUnavailableInTierException' });
    expect(await replicate('eu-west-1', 'us-east-1_doesNotExist')).toMatchObject({ name: 'ResourceNotFoundException' });
    // OperationNotEnabledException: "operations that are not supported in secondary replica regions" (API errors).
    expect(await replicate('ap-south-1', userPoolId, signedIn('eu-west-1'))).toMatchObject({ name: 'OperationNotEnabledException' });
  });

  it('without the fix cognito-local does not know the operation', async () => {
    const plain = await startLocalCognito({ fidelity: { replicas: false } });
    const c = cognitoClient(plain.url);
    try {
      const { userPoolId } = await createPoolAndClient(c);
      expect(await errorOf(c.send(new CreateUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: 'eu-west-1' })))).toMatchObject({
        name: 'Unsupported',
      });
    } finally {
      c.destroy();
      await plain.close();
    }
  });
});

describe('a secondary Region', () => {
  it('signs in a user of the primary with SMS_MFA sent through its own SMS configuration', async () => {
    const { userPoolId, clientId } = await primaryWithUser('SignInThere');
    await replicatePool(local, userPoolId, 'eu-west-1', { snsCallerArn: 'arn:aws:iam::123456789012:role/eu-sms' });
    const eu = endpointOf('eu-west-1');
    // GUIDE: "Each replica user pool hosts authentication services for a shared user directory" and
    // in failover "can handle authentication operations like user sign-in and token generation".
    const started = await eu.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'user1', PASSWORD } }),
    );
    expect(started.ChallengeName).toBe('SMS_MFA');
    const sms = lastSms(local, 'MFA');
    // GUIDE: SMS configuration is a Regional setting, configured independently in each replica.
    expect(sms).toMatchObject({
      region: 'eu-west-1',
      snsCallerArn: 'arn:aws:iam::123456789012:role/eu-sms',
      phoneNumber: PHONE,
      userPoolId,
    });
    const done = await eu.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'SMS_MFA',
        Session: started.Session,
        ChallengeResponses: { USERNAME: 'user1', SMS_MFA_CODE: sms.code },
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    // The primary still sends with its own role.
    await endpointOf('us-east-1').send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'user1', PASSWORD } }),
    );
    expect(lastSms(local, 'MFA')).toMatchObject({ region: 'us-east-1', snsCallerArn: smsMfaPoolInput().SmsConfiguration!.SnsCallerArn });
  });

  it('refuses SignUp and AdminCreateUser with OperationNotEnabledException', async () => {
    const { userPoolId, clientId } = await primaryWithUser('NoSignUpThere');
    await replicatePool(local, userPoolId, 'eu-west-1');
    // GUIDE: "You can't generate new users in secondary user pools, either through sign-up or
    // administrative creation." The error name: OperationNotEnabledException, which SignUp and
    // AdminCreateUser now list for "operations that are not supported in secondary replica regions" (API).
    const signUp = await errorOf(
      endpointOf('eu-west-1').send(
        new SignUpCommand({
          ClientId: clientId,
          Username: 'user2',
          Password: PASSWORD,
          UserAttributes: [{ Name: 'phone_number', Value: PHONE }],
        }),
      ),
    );
    expect(signUp.name).toBe('OperationNotEnabledException');
    expect(signUp.message).toContain('eu-west-1');
    const adminCreate = await errorOf(
      signedIn('eu-west-1').send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: 'user3' })),
    );
    expect(adminCreate.name).toBe('OperationNotEnabledException');
    // The primary still signs users up.
    await expect(
      endpointOf('us-east-1').send(
        new SignUpCommand({
          ClientId: clientId,
          Username: 'user2',
          Password: PASSWORD,
          UserAttributes: [{ Name: 'phone_number', Value: PHONE }],
        }),
      ),
    ).resolves.toMatchObject({ UserConfirmed: false });
  });

  it('keeps its Regional SMS configuration: set by UpdateUserPool there, returned by DescribeUserPool there only', async () => {
    const { userPoolId } = await primaryWithUser('RegionalSms');
    await replicatePool(local, userPoolId, 'eu-west-1', { snsCallerArn: null, activate: false });
    const eu = signedIn('eu-west-1');
    // Assumed: a new replica has no Regional SMS configuration of its own (GUIDE: review and
    // configure Regional settings before activating; they are not synchronized from the primary).
    expect((await eu.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool?.SmsConfiguration).toBeUndefined();
    // API UpdateUserPool: "In secondary regions ... regional configurations for email, SMS, Lambda
    // functions, and tags can be updated ... global settings required to match existing values".
    const sms = { SnsCallerArn: 'arn:aws:iam::123456789012:role/eu-only', ExternalId: 'eu', SnsRegion: 'eu-west-1' };
    await eu.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, SmsConfiguration: sms, MfaConfiguration: 'ON' }));
    const there = (await eu.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool!;
    expect(there.SmsConfiguration).toEqual(sms);
    expect(there.Arn).toBe(`arn:aws:cognito-idp:eu-west-1:123456789012:userpool/${userPoolId}`);
    expect(there.MfaConfiguration).toBe('ON');
    const home = (await signedIn('us-east-1').send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).UserPool!;
    expect(home.SmsConfiguration?.SnsCallerArn).toBe(smsMfaPoolInput().SmsConfiguration!.SnsCallerArn);
    const changeGlobal = await errorOf(
      eu.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, SmsConfiguration: sms, MfaConfiguration: 'OFF' })),
    );
    expect(changeGlobal.name).toBe('InvalidParameterException');
  });

  it('without a Regional SMS configuration, an SMS MFA sign-in there fails with InvalidSmsRoleAccessPolicyException', async () => {
    const { userPoolId, clientId } = await primaryWithUser('NoSmsThere');
    await replicatePool(local, userPoolId, 'eu-west-1', { snsCallerArn: null });
    const before = local.sent.length;
    // Assumed behaviour (docs/replicas.md): Cognito cannot send the code, as with an SMS role it
    // cannot use; InitiateAuth documents InvalidSmsRoleAccessPolicyException for that.
    const failed = await errorOf(
      endpointOf('eu-west-1').send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'user1', PASSWORD } }),
      ),
    );
    expect(failed.name).toBe('InvalidSmsRoleAccessPolicyException');
    expect(local.sent.length).toBe(before);
  });

  it('serves end users only when ACTIVE: INACTIVE refuses sign-in, CREATING is not there yet', async () => {
    const { userPoolId, clientId } = await primaryWithUser('Statuses');
    await replicatePool(local, userPoolId, 'eu-west-1', { activate: false });
    const signIn = () =>
      errorOf(
        endpointOf('eu-west-1').send(
          new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'user1', PASSWORD } }),
        ),
      );
    // API UserPoolReplicaType: INACTIVE "is not accepting requests for end-users. Administrator
    // configuration operations are supported." (error name assumed: OperationNotEnabledException).
    expect(await signIn()).toMatchObject({ name: 'OperationNotEnabledException' });
    await expect(signedIn('eu-west-1').send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }))).resolves.toBeDefined();

    // The test hook holds a status; a CREATING replica does not serve anything yet (assumed: not found).
    local.setReplicaStatus(userPoolId, 'eu-west-1', 'CREATING');
    expect(await errorOf(signedIn('eu-west-1').send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const list = async () =>
      (await signedIn('us-east-1').send(new ListUserPoolReplicasCommand({ UserPoolId: userPoolId }))).UserPoolReplicas!;
    expect((await list()).find((r) => r.Role === 'SECONDARY')?.Status).toBe('CREATING');
    expect(
      await errorOf(
        signedIn('us-east-1').send(new UpdateUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: 'eu-west-1', Status: 'ACTIVE' })),
      ),
    ).toMatchObject({ name: 'InvalidParameterException' });

    // UpdateUserPoolReplica "can be made in both primary and secondary regions" (API).
    local.setReplicaStatus(userPoolId, 'eu-west-1', 'INACTIVE');
    const activated = await signedIn('eu-west-1').send(
      new UpdateUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: 'eu-west-1', Status: 'ACTIVE' }),
    );
    expect(activated.UserPoolReplica?.Status).toBe('ACTIVE');
    const started = await endpointOf('eu-west-1').send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'user1', PASSWORD } }),
    );
    expect(started.ChallengeName).toBe('SMS_MFA');
  });

  it('DeleteUserPoolReplica: only INACTIVE, only from the primary; DELETING, then gone', async () => {
    const { userPoolId } = await createPoolAndClient(signedIn('us-east-1'), smsMfaPoolInput('Deleted'));
    await replicatePool(local, userPoolId, 'eu-west-1');
    const us = signedIn('us-east-1');
    const del = (client = us) => client.send(new DeleteUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: 'eu-west-1' }));
    // API: "You can only delete replicas that are in the INACTIVE status. This operation must be
    // called from the primary Region." (error names assumed).
    expect(await errorOf(del())).toMatchObject({ name: 'InvalidParameterException' });
    await us.send(new UpdateUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: 'eu-west-1', Status: 'INACTIVE' }));
    expect(await errorOf(del(signedIn('eu-west-1')))).toMatchObject({ name: 'OperationNotEnabledException' });
    expect((await del()).UserPoolReplica).toMatchObject({ RegionName: 'eu-west-1', Role: 'SECONDARY', Status: 'DELETING' });
    const listed = await us.send(new ListUserPoolReplicasCommand({ UserPoolId: userPoolId }));
    expect(listed.UserPoolReplicas?.map((r) => r.RegionName)).toEqual(['us-east-1']);
    expect(await errorOf(signedIn('eu-west-1').send(new DescribeUserPoolCommand({ UserPoolId: userPoolId })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
