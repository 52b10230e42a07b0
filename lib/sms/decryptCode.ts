import { AsyncLocalStorage } from 'node:async_hooks';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { getClient, KmsKeyringNode } from '@aws-crypto/kms-keyring-node';
import { CommitmentPolicy } from '@aws-crypto/material-management-node';
import { KMS } from '@aws-sdk/client-kms';
import { envOnce } from '../env';
import { awsErrorName, isTransientAwsError, NamedError } from '../errors';

/** The KMS key Cognito encrypts the pool's codes under (the pool's `LambdaConfig.KMSKeyID`). */
const keyArn = envOnce('CUSTOM_SMS_SENDER_KEY_ARN');

/**
 * A Cognito ciphertext (one data key, a signature, the `userpool-id` context) is well under 1 KiB
 * of base64; anything far larger is not Cognito's and is refused before KMS is asked.
 */
export const MAX_CIPHERTEXT_CHARS = 16 * 1024;
/** Codes are digits; a temporary password (AdminCreateUser) is at most 256 characters. */
const MAX_PLAINTEXT_BYTES = 1024;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** KMS failures worth retrying (throttling, KMS 5xx, network); AccessDenied, a disabled key or another key's ciphertext are not. */
export const isTransientKmsError = isTransientAwsError;

// The Encryption SDK folds every KMS error into one plain Error whose message concatenates their
// stacks, so the AWS error names are gone by the time `decrypt` throws. The client below records
// each KMS failure in the store of the decryption under way, which classifies them.
const kmsFailures = new AsyncLocalStorage<unknown[]>();

type DecryptArgs = Parameters<KMS['decrypt']>[0];
const kmsClients = new Map<string, KMS>();

/**
 * One KMS client per region per container, endpoint and credentials from the environment
 * (AWS_ENDPOINT_URL_KMS locally). The aggregated `KMS` client is what the keyring calls
 * (`client.decrypt(...)`); a bare `KMSClient` has no such methods.
 */
function kmsClientFor(region: string): KMS {
  let client = kmsClients.get(region);
  if (!client) {
    const created = getClient(KMS, {})(region) as KMS;
    const decrypt = created.decrypt.bind(created) as (args: DecryptArgs) => ReturnType<KMS['decrypt']>;
    Object.assign(created, {
      decrypt: async (args: DecryptArgs) => {
        try {
          return await decrypt(args);
        } catch (error) {
          kmsFailures.getStore()?.push(error);
          throw error;
        }
      },
    });
    client = created;
    kmsClients.set(region, client);
  }
  return client;
}

let sdk: { keyArn: string; keyring: KmsKeyringNode; decrypt: ReturnType<typeof buildDecrypt>['decrypt'] } | undefined;

/**
 * Keyring and client once per container. Strict: only data keys encrypted under the configured
 * key are tried (a ciphertext naming another key is refused without a KMS call). Commitment:
 * decrypt what Cognito sends whichever suite it chose; Cognito encrypts one data key, so a message
 * carrying many is not Cognito's.
 */
function encryptionSdk() {
  const arn = keyArn();
  if (sdk?.keyArn !== arn) {
    const { decrypt } = buildDecrypt({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, maxEncryptedDataKeys: 5 });
    sdk = { keyArn: arn, keyring: new KmsKeyringNode({ keyIds: [arn], clientProvider: kmsClientFor }), decrypt };
  }
  return sdk;
}

export interface DecryptOptions {
  /**
   * The pool the event names. Cognito binds each ciphertext to its pool with the encryption
   * context `userpool-id`; a ciphertext bound to another pool is refused. (Checked only when the
   * context carries the key.)
   */
  userPoolId?: string;
}

/**
 * Decrypts the code in a Custom SMS Sender event (`request.code`: base64 of an AWS Encryption SDK
 * message, KMS keyring, key CUSTOM_SMS_SENDER_KEY_ARN).
 *
 * Failures that no retry can mend — not base64, not an Encryption SDK message, encrypted under
 * another key, tampered, AccessDenied, a disabled or deleted key — throw `DecryptFailed` (the
 * message says why, never the ciphertext or the plaintext). Transient KMS failures (throttling,
 * KMS 5xx, network) are rethrown as the SDK raised them, name intact, so that the invocation is
 * retried.
 */
export async function decryptCode(ciphertext: string, options: DecryptOptions = {}): Promise<string> {
  if (ciphertext.length === 0 || ciphertext.length > MAX_CIPHERTEXT_CHARS || !BASE64.test(ciphertext)) {
    throw new NamedError(
      'DecryptFailed',
      `the code is not base64 of at most ${MAX_CIPHERTEXT_CHARS} characters (got ${ciphertext.length})`,
    );
  }
  const { keyring, decrypt } = encryptionSdk();
  const failures: unknown[] = [];
  let result: Awaited<ReturnType<typeof decrypt>>;
  try {
    result = await kmsFailures.run(failures, () => decrypt(keyring, Buffer.from(ciphertext, 'base64')));
  } catch (error) {
    const transient = failures.find(isTransientKmsError);
    if (transient !== undefined) throw transient;
    const kmsNames = failures.map((f) => awsErrorName(f) ?? 'Error');
    const why = kmsNames.length
      ? `KMS refused to decrypt the data key (${[...new Set(kmsNames)].join(', ')})`
      : `the ciphertext cannot be decrypted with this key: ${firstLine(error)}`;
    throw new NamedError('DecryptFailed', why, { cause: failures[0] ?? error });
  }

  const context = result.messageHeader.encryptionContext as Record<string, string>;
  const boundTo = context['userpool-id'];
  if (options.userPoolId !== undefined && boundTo !== undefined && boundTo !== options.userPoolId) {
    throw new NamedError('DecryptFailed', `the code was encrypted for user pool ${boundTo}, not ${options.userPoolId}`);
  }
  const bytes = result.plaintext;
  const text = bytes.toString('utf8');
  if (bytes.length === 0 || bytes.length > MAX_PLAINTEXT_BYTES || !Buffer.from(text, 'utf8').equals(bytes)) {
    throw new NamedError(
      'DecryptFailed',
      `the decrypted payload is not a code (${bytes.length} bytes, not UTF-8 text of at most ${MAX_PLAINTEXT_BYTES})`,
    );
  }
  return text;
}

/** The Encryption SDK's reason (e.g. "Invalid Signature"), without the stacks it may concatenate. */
function firstLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0].trim();
  // What the keyring says when no data key in the message is encrypted under the configured key.
  if (message === 'unencryptedDataKey has not been set') return 'it was encrypted under another KMS key';
  return message.slice(0, 200);
}

/** Tests only: forget the container's keyring and clients (the key ARN or endpoint changed). */
export function resetDecryptCodeForTests(): void {
  sdk = undefined;
  kmsClients.clear();
}
