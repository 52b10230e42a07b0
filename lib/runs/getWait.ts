import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients';
import { runsTable, waitKey, type WaitItem } from './model';

/** The phone's wait as it is now (which run, which step), or undefined when none is open or kept. */
export async function getWait(phone: string): Promise<WaitItem | undefined> {
  const { Item } = await dynamo().send(new GetCommand({ TableName: runsTable(), Key: waitKey(phone), ConsistentRead: true }));
  return Item as WaitItem | undefined;
}
