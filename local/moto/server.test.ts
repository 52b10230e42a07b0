import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MotoNotInstalledError, MotoStartError, startMoto, type MotoServer } from './server';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
let moto: MotoServer;
const clients: Array<{ destroy(): void }> = [];
function client<T extends { destroy(): void }>(C: new (cfg: object) => T): T {
  const c = new C({ endpoint: moto.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(c);
  return c;
}
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await moto.close();
});

/**
 * STS and SNS speak the query protocol; their SDK clients are not dependencies of this project,
 * so these two calls are made by hand. moto picks the service from the credential scope.
 */
async function query(service: string, params: Record<string, string>): Promise<{ status: number; body: string }> {
  const res = await fetch(moto.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: await res.text() };
}

const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: '',
      Effect: 'Allow',
      Principal: { Service: 'cognito-idp.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': '6f1c1d0e-3b7a-4b53-9d0c-1f2e3d4c5b6a' } },
    },
  ],
});

describe('IAM', () => {
  it('CreateRole / GetRole / duplicate / missing', async () => {
    const iam = client(IAMClient);
    const created = await iam.send(new CreateRoleCommand({ RoleName: 'MyUserPool-SMS-Role', AssumeRolePolicyDocument: TRUST_POLICY }));
    expect(created.Role?.Arn).toBe('arn:aws:iam::123456789012:role/MyUserPool-SMS-Role');
    const got = await iam.send(new GetRoleCommand({ RoleName: 'MyUserPool-SMS-Role' }));
    // Like IAM, moto returns the trust policy URL-encoded: decode before JSON.parse.
    const raw = got.Role!.AssumeRolePolicyDocument!;
    expect(raw.startsWith('%7B')).toBe(true);
    expect(JSON.parse(decodeURIComponent(raw))).toEqual(JSON.parse(TRUST_POLICY));
    await expect(
      iam.send(new CreateRoleCommand({ RoleName: 'MyUserPool-SMS-Role', AssumeRolePolicyDocument: TRUST_POLICY })),
    ).rejects.toMatchObject({
      name: 'EntityAlreadyExistsException',
    });
    await expect(iam.send(new GetRoleCommand({ RoleName: 'nope' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  });

  it('CreatePolicy, ListPolicies paging, AttachRolePolicy', async () => {
    const iam = client(IAMClient);
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sns:publish'], Resource: ['*'] }] });
    for (const n of [1, 2, 3]) await iam.send(new CreatePolicyCommand({ PolicyName: `extra-${n}`, PolicyDocument: doc }));
    const policy = await iam.send(new CreatePolicyCommand({ PolicyName: 'Cognito-SNS-Policy', PolicyDocument: doc }));
    expect(policy.Policy?.Arn).toBe('arn:aws:iam::123456789012:policy/Cognito-SNS-Policy');
    const names: string[] = [];
    let Marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 2, Marker }));
      names.push(...(page.Policies ?? []).map((p) => p.PolicyName!));
      Marker = page.IsTruncated ? page.Marker : undefined;
      pages++;
    } while (Marker);
    expect(names.sort()).toEqual(['Cognito-SNS-Policy', 'extra-1', 'extra-2', 'extra-3']);
    // moto quirk: the page that ends exactly on the last policy still says IsTruncated, so a
    // third, empty page follows (IAM would stop at 2). Paging loops must accept an empty page.
    expect(pages).toBe(3);
    await iam.send(new CreateRoleCommand({ RoleName: 'attach-me', AssumeRolePolicyDocument: TRUST_POLICY }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'attach-me', PolicyArn: policy.Policy!.Arn }));
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'attach-me' }));
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: 'Cognito-SNS-Policy', PolicyArn: policy.Policy!.Arn }]);
    await expect(iam.send(new AttachRolePolicyCommand({ RoleName: 'nope', PolicyArn: policy.Policy!.Arn }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
  });
});

it('STS GetCallerIdentity answers account 123456789012', async () => {
  const { status, body } = await query('sts', { Action: 'GetCallerIdentity', Version: '2011-06-15' });
  expect(status).toBe(200);
  expect(body).toContain('<Account>123456789012</Account>');
});

it('SNS Publish to a phone number returns a MessageId', async () => {
  const { status, body } = await query('sns', { Action: 'Publish', PhoneNumber: '+15555550100', Message: 'hello' });
  expect(status).toBe(200);
  expect(body).toMatch(/<MessageId>[0-9a-f-]{36}<\/MessageId>/);
});

it('DynamoDB CreateTable, conditional PutItem, UpdateTimeToLive', async () => {
  const ddb = client(DynamoDBClient);
  await ddb.send(
    new CreateTableCommand({
      TableName: 'runs',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    }),
  );
  const put = () =>
    ddb.send(
      new PutItemCommand({
        TableName: 'runs',
        Item: { pk: { S: 'phone#+15555550100' }, expiresAt: { N: '1700000000' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  await put();
  await expect(put()).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
  await ddb.send(
    new UpdateTimeToLiveCommand({ TableName: 'runs', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }),
  );
  const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: 'runs' }));
  expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
});

it('SSM PutParameter / GetParameter (SecureString)', async () => {
  const ssm = client(SSMClient);
  await ssm.send(new PutParameterCommand({ Name: '/check/hmac', Value: 's3cret', Type: 'SecureString' }));
  const out = await ssm.send(new GetParameterCommand({ Name: '/check/hmac', WithDecryption: true }));
  expect(out.Parameter).toMatchObject({ Name: '/check/hmac', Value: 's3cret', Type: 'SecureString' });
  await expect(ssm.send(new GetParameterCommand({ Name: '/missing' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
});

it('SecretsManager CreateSecret / GetSecretValue', async () => {
  const sm = client(SecretsManagerClient);
  const created = await sm.send(new CreateSecretCommand({ Name: 'callback-hmac', SecretString: 'k3y' }));
  expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:callback-hmac-[A-Za-z0-9]{6}$/);
  expect((await sm.send(new GetSecretValueCommand({ SecretId: 'callback-hmac' }))).SecretString).toBe('k3y');
  await expect(sm.send(new GetSecretValueCommand({ SecretId: 'missing' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
});

describe('lifecycle', () => {
  it('leaves no process behind after close', async () => {
    const m = await startMoto();
    const pids = await fetch(`${m.url}/moto-api/`).then(() => findPid(m.port));
    await m.close();
    await m.close();
    for (const pid of pids) expect(alive(pid)).toBe(false);
    await expect(fetch(`${m.url}/moto-api/`)).rejects.toThrow();
  });

  it('rejects with MotoNotInstalledError and the install hint when moto is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'no-moto-'));
    try {
      const err = await startMoto({ env: { PATH: empty } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MotoNotInstalledError);
      expect(err).toMatchObject({ name: 'MotoNotInstalledError' });
      expect((err as Error).message).toContain("pip install 'moto[server]>=5.2,<6'");
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('lifecycle, failures and signals', () => {
  it('reports a moto that dies on start with the tail of its output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bad-moto-'));
    try {
      await writeFile(join(dir, 'moto_server'), '#!/bin/sh\necho "Traceback: boom at start" >&2\nexit 3\n');
      await chmod(join(dir, 'moto_server'), 0o755);
      const err = await startMoto({ env: { PATH: dir } }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MotoStartError);
      expect((err as Error).message).toContain('Traceback: boom at start');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives the signal handlers back after close', async () => {
    const before = process.listenerCount('SIGTERM'); // the shared moto of this file may hold one
    const m = await startMoto();
    try {
      expect(process.listenerCount('SIGTERM')).toBe(Math.max(before, 1));
    } finally {
      await m.close();
    }
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  // 'exit': the parent simply ends (moto does not keep it alive); a signal: the parent is killed.
  it.each(['exit', 'SIGTERM', 'SIGINT', 'SIGHUP'] as const)('takes moto down when its parent process ends (%s)', async (how) => {
    const keepAlive = how === 'exit' ? 'setTimeout(() => {}, 300)' : 'setInterval(() => {}, 1000)';
    const script = `require(${JSON.stringify(join(__dirname, 'server.ts'))}).startMoto().then((m) => { console.log(m.port); ${keepAlive}; });`;
    const parent = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
      cwd: join(__dirname, '../..'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const ended = new Promise((resolve) => parent.once('exit', (code, sig) => resolve(sig ?? code)));
    const port = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    let pids: number[];
    try {
      pids = await findPid(port);
    } finally {
      if (how !== 'exit') parent.kill(how);
    }
    // With a signal the parent still dies of it, as it would without our handler.
    expect(await ended).toBe(how === 'exit' ? 0 : how);
    await new Promise((r) => setTimeout(r, 200));
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });
});

/** Running, as opposed to gone or a zombie (this container's init does not reap orphans). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The pids listening on the port (from /proc, Linux). */
async function findPid(port: number): Promise<number[]> {
  const { readFile, readdir, readlink } = await import('node:fs/promises');
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[3] === '0A') inodes.add(cols[9]!);
    }
  }
  const pids: number[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1]!)) pids.push(Number(pid));
    }
  }
  expect(pids.length).toBeGreaterThan(0);
  return [...new Set(pids)];
}
