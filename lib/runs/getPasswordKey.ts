import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { passwordKeyKey, runsTable } from './model';

/** The stack's password key (base64), or undefined before the first run created it. */
export async function getPasswordKey(): Promise<string | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: runsTable(), Key: passwordKeyKey, ConsistentRead: true }));
  return typeof Item?.key === 'string' ? Item.key : undefined;
}
