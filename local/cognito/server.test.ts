import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfirmSignUpCommand,
  CreateUserPoolReplicaCommand,
  InitiateAuthCommand,
  ListUserPoolsCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startLocalCognito } from './server';
import type { SentSms } from './fakePhone';
import { PASSWORD, PHONE, cognitoClient, createPoolAndClient, lastSms, signUpAndConfirm, smsMfaPoolInput } from './testing';

describe('startLocalCognito', () => {
  it('listens on a free loopback port with its own data folder, and cleans up on close', async () => {
    const local = await startLocalCognito();
    expect(local.url).toBe(`http://127.0.0.1:${local.port}`);
    expect(local.port).toBeGreaterThan(0);
    expect(existsSync(local.dataDir)).toBe(true);
    expect(await (await fetch(`${local.url}/health`)).json()).toEqual({ ok: true });
    const client = cognitoClient(local.url);
    await client.send(new ListUserPoolsCommand({ MaxResults: 10 })); // a kept-alive connection
    client.destroy();
    await local.close();
    await local.close(); // idempotent
    expect(existsSync(local.dataDir)).toBe(false);
    await expect(fetch(`${local.url}/health`)).rejects.toThrow();
  });

  it('two instances run side by side', async () => {
    const [a, b] = await Promise.all([startLocalCognito(), startLocalCognito()]);
    expect(a.port).not.toBe(b.port);
    expect(a.dataDir).not.toBe(b.dataDir);
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps a data folder it was given, and reloads its pools', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cognito-keep-'));
    try {
      const first = await startLocalCognito({ dataDir });
      // The Region the creating client signs for names the pool (fidelity/requestRegion.ts).
      const client = cognitoClient(first.url, 'eu-west-1');
      const { userPoolId } = await createPoolAndClient(client);
      await client.send(new CreateUserPoolReplicaCommand({ UserPoolId: userPoolId, RegionName: 'eu-north-1' }));
      client.destroy();
      await first.close();
      expect(existsSync(dataDir)).toBe(true);
      const second = await startLocalCognito({ dataDir });
      // Listed in its own Region (a us-east-1 client would not see it), with its replica kept too.
      const again = cognitoClient(second.url, 'eu-west-1');
      const pools = await again.send(new ListUserPoolsCommand({ MaxResults: 10 }));
      expect(pools.UserPools?.map((p) => [p.Id, p.ReplicaRegions])).toEqual([[userPoolId, ['eu-north-1']]]);
      expect(userPoolId).toMatch(/^eu-west-1_/);
      again.destroy();
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a port in use', async () => {
    const local = await startLocalCognito();
    await expect(startLocalCognito({ port: local.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await local.close();
  });
});

describe('the fake phone', () => {
  it('tells listeners about each SMS after the call that sent it has finished', async () => {
    const local = await startLocalCognito();
    const client = cognitoClient(local.url);
    const { userPoolId, clientId } = await createPoolAndClient(client);
    const heard: SentSms[] = [];
    const confirmations: Array<Promise<unknown>> = [];
    const stop = local.onSms((sms) => {
      heard.push(sms);
      // Answering at once must work: the user is saved before the SMS "arrives".
      if (sms.kind === 'SIGN_UP') {
        confirmations.push(
          client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: sms.username, ConfirmationCode: sms.code })),
        );
      }
    });
    local.onSms(() => {
      throw new Error('a broken listener must not break SignUp');
    });
    const before = Date.now();
    await client.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: 'user1',
        Password: PASSWORD,
        UserAttributes: [{ Name: 'phone_number', Value: PHONE }],
      }),
    );
    await Promise.all(confirmations);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toEqual({
      kind: 'SIGN_UP',
      phoneNumber: PHONE,
      code: expect.stringMatching(/^\d{6}$/),
      message: `Your verification code is ${heard[0]!.code}. `,
      userPoolId,
      username: 'user1',
      at: expect.any(Number),
      // Sent with the pool's SMS configuration in its Region (a replica's would name its own).
      region: 'us-east-1',
      snsCallerArn: smsMfaPoolInput().SmsConfiguration!.SnsCallerArn,
    });
    expect(heard[0]!.at).toBeGreaterThanOrEqual(before);
    expect(local.sent).toEqual(heard);

    stop();
    await client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'user1', PASSWORD } }),
    );
    expect(heard).toHaveLength(1);
    expect(local.sent.map((s) => s.kind)).toEqual(['SIGN_UP', 'MFA']);
    client.destroy();
    await local.close();
  });

  it('never writes a code or a password to stdout, stderr or the console', async () => {
    const written: string[] = [];
    const capture = (stream: NodeJS.WriteStream) =>
      jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        written.push(String(chunk));
        return true;
      });
    const spies = [
      capture(process.stdout),
      capture(process.stderr),
      ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
        jest.spyOn(console, m).mockImplementation((...args: unknown[]) => void written.push(args.join(' '))),
      ),
    ];
    try {
      const local = await startLocalCognito();
      const client = cognitoClient(local.url);
      const { clientId } = await createPoolAndClient(client);
      await signUpAndConfirm(local, client, clientId);
      await client.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'user1', PASSWORD } }),
      );
      const codes = local.sent.map((s) => s.code);
      expect(lastSms(local, 'MFA')).toBeDefined();
      client.destroy();
      await local.close();
      const all = written.join('\n');
      for (const secret of [...codes, PASSWORD, PHONE]) expect(all).not.toContain(secret);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });
});
