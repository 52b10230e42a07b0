import type { Endpoints } from '../cli/config';
import type { LocalCloud } from './cloud';

/** What the CLI needs to drive a running local cloud, as `--local` reads it. */
export function localCloudEndpoints(cloud: LocalCloud): Endpoints {
  return {
    region: cloud.env.AWS_REGION,
    stateMachines: {
      provision: cloud.stateMachineArn('provision'),
      verify: cloud.stateMachineArn('verify'),
      teardown: cloud.stateMachineArn('teardown'),
    },
    callbackUrl: `${cloud.urls.api}/codes`,
    callbackSecret: cloud.callbackSecret,
    runsTable: cloud.refs.RunsTable,
    env: cloud.env,
    smsInboxUrl: cloud.urls.smsInbox,
    // Resolved from serverless.yml into the environment when the cloud started, as a deploy would.
    targetParameterPrefix: process.env.TARGET_PARAMETER_PREFIX,
  };
}
