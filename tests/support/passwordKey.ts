import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { clearPasswordKeyCache } from '../../lib/verify/password';

/** The password key the unit tests' runs table holds (lib/verify/password.ts reads it once per container). */
export const TEST_PASSWORD_KEY = 'dGVzdC1wYXNzd29yZC1rZXktMzItYnl0ZXMtbG9uZy4uLg==';

/** Serves the password key item from a mocked DynamoDB document client; call after its reset(). */
export function mockPasswordKey(ddb: AwsStub<any, any, any>): void {
  clearPasswordKeyCache();
  ddb
    .on(GetCommand, { Key: { pk: 'KEY#synthetic-passwords' } })
    .resolves({ Item: { pk: 'KEY#synthetic-passwords', key: TEST_PASSWORD_KEY } });
}
