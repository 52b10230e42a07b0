/**
 * What teardown did with one resource. `kept` says why something that exists was left in place:
 * - `NotManaged`: provisioning did not make it (no `managed-by` tag, or not in the target's record
 *   of what it made), or the target was added with `cogcheck target add`;
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
