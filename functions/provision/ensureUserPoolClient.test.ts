import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AUTH_FLOWS, ensureUserPoolClient } from './ensureUserPoolClient';

const cognito = mockClient(CognitoIdentityProviderClient);
const input = { userPoolId: 'us-east-1_abc', clientName: 'MyUserPoolClient' };
beforeEach(() => cognito.reset());

describe('ensureUserPoolClient', () => {
  it('creates a public client with the four auth flows', async () => {
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [] });
    cognito.on(CreateUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'c1' } });
    await expect(ensureUserPoolClient(input)).resolves.toEqual({ clientId: 'c1', created: true, drift: [] });
    expect(cognito).toHaveReceivedCommandWith(CreateUserPoolClientCommand, {
      UserPoolId: 'us-east-1_abc',
      ClientName: 'MyUserPoolClient',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH'],
    });
  });

  it('finds the client on a later page and creates nothing', async () => {
    cognito
      .on(ListUserPoolClientsCommand)
      .resolvesOnce({ UserPoolClients: [{ ClientId: 'c0', ClientName: 'Other' }], NextToken: 'n' })
      .resolvesOnce({ UserPoolClients: [{ ClientId: 'c1', ClientName: 'MyUserPoolClient' }] });
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'c1', ExplicitAuthFlows: AUTH_FLOWS } });
    await expect(ensureUserPoolClient(input)).resolves.toEqual({ clientId: 'c1', created: false, drift: [] });
    expect(cognito).not.toHaveReceivedCommand(CreateUserPoolClientCommand);
  });

  it('reports a reused client that lacks a flow or has a secret', async () => {
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'c1', ClientName: 'MyUserPoolClient' }] });
    cognito
      .on(DescribeUserPoolClientCommand)
      .resolves({ UserPoolClient: { ClientId: 'c1', ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'], ClientSecret: 's' } });
    const { drift } = await ensureUserPoolClient(input);
    expect(drift).toEqual([
      'ALLOW_USER_PASSWORD_AUTH is not allowed: checks with --auth-flow password (USER_PASSWORD_AUTH) cannot sign in',
      'ALLOW_USER_SRP_AUTH is not allowed: checks with --auth-flow srp (USER_SRP_AUTH, as Amplify apps sign in) cannot sign in',
      expect.stringContaining('secret'),
    ]);
  });

  it('does not ask for ALLOW_CUSTOM_AUTH, which no check uses', async () => {
    cognito.on(ListUserPoolClientsCommand).resolves({ UserPoolClients: [{ ClientId: 'c1', ClientName: 'MyUserPoolClient' }] });
    const flows = ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH'] as const;
    cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: 'c1', ExplicitAuthFlows: [...flows] } });
    await expect(ensureUserPoolClient(input)).resolves.toEqual({ clientId: 'c1', created: false, drift: [] });
  });

  it('fails with DuplicateUserPoolClientName when the name is ambiguous', async () => {
    cognito.on(ListUserPoolClientsCommand).resolves({
      UserPoolClients: [
        { ClientId: 'c1', ClientName: 'MyUserPoolClient' },
        { ClientId: 'c2', ClientName: 'MyUserPoolClient' },
      ],
    });
    await expect(ensureUserPoolClient(input)).rejects.toMatchObject({
      name: 'DuplicateUserPoolClientName',
      message: expect.stringContaining('c1, c2'),
    });
  });

  it('rejects a malformed pool id', async () => {
    await expect(ensureUserPoolClient({ ...input, userPoolId: 'nope' })).rejects.toMatchObject({
      name: 'ValidationError',
      field: 'userPoolId',
    });
  });
});
