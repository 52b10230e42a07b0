import { NamedError, TargetNotFound } from '../errors';
import type { Target } from '../target';
import { getTarget } from './getTarget';

/** The target recorded under a name, or undefined when there is none. */
export async function findTarget(name: string): Promise<Target | undefined> {
  try {
    return await getTarget(name);
  } catch (error) {
    if (error instanceof TargetNotFound) return undefined;
    throw error;
  }
}

/**
 * A target added with `target add` owns its name: provisioning must not overwrite its record (the
 * pool it names is someone else's), and teardown under that name could only keep everything.
 */
export const targetNameTaken = (record: Target) =>
  new NamedError(
    'TargetNameTaken',
    `Target ${record.name} was added with "target add" (pool ${record.userPoolId}); provisioning and teardown leave it alone: ` +
      'choose another targetName, or "target remove" it first.',
  );
