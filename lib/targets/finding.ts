/** A setting a check needs that the pool or app client lacks: what it is, and the command that fixes it. */
export interface Finding {
  /** The setting, as the API names it (e.g. `MfaConfiguration`, `ExplicitAuthFlows`). */
  setting: string;
  problem: string;
  /** The AWS CLI command that changes it, when one does: copy-pasteable, nothing else in it. */
  fix?: string;
  /** What to know before running the fix. */
  note?: string;
}
