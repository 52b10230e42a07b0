import { randomBytes } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import {
  DecryptCommand,
  DisabledException,
  GenerateDataKeyCommand,
  KMS,
  KMSClient,
  KMSInternalException,
  KMSInvalidStateException,
} from '@aws-sdk/client-kms';
import { decryptCode, isTransientKmsError, resetDecryptCodeForTests } from './decryptCode';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-0000-4000-8000-000000000001';
const OTHER_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1a2b3c4d-0000-4000-8000-000000000002';
const POOL = 'us-east-1_Abc123';
const CODE = '604213';
process.env.CUSTOM_SMS_SENDER_KEY_ARN = KEY;

const kms = mockClient(KMSClient);
// KMS as the keyring sees it: one data key per key ARN, "wrapped" as an opaque blob.
const dataKeys = new Map<string, Uint8Array>();
const wrapped = (keyId: string) => Buffer.from(`wrapped:${keyId}`);

/** What Cognito sends: the code encrypted with the Encryption SDK under the pool's key, bound to the pool. */
async function cognitoCiphertext(code = CODE, keyId = KEY, context: Record<string, string> = { 'userpool-id': POOL }): Promise<string> {
  const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const keyring = new KmsKeyringNode({ generatorKeyId: keyId, clientProvider: () => new KMS({ region: 'us-east-1' }) });
  const { result } = await encrypt(keyring, code, { encryptionContext: context });
  return result.toString('base64');
}

const kmsError = <T>(E: new (o: { message: string; $metadata: object }) => T, status: number) =>
  new E({ message: 'refused', $metadata: { httpStatusCode: status } });
/** KMS answers AccessDeniedException without a modelled class: as the SDK raises it. */
class AccessDeniedException extends Error {
  override name = 'AccessDeniedException';
  $metadata: object;
  constructor(o: { message: string; $metadata: object }) {
    super(o.message);
    this.$metadata = o.$metadata;
  }
}

beforeEach(() => {
  kms.reset();
  resetDecryptCodeForTests();
  kms.on(GenerateDataKeyCommand).callsFake(({ KeyId }) => {
    const key = dataKeys.get(KeyId) ?? new Uint8Array(randomBytes(32));
    dataKeys.set(KeyId, key);
    // Copies: the Encryption SDK wipes the data keys it is given once it has used them.
    return { KeyId, Plaintext: new Uint8Array(key), CiphertextBlob: wrapped(KeyId) };
  });
  kms.on(DecryptCommand).callsFake(({ KeyId, CiphertextBlob }) => {
    if (Buffer.compare(Buffer.from(CiphertextBlob), wrapped(KeyId)) !== 0) throw kmsError(KMSInvalidStateException, 400);
    return { KeyId, Plaintext: new Uint8Array(dataKeys.get(KeyId)!) };
  });
});

describe('decryptCode', () => {
  it('decrypts what Cognito encrypted under the configured key', async () => {
    await expect(decryptCode(await cognitoCiphertext(), { userPoolId: POOL })).resolves.toBe(CODE);
    expect(kms).toHaveReceivedCommandWith(DecryptCommand, {
      KeyId: KEY,
      EncryptionContext: expect.objectContaining({ 'userpool-id': POOL }),
    });
  });

  it('decrypts messages without key commitment too (REQUIRE_ENCRYPT_ALLOW_DECRYPT)', async () => {
    const { encrypt } = buildClient(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
    const keyring = new KmsKeyringNode({ generatorKeyId: KEY, clientProvider: () => new KMS({ region: 'us-east-1' }) });
    const { result } = await encrypt(keyring, CODE);
    await expect(decryptCode(result.toString('base64'))).resolves.toBe(CODE);
  });

  it('refuses a ciphertext of another key without asking KMS (DecryptFailed)', async () => {
    const other = await cognitoCiphertext(CODE, OTHER_KEY);
    kms.resetHistory();
    await expect(decryptCode(other)).rejects.toMatchObject({ name: 'DecryptFailed', message: expect.stringContaining('another KMS key') });
    expect(kms).not.toHaveReceivedCommand(DecryptCommand);
  });

  it.each([
    ['not base64', '!!not base64!!'],
    ['empty', ''],
    ['too long', 'A'.repeat(20_000)],
    ['not an Encryption SDK message', Buffer.from('hello, this is no ciphertext').toString('base64')],
  ])('refuses a code that is %s (DecryptFailed)', async (_what, ciphertext) => {
    await expect(decryptCode(ciphertext)).rejects.toMatchObject({ name: 'DecryptFailed' });
  });

  it('refuses a tampered ciphertext (DecryptFailed)', async () => {
    const bytes = Buffer.from(await cognitoCiphertext(), 'base64');
    bytes[bytes.length - 20] ^= 0x01;
    await expect(decryptCode(bytes.toString('base64'))).rejects.toMatchObject({ name: 'DecryptFailed' });
  });

  it('refuses a code bound to another user pool (DecryptFailed)', async () => {
    await expect(
      decryptCode(await cognitoCiphertext(CODE, KEY, { 'userpool-id': 'us-east-1_Other9' }), { userPoolId: POOL }),
    ).rejects.toMatchObject({
      name: 'DecryptFailed',
      message: expect.stringContaining('us-east-1_Other9'),
    });
  });

  it.each([
    ['AccessDeniedException', kmsError(AccessDeniedException, 400)],
    ['DisabledException', kmsError(DisabledException, 400)],
    ['KMSInvalidStateException', kmsError(KMSInvalidStateException, 400)],
  ])('turns KMS %s into DecryptFailed: a retry cannot mend it', async (name, error) => {
    const ciphertext = await cognitoCiphertext();
    kms.on(DecryptCommand).rejects(error);
    const failure = await decryptCode(ciphertext).catch((e: Error) => e);
    expect(failure).toMatchObject({ name: 'DecryptFailed', message: expect.stringContaining(name) });
  });

  it.each([
    ['ThrottlingException', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })],
    ['KMSInternalException', kmsError(KMSInternalException, 500)],
    ['a network failure', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })],
  ])('rethrows %s as raised, so the invocation is retried', async (_what, error) => {
    const ciphertext = await cognitoCiphertext();
    kms.on(DecryptCommand).rejects(error);
    await expect(decryptCode(ciphertext)).rejects.toBe(error);
  });

  it('never puts the code in the error it throws', async () => {
    const ciphertext = await cognitoCiphertext();
    kms.on(DecryptCommand).rejects(kmsError(AccessDeniedException, 400));
    const failure = (await decryptCode(ciphertext).catch((e: Error) => e)) as Error;
    expect(`${failure.message} ${failure.stack}`).not.toContain(CODE);
  });
});

describe('isTransientKmsError', () => {
  it('tells throttling, 5xx and network failures from refusals', () => {
    expect(isTransientKmsError(kmsError(KMSInternalException, 500))).toBe(true);
    expect(isTransientKmsError({ name: 'SomethingNew', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isTransientKmsError({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })).toBe(true);
    expect(isTransientKmsError(new Error('socket hang up'))).toBe(true);
    expect(isTransientKmsError(kmsError(AccessDeniedException, 400))).toBe(false);
    expect(isTransientKmsError(kmsError(DisabledException, 400))).toBe(false);
  });
});
