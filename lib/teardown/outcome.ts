/**
 * What teardown did with one resource. `kept` says why something that exists was left in place:
 * - `NotManaged`: this stage's provisioning did not make it: a pool, role or policy without the
 *   `managed-by` tag, or whose `stage` tag is missing or names another stage (lib/managedBy.ts), or
 *   anything the target's record does not claim; or the target was added with `cogcheck target add`;
 * - `StillInUse`: another user pool's SMS configuration still names the role (or the role its
 *   policy is attached to), or the target's pool still exists.
 */
export interface DeleteOutput {
  deleted: boolean;
  id?: string;
  kept?: 'NotManaged' | 'StillInUse';
  reason?: string;
}

export const deletedOutput = (id: string): DeleteOutput => ({ deleted: true, id });
/** Nothing of that name exists (already deleted, or never made): re-runs end here. */
export const goneOutput = (id?: string): DeleteOutput => (id ? { deleted: false, id } : { deleted: false });
export const notManaged = (id: string, reason: string): DeleteOutput => ({ deleted: false, kept: 'NotManaged', id, reason });
export const stillInUse = (id: string, reason: string): DeleteOutput => ({ deleted: false, kept: 'StillInUse', id, reason });
