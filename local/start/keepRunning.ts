import { claimLocalEndpoints, LOCAL_ENDPOINTS_FILE, releaseLocalEndpoints, type EndpointsClaim } from '../../cli/config';
import { localCloudEndpoints } from '../cliEndpoints';
import type { LocalCloud } from '../cloud';
import { inboxLine } from '../fakePhone/inbox';
import type { Reporter } from './reporter';

/**
 * --keep-running: the endpoints file that `cogcheck --local` reads, the endpoints and
 * AWS_ENDPOINT_URL_* lines for the AWS CLI, then each SMS the fake phone receives as it arrives
 * (a person's `aws cognito-idp sign-up` included). `stop` undoes what was set up.
 */
export function keepRunning(cloud: LocalCloud, reporter: Reporter): { stop(): void } {
  // Its own file when another live cloud keeps the usual one, with the export line that points cogcheck at it.
  const claim = claimLocalEndpoints(localCloudEndpoints(cloud));
  printEndpoints(cloud, reporter, claim);
  const stopListening = cloud.inbox.onSms((sms) => reporter.info(`📱 ${inboxLine(sms)}`));
  return {
    stop: () => {
      stopListening();
      releaseLocalEndpoints(claim.file);
    },
  };
}

function printEndpoints(cloud: LocalCloud, reporter: Reporter, claim: EndpointsClaim) {
  const p = (t: string) => reporter.info(t);
  p('\nThe local cloud keeps running — Ctrl-C (or SIGTERM) stops it.');
  p('Endpoints:');
  p(`  Step Functions  ${cloud.urls.stepFunctions}`);
  p(`  Cognito         ${cloud.urls.cognito}`);
  p(`  moto            ${cloud.urls.moto}  (IAM, STS, SNS, DynamoDB, SSM, Secrets Manager, KMS)`);
  p(`  End User Msg.   ${cloud.urls.smsVoice}  (pinpoint-sms-voice-v2: phone numbers, SendTextMessage)`);
  p(`  callback API    POST ${cloud.urls.api}/codes   POST ${cloud.urls.api}/sms/twilio`);
  p(`  SMS inbox       GET ${cloud.urls.smsInbox}?phone=%2B15555550100&last=1   (every SMS the fake phone received)`);
  p(`  inbound SMS     topic ${cloud.refs.InboundSmsTopic}`);
  p(`Codes come back by: ${cloud.codeSource}.`);
  p('State machines:');
  for (const m of cloud.config.stateMachines) p(`  ${m.key.padEnd(10)} ${cloud.stateMachineArn(m.key)}`);
  p('Point the AWS CLI or any SDK at it (local credentials, not real ones):');
  for (const [k, v] of Object.entries(cloud.env)) p(`  export ${k}=${v}`);
  // Where cogcheck --local finds this cloud: needed in a second cloud's terminal, harmless in the first's.
  p(`  export COGCHECK_LOCAL_ENDPOINTS=${claim.file}`);
  p('Then, for example:');
  p('  aws cognito-idp list-user-pools --max-results 10');
  p(`  aws stepfunctions list-executions --state-machine-arn ${cloud.stateMachineArn('verify')}`);
  p('  npm run cli -- sms --local --phone <+E164> --last --json   (the last SMS to that phone, and its code)');
  p(`The ops CLI works too: npm run cli -- history --local   (endpoints in ${claim.file})`);
  if (claim.otherCloudPid !== undefined) {
    p(`Another local cloud (process ${claim.otherCloudPid}) keeps ${LOCAL_ENDPOINTS_FILE}: cogcheck --local reaches that one`);
    p(`unless COGCHECK_LOCAL_ENDPOINTS=${claim.file} is exported, as above, in the terminal you run it from.`);
  }
  p('Each SMS the fake phone receives is shown here as it arrives.');
  p('Waiting for Ctrl-C…');
}
