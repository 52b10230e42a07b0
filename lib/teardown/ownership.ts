import type { ManagedResources, Target } from '../target';
import { findTarget } from '../targets/targetNameTaken';

export interface Ownership {
  /** The target's record, when there is one. */
  record?: Target;
  /** What provisioning recorded making for this target: the only things teardown may delete. */
  managed: Partial<ManagedResources>;
  /** Why nothing (or not this) is ours, for the `reason` of what is kept. */
  why: string;
}

/**
 * What the target's record says provisioning made. Read by every delete from SSM itself, not taken
 * from the execution's input, so no input can make teardown claim a resource.
 */
export async function ownership(targetName: string): Promise<Ownership> {
  const record = await findTarget(targetName);
  if (!record) return { managed: {}, why: `no target named ${targetName} records making it` };
  if (record.source === 'added') {
    return { record, managed: {}, why: `target ${targetName} was added with "target add": teardown never deletes what it names` };
  }
  if (!record.managed) {
    return {
      record,
      managed: {},
      why: `target ${targetName} was recorded before provisioning kept what it made: run provision again to record it`,
    };
  }
  return { record, managed: record.managed, why: `target ${targetName} does not record making it` };
}
