import type { Endpoints } from '../../cli/config';

/** Where the acceptance scenarios run: the embedded local cloud (default) or a deployed stage. */
export type TestMode = 'local' | 'stage';

/** What the scheduled check of the target checks: a provisioned target and the phone its SMS reach. */
export interface Check {
  target: string;
  phoneNumber: string;
}

/** Where the scenarios run: endpoints, the check, and how to let go of it all. */
export interface AcceptanceTarget {
  mode: TestMode;
  /** For test names and messages: "the local cloud" or "stage dev (eu-west-1)". */
  where: string;
  endpoints: Endpoints;
  callbackSecret: string;
  check: Check;
  close(): Promise<void>;
}
