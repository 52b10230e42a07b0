import { CreatePolicyCommand, GetPolicyCommand } from '@aws-sdk/client-iam';
import { iam } from '../../lib/clients';
import { envOnce, optionalEnv } from '../../lib/env';
import { isAwsError, NamedError } from '../../lib/errors';
import { taskHandler } from '../../lib/handler';
import { findPolicyByName } from '../../lib/iam/findPolicyByName';
import { logger } from '../../lib/logger';
import { iamNotOursBecause, ownIamTags } from '../../lib/managedBy';
import { IAM_POLICY_NAME } from '../../lib/names';
import { asObject, requiredString } from '../../lib/validate';
import { EUMS_HOW_TO, EUMS_NOT_DEPLOYED, requestedSmsPath } from '../../lib/cognito/smsPath';

const iamPath = envOnce('IAM_PATH');
const eumsSendPolicyArn = () => optionalEnv('EUMS_SEND_POLICY_ARN');

export interface EnsureSnsPolicyOutput {
  policyName: string;
  policyArn: string;
  created: boolean;
  /** Made by this stage's provisioning: created now, or found tagged `managed-by` and `stage` = STAGE (ListPolicies has no tags, GetPolicy has). */
  managed: boolean;
}

/** Cognito publishes SMS directly to phone numbers, which has no resource ARN: hence `*`. */
export const SNS_PUBLISH_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['sns:Publish'], Resource: ['*'] }],
};

/** The managed policy letting the SMS role publish, found by name over all pages before creating. */
export async function ensureSnsPolicy(event: unknown): Promise<EnsureSnsPolicyOutput> {
  const input = asObject(event);
  const policyName = requiredString(input, 'policyName', IAM_POLICY_NAME);
  // End User Messaging path: the SMS role gets the stack's own sms-voice:SendTextMessage policy
  // (resources/delivery.yml), which CloudFormation owns: never created, tagged or deleted here.
  if (requestedSmsPath(input.smsPath) === 'eums') {
    const policyArn = eumsSendPolicyArn();
    if (!policyArn) throw new NamedError(EUMS_NOT_DEPLOYED, EUMS_HOW_TO);
    logger.info("using the stack's End User Messaging send policy", { policyArn });
    return { policyName: policyArn.split('/').pop()!, policyArn, created: false, managed: false };
  }
  const existing = await findPolicyByName(policyName, iamPath());
  if (existing?.Arn) {
    const { Policy: found } = await iam().send(new GetPolicyCommand({ PolicyArn: existing.Arn }));
    const notOurs = iamNotOursBecause(found?.Tags);
    logger.info(notOurs ? `reusing SNS policy, which ${notOurs}: teardown will keep it` : 'reusing SNS policy', { policyName });
    return { policyName, policyArn: existing.Arn, created: false, managed: !notOurs };
  }
  try {
    const { Policy: policy } = await iam().send(
      new CreatePolicyCommand({
        PolicyName: policyName,
        Path: iamPath(),
        PolicyDocument: JSON.stringify(SNS_PUBLISH_POLICY),
        Description: 'Lets the Cognito SMS role publish SMS through SNS',
        Tags: ownIamTags(),
      }),
    );
    if (!policy?.Arn) throw new NamedError('Unexpected', `IAM returned no ARN for policy ${policyName}`);
    logger.info('created SNS policy', { policyName });
    return { policyName, policyArn: policy.Arn, created: true, managed: true };
  } catch (error) {
    // Not in our path but the name is taken: a policy elsewhere in the account.
    if (isAwsError(error, 'EntityAlreadyExists')) {
      throw new NamedError(
        'SnsPolicyOutsideManagedPath',
        `Policy ${policyName} exists outside ${iamPath()}, where this stack may manage policies; ` +
          'choose another policyName or deploy with the iamPath parameter set to its path.',
        { cause: error },
      );
    }
    throw error;
  }
}

export const handler = taskHandler(ensureSnsPolicy);
