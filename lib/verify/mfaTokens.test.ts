import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  CognitoIdentityProviderClient,
  ConfirmDeviceCommand,
  DescribeUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  RevokeTokenCommand,
  UnsupportedOperationException,
  UserLambdaValidationException,
  type RespondToAuthChallengeCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { tokensFromMfaAnswer } from './mfaTokens';
import { computeSecretHash, forgetAppClient } from '../cognito/appClient';
import { captureLogs, jsonLines } from '../../tests/support/logCapture';
import { tokenIssuerInFile } from '../../tests/support/tokenIssuer';

/**
 * After an SMS_MFA answer gives tokens: refresh, verify the new ones, revoke (issue 17, item 7).
 * Cognito is mocked; the tokens are real RS256 JWTs verified against a JWKS served locally.
 */
const POOL = 'eu-west-1_abc';
const CLIENT_ID = 'client1abc';
const SECRET = 'client-secret-0123456789abcdefghijklmnopqrstuvwxyz';
// On a pool whose users sign in with their email, Cognito knows the user by a UUID, which is the
// access token's `username` claim; the run's username is the alias it signed in with.
const USER = { sub: '7f1c0a2e-1111-2222-3333-444455556666', username: '7f1c0a2e-1111-2222-3333-444455556666' };
const RUN = { userPoolId: POOL, clientId: CLIENT_ID, region: 'eu-west-1', username: 'synthetic+run-1@example.invalid' };
const REFRESH = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.first-refresh.iv.cipher.tag';
const ROTATED = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.rotated-refresh.iv.cipher.tag';

const cognito = mockClient(CognitoIdentityProviderClient);
const issuer = tokenIssuerInFile(POOL);

let first: { IdToken: string; AccessToken: string };
let refreshed: { IdToken: string; AccessToken: string };
const answer = (over: Record<string, unknown> = {}): RespondToAuthChallengeCommandOutput => ({
  $metadata: {},
  AuthenticationResult: { ...first, RefreshToken: REFRESH, ExpiresIn: 3600, TokenType: 'Bearer', ...over },
});
const describes = (client: Record<string, unknown> = {}) =>
  cognito.on(DescribeUserPoolClientCommand).resolves({ UserPoolClient: { ClientId: CLIENT_ID, UserPoolId: POOL, ...client } });
const aws = <E>(Type: new (o: { message: string; $metadata: object }) => E, message: string) => new Type({ message, $metadata: {} });

function expectNoSecrets(text: string) {
  for (const s of [REFRESH, ROTATED, SECRET, first.IdToken, first.AccessToken, refreshed.IdToken, refreshed.AccessToken])
    expect(text).not.toContain(s);
  expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
}

beforeEach(() => {
  cognito.reset();
  forgetAppClient('eu-west-1', POOL, CLIENT_ID);
  first = issuer.tokens(USER, CLIENT_ID);
  refreshed = issuer.tokens(USER, CLIENT_ID, { access: { jti: 'second' } });
  describes();
  cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { ...refreshed, ExpiresIn: 3600, TokenType: 'Bearer' } });
  cognito.on(RevokeTokenCommand).resolves({});
});

describe('tokensFromMfaAnswer: refresh and revoke', () => {
  it('refreshes with REFRESH_TOKEN_AUTH, verifies the new tokens, revokes the refresh token and reports only a summary', async () => {
    const out = await tokensFromMfaAnswer(answer(), RUN);

    expect(cognito).toHaveReceivedCommandWith(DescribeUserPoolClientCommand, { UserPoolId: POOL, ClientId: CLIENT_ID });
    // A client without a secret: no SECRET_HASH; the API reference lists no USERNAME for this flow.
    expect(cognito.commandCalls(InitiateAuthCommand)[0].args[0].input).toEqual({
      ClientId: CLIENT_ID,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: REFRESH },
    });
    expect(cognito.commandCalls(RevokeTokenCommand)[0].args[0].input).toEqual({ Token: REFRESH, ClientId: CLIENT_ID });
    expect(cognito).not.toHaveReceivedCommand(GetTokensFromRefreshTokenCommand);
    // Revoked only after the refresh: revoking first would make the refresh fail.
    const order = cognito.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('RevokeTokenCommand')).toBeGreaterThan(order.indexOf('InitiateAuthCommand'));
    expect(out).toMatchObject({
      sub: USER.sub,
      issuerVerified: true,
      refreshTokenIssued: true,
      expiresIn: 3600,
      refresh: { flow: 'REFRESH_TOKEN_AUTH', verified: true, rotated: false, revoked: true },
    });
    expect(out.refresh.notRevokedBecause).toBeUndefined();
    expectNoSecrets(JSON.stringify(out));
  });

  it('ignores NewDeviceMetadata (a pool that tracks devices): the same summary, no device confirmed, no device key reported', async () => {
    const deviceKey = 'eu-west-1_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    const out = await tokensFromMfaAnswer(answer({ NewDeviceMetadata: { DeviceKey: deviceKey, DeviceGroupKey: '-abcDEF' } }), RUN);
    expect(out).toEqual(await tokensFromMfaAnswer(answer(), RUN));
    expect(cognito).not.toHaveReceivedCommand(ConfirmDeviceCommand);
    expect(JSON.stringify(out)).not.toContain(deviceKey);
    expect(JSON.stringify(out)).not.toMatch(/DeviceKey|DeviceGroupKey/);
  });

  it('hashes the secret on refresh over the name Cognito knows the user by (the access token username), not the sign-in alias', async () => {
    describes({ ClientSecret: SECRET });
    await tokensFromMfaAnswer(answer(), RUN);
    const params = cognito.commandCalls(InitiateAuthCommand)[0].args[0].input.AuthParameters;
    expect(params).toEqual({ REFRESH_TOKEN: REFRESH, SECRET_HASH: computeSecretHash(SECRET, USER.username, CLIENT_ID) });
    expect(params!.SECRET_HASH).not.toBe(computeSecretHash(SECRET, RUN.username, CLIENT_ID));
    // RevokeToken takes the secret itself ("The client secret of the requested app client, if the client has a secret").
    expect(cognito.commandCalls(RevokeTokenCommand)[0].args[0].input).toEqual({
      Token: REFRESH,
      ClientId: CLIENT_ID,
      ClientSecret: SECRET,
    });
  });

  it('refreshes with GetTokensFromRefreshToken when the client rotates refresh tokens, and revokes the new refresh token', async () => {
    describes({ ClientSecret: SECRET, RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 } });
    cognito
      .on(GetTokensFromRefreshTokenCommand)
      .resolves({ AuthenticationResult: { ...refreshed, RefreshToken: ROTATED, ExpiresIn: 3600 } });

    const out = await tokensFromMfaAnswer(answer(), RUN);

    // "Refresh token rotation must be completed with GetTokensFromRefreshToken" (RefreshTokenRotationType).
    expect(cognito).not.toHaveReceivedCommand(InitiateAuthCommand);
    expect(cognito.commandCalls(GetTokensFromRefreshTokenCommand)[0].args[0].input).toEqual({
      RefreshToken: REFRESH,
      ClientId: CLIENT_ID,
      ClientSecret: SECRET,
    });
    // The submitted token dies after the grace period; the rotated one is the live session.
    expect(cognito.commandCalls(RevokeTokenCommand)[0].args[0].input).toEqual({
      Token: ROTATED,
      ClientId: CLIENT_ID,
      ClientSecret: SECRET,
    });
    expect(out.refresh).toEqual({ flow: 'GetTokensFromRefreshToken', verified: true, rotated: true, revoked: true });
    expectNoSecrets(JSON.stringify(out));
  });

  it('fails RefreshFailed carrying the AWS error name when Cognito refuses the refresh, and revokes nothing', async () => {
    cognito.on(InitiateAuthCommand).rejects(aws(NotAuthorizedException, `Invalid Refresh Token ${REFRESH}`));
    const error = (await tokensFromMfaAnswer(answer(), RUN).catch((e: Error) => e)) as Error & { awsErrorName?: string };
    expect(error).toMatchObject({ name: 'RefreshFailed', awsErrorName: 'NotAuthorizedException' });
    expect(error.message).toContain('REFRESH_TOKEN_AUTH');
    expect(error.message).toContain('NotAuthorizedException');
    // Cognito's own message is not repeated: nothing it could quote leaves the Lambda.
    expectNoSecrets(error.message);
    expect(cognito).not.toHaveReceivedCommand(RevokeTokenCommand);
  });

  it("keeps a pre token generation trigger's message on a refused refresh (UserLambdaValidationException)", async () => {
    cognito
      .on(InitiateAuthCommand)
      .rejects(aws(UserLambdaValidationException, 'PreTokenGeneration failed with error synthetic users blocked.'));
    await expect(tokensFromMfaAnswer(answer(), RUN)).rejects.toMatchObject({
      name: 'RefreshFailed',
      awsErrorName: 'UserLambdaValidationException',
      message: expect.stringContaining('synthetic users blocked'),
    });
  });

  it('fails RefreshFailed when the refresh answers without tokens, and when no refresh token was issued', async () => {
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { ExpiresIn: 3600 } });
    await expect(tokensFromMfaAnswer(answer(), RUN)).rejects.toMatchObject({ name: 'RefreshFailed', awsErrorName: 'NoTokens' });
    cognito.resetHistory();
    await expect(tokensFromMfaAnswer(answer({ RefreshToken: undefined }), RUN)).rejects.toMatchObject({ name: 'RefreshFailed' });
    expect(cognito).not.toHaveReceivedCommand(InitiateAuthCommand);
  });

  it('fails TokenInvalid when the refreshed tokens do not verify or name another user', async () => {
    refreshed = issuer.tokens(USER, CLIENT_ID, { id: { aud: 'otherClient' } });
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: refreshed });
    await expect(tokensFromMfaAnswer(answer(), RUN)).rejects.toMatchObject({ name: 'TokenInvalid' });

    refreshed = issuer.tokens({ sub: 'another-sub', username: 'another' }, CLIENT_ID);
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: refreshed });
    await expect(tokensFromMfaAnswer(answer(), RUN)).rejects.toMatchObject({
      name: 'TokenInvalid',
      message: expect.stringContaining('another user'),
    });
    expect(cognito).not.toHaveReceivedCommand(RevokeTokenCommand);
  });

  it('still passes when Cognito refuses to revoke (token revocation off), saying why, and logs only the error name', async () => {
    // "You can revoke a refresh token for a user pool client with token revocation enabled" (Revoking tokens).
    cognito.on(RevokeTokenCommand).rejects(aws(UnsupportedOperationException, `Token revocation is not enabled for client ${CLIENT_ID}`));
    const logs = captureLogs();
    let out;
    try {
      out = await tokensFromMfaAnswer(answer(), RUN);
    } finally {
      logs.restore();
    }
    expect(out.refresh).toEqual({
      flow: 'REFRESH_TOKEN_AUTH',
      verified: true,
      rotated: false,
      revoked: false,
      notRevokedBecause: 'UnsupportedOperationException',
    });
    const warn = jsonLines(logs.lines).find((l) => l.level === 'WARN');
    expect(warn).toMatchObject({ errorName: 'UnsupportedOperationException', flow: 'REFRESH_TOKEN_AUTH' });
    expectNoSecrets(logs.lines.join(''));
  });

  it('uses the stack Region (AWS_REGION) for run records written before Regions were recorded', async () => {
    const saved = process.env.AWS_REGION;
    // Not the pool id's prefix, so the test tells the two apart.
    process.env.AWS_REGION = 'us-west-2';
    try {
      const { region: _region, ...oldRecord } = RUN;
      await expect(tokensFromMfaAnswer(answer(), oldRecord)).resolves.toMatchObject({ refresh: { revoked: true } });
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
    for (const call of cognito.calls()) expect(await call.thisValue.config.region()).toBe('us-west-2');
  });
});
