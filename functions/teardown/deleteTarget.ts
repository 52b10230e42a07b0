import { DeleteParameterCommand } from '@aws-sdk/client-ssm';
import { ssm } from '../../lib/clients';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { TARGET_NAME } from '../../lib/names';
import { targetParameterName } from '../../lib/target';
import { asObject, requiredString } from '../../lib/validate';
import type { DeleteOutput } from './deleteUserPoolClient';

export async function deleteTarget(event: unknown): Promise<DeleteOutput> {
  const name = targetParameterName(requiredString(asObject(event), 'targetName', TARGET_NAME));
  try {
    await ssm().send(new DeleteParameterCommand({ Name: name }));
  } catch (error) {
    if (!isAwsError(error, 'ParameterNotFound')) throw error;
    return { deleted: false };
  }
  return { deleted: true, id: name };
}

export const handler = taskHandler(deleteTarget);
