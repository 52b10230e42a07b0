import { envOnce } from './env';
import type { AuthFlow } from './verify/authFlow';

/**
 * What provisioning made for a target, recorded when it made it: the only resources teardown may
 * ever delete (functions/teardown/). A target without this record (added with `cogcheck target
 * add`, or recorded before ownership was kept) owns nothing: teardown keeps everything it names.
 */
export interface ManagedResources {
  userPoolId: string;
  clientId: string;
  roleName: string;
  /** The sns:Publish policy attached to the role. */
  policyArn: string;
}

/**
 * A pool and app client that checks run against, recorded in SSM by name:
 * - `provisioned`: made by the provision state machine (recordTarget), which fills `managed`;
 * - `added`: an existing pool recorded with `cogcheck target add`; nothing in it is ever changed
 *   or deleted by this tool.
 * Records written before `source` existed were all provisioned.
 */
export interface Target {
  name: string;
  /** The pool's Region: the prefix of its id unless the record says otherwise. */
  region: string;
  userPoolId: string;
  clientId: string;
  userPoolArn?: string;
  userPoolName?: string;
  clientName?: string;
  source?: 'provisioned' | 'added';
  /** The sign-in flow checks use when the run does not name one (`target add --auth-flow`). */
  authFlow?: AuthFlow;
  /**
   * Each field only for a resource this stage's provisioning made: a pool, role or policy it created
   * or found tagged `managed-by` and `stage` = this stage (lib/managedBy.ts); a client it created, found
   * in such a pool, or the same client an earlier record claimed (clients carry no tags).
   */
  managed?: Partial<ManagedResources>;
  /** ISO time the record was written. */
  recordedAt?: string;
}

const prefix = envOnce('TARGET_PARAMETER_PREFIX');

/** e.g. /cognito-sms-mfa/dev/targets/MyUserPool; the prefix is per stage so stages never share targets. */
export function targetParameterName(name: string): string {
  return `${prefix().replace(/\/+$/, '')}/${name}`;
}
