/**
 * The Cognito operations our provisioning and checks use, against the local cognito.
 * Each `it` says what works; quirks of cognito-local that we do not need fixed are noted inline.
 */
import {
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startLocalCognito, type LocalCognito } from './server';
import { PASSWORD, PHONE, cognitoClient, createPoolAndClient, signUpAndConfirm, smsMfaPoolInput } from './testing';

let local: LocalCognito;
let client: CognitoIdentityProviderClient;
let userPoolId: string;
let clientId: string;
beforeAll(async () => {
  local = await startLocalCognito();
  client = cognitoClient(local.url);
  ({ userPoolId, clientId } = await createPoolAndClient(client));
});
afterAll(async () => {
  client.destroy();
  await local.close();
});

it('CreateUserPool keeps SmsConfiguration, UsernameConfiguration, Schema, AutoVerifiedAttributes; DescribeUserPool returns them', async () => {
  const { UserPool: pool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  const input = smsMfaPoolInput();
  expect(pool).toMatchObject({
    Id: userPoolId,
    Name: 'MyUserPool',
    MfaConfiguration: 'ON',
    SmsConfiguration: input.SmsConfiguration,
    UsernameConfiguration: { CaseSensitive: false },
    AutoVerifiedAttributes: ['phone_number'],
    Policies: {
      PasswordPolicy: { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true },
    },
  });
  expect(pool?.SchemaAttributes?.find((a) => a.Name === 'phone_number')).toMatchObject({ Required: true });
  expect(pool?.CreationDate).toBeInstanceOf(Date);
  // Quirk (harmless): UsernameAttributes comes back as [] (our default), Cognito omits it.
});

it('DescribeUserPool of an unknown pool is ResourceNotFoundException', async () => {
  await expect(client.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_missing' }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
  });
});

it('CreateUserPoolClient keeps ExplicitAuthFlows, no secret; DescribeUserPoolClient and ListUserPoolClients find it', async () => {
  const { UserPoolClient: app } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
  expect(app).toMatchObject({
    ClientId: clientId,
    ClientName: 'MyUserPoolClient',
    UserPoolId: userPoolId,
    ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH'],
  });
  expect(app?.ClientSecret).toBeUndefined();
  const list = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId }));
  expect(list.UserPoolClients).toEqual([{ ClientId: clientId, ClientName: 'MyUserPoolClient', UserPoolId: userPoolId }]);
  await expect(client.send(new ListUserPoolClientsCommand({ UserPoolId: 'us-east-1_missing' }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
  });
});

it('ListUserPoolClients pages with MaxResults/NextToken', async () => {
  const { UserPool } = await client.send(new CreateUserPoolCommand(smsMfaPoolInput('Paged')));
  const poolId = UserPool!.Id!;
  for (const n of [1, 2, 3]) await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: `c${n}` }));
  const first = await client.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 2 }));
  expect(first.UserPoolClients).toHaveLength(2);
  const second = await client.send(new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 2, NextToken: first.NextToken }));
  expect(second.UserPoolClients).toHaveLength(1);
  expect(second.NextToken).toBeUndefined();
  const names = [...first.UserPoolClients!, ...second.UserPoolClients!].map((c) => c.ClientName).sort();
  expect(names).toEqual(['c1', 'c2', 'c3']);
  await client.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
});

it('ListUserPools finds the pool by name (the walkthrough`s jq select)', async () => {
  const out = await client.send(new ListUserPoolsCommand({ MaxResults: 10 }));
  expect(out.UserPools?.find((p) => p.Name === 'MyUserPool')?.Id).toBe(userPoolId);
  expect(out.UserPools?.[0]).toEqual({
    Id: expect.any(String),
    Name: expect.any(String),
    LambdaConfig: {},
    CreationDate: expect.any(Date),
    LastModifiedDate: expect.any(Date),
  });
});

it('AdminGetUser shows UNCONFIRMED then CONFIRMED; ListUsers lists; AdminDeleteUser deletes', async () => {
  await client.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: 'ops1',
      Password: PASSWORD,
      UserAttributes: [{ Name: 'phone_number', Value: PHONE }],
    }),
  );
  const before = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'ops1' }));
  expect(before.UserStatus).toBe('UNCONFIRMED');
  expect(before.UserAttributes).toEqual(
    expect.arrayContaining([
      { Name: 'phone_number', Value: PHONE },
      { Name: 'sub', Value: expect.any(String) },
    ]),
  );
  await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: 'ops1' }));
  await signUpAndConfirm(local, client, clientId, 'ops1');
  const after = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'OPS1' }));
  expect(after.UserStatus).toBe('CONFIRMED');
  const users = await client.send(new ListUsersCommand({ UserPoolId: userPoolId }));
  expect(users.Users?.map((u) => u.Username)).toContain('ops1');
  await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: 'ops1' }));
  await expect(client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: 'ops1' }))).rejects.toMatchObject({
    name: 'UserNotFoundException',
  });
  await expect(client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: 'ops1' }))).rejects.toMatchObject({
    name: 'UserNotFoundException',
  });
});

it('UpdateUserPool replaces the settings it is given (and, as in Cognito, resets those it is not)', async () => {
  const { UserPool } = await client.send(new CreateUserPoolCommand(smsMfaPoolInput('ToUpdate')));
  const poolId = UserPool!.Id!;
  await client.send(
    new UpdateUserPoolCommand({ UserPoolId: poolId, MfaConfiguration: 'OPTIONAL', SmsConfiguration: smsMfaPoolInput().SmsConfiguration }),
  );
  const { UserPool: updated } = await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  expect(updated?.MfaConfiguration).toBe('OPTIONAL');
  expect(updated?.UsernameConfiguration).toEqual({ CaseSensitive: false }); // immutable, kept
  // Quirk: AutoVerifiedAttributes not passed → removed (Cognito resets it too: pass every setting).
  expect(updated?.AutoVerifiedAttributes).toBeUndefined();
  await client.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
});

it('DeleteUserPoolClient and DeleteUserPool remove them', async () => {
  const { UserPool } = await client.send(new CreateUserPoolCommand(smsMfaPoolInput('ToDelete')));
  const poolId = UserPool!.Id!;
  const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'x' }));
  await client.send(new DeleteUserPoolClientCommand({ UserPoolId: poolId, ClientId: app.UserPoolClient!.ClientId! }));
  expect((await client.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }))).UserPoolClients).toEqual([]);
  await client.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
  const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  expect(pools.UserPools?.map((p) => p.Id)).not.toContain(poolId);
  await expect(client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).rejects.toMatchObject({
    name: 'ResourceNotFoundException',
  });
});
