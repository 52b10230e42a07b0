import { DeleteParameterCommand } from '@aws-sdk/client-ssm';
import { ssm } from '../../lib/clients';
import { describeUserPool } from '../../lib/cognito/describeUserPool';
import { isAwsError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { TARGET_NAME } from '../../lib/names';
import { targetParameterName } from '../../lib/target';
import { deletedOutput, goneOutput, notManaged, stillInUse, type DeleteOutput } from '../../lib/teardown/outcome';
import { ownership } from '../../lib/teardown/ownership';
import { asObject, requiredString } from '../../lib/validate';

/**
 * Deletes a provisioned target's record once its pool is gone: while the pool exists, or an earlier
 * step of this teardown kept one of the target's resources because it is still in use, the record
 * is what says which resources are ours, and the next teardown needs it. A target added with
 * `target add` is never deleted here (`target remove` does that).
 */
export async function deleteTarget(event: unknown): Promise<DeleteOutput> {
  const input = asObject(event);
  const targetName = requiredString(input, 'targetName', TARGET_NAME);
  const name = targetParameterName(targetName);
  const { record } = await ownership(targetName);
  if (!record) return goneOutput();
  if (record.source === 'added')
    return notManaged(name, `target ${targetName} was added with "target add": remove it with "target remove"`);
  if (record.userPoolId && (await describeUserPool(record.userPoolId))) {
    return stillInUse(name, `its user pool ${record.userPoolId} still exists`);
  }
  const inUse = keptInUse(input.earlier);
  if (inUse.length)
    return stillInUse(name, `it records ${inUse.join(', ')}, kept because still in use: run teardown again once they are free`);
  try {
    await ssm().send(new DeleteParameterCommand({ Name: name }));
  } catch (error) {
    if (!isAwsError(error, 'ParameterNotFound')) throw error;
    return goneOutput();
  }
  return deletedOutput(name);
}

/** Ids the earlier steps' outputs (the execution's `deleted`) kept as StillInUse; keeping is the safe side, so trusting them is too. */
function keptInUse(earlier: unknown): string[] {
  if (!earlier || typeof earlier !== 'object') return [];
  return Object.values(earlier as Record<string, Partial<DeleteOutput> | undefined>)
    .filter((step) => step?.kept === 'StillInUse' && typeof step.id === 'string')
    .map((step) => step!.id!);
}

export const handler = taskHandler(deleteTarget);
