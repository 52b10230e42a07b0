import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ssm } from '../../lib/clients';
import { USER_POOL_ID, CLIENT_ID, USER_POOL_ARN } from '../../lib/cognito/ids';
import { taskHandler } from '../../lib/handler';
import { targetParameterName, type Target } from '../../lib/target';
import { CLIENT_NAME, TARGET_NAME, USER_POOL_NAME } from '../../lib/names';
import { asObject, requiredString } from '../../lib/validate';

/**
 * Records what a verification run needs (pool id, client id, region) under the target's name in
 * SSM Parameter Store: versioned, readable by ops with `aws ssm get-parameter`, and resolvable
 * by other stacks with `{{resolve:ssm:...}}`.
 */
export async function recordTarget(event: unknown): Promise<{ parameterName: string; version: number }> {
  const input = asObject(event);
  const target: Target = {
    name: requiredString(input, 'targetName', TARGET_NAME),
    region: process.env.AWS_REGION ?? 'us-east-1',
    userPoolId: requiredString(input, 'userPoolId', USER_POOL_ID),
    userPoolArn: requiredString(input, 'userPoolArn', USER_POOL_ARN),
    userPoolName: requiredString(input, 'userPoolName', USER_POOL_NAME),
    clientId: requiredString(input, 'clientId', CLIENT_ID),
    clientName: requiredString(input, 'clientName', CLIENT_NAME),
  };
  const parameterName = targetParameterName(target.name);
  const { Version } = await ssm().send(
    new PutParameterCommand({
      Name: parameterName,
      Value: JSON.stringify(target),
      Type: 'String',
      Overwrite: true,
      Description: `Cognito SMS-MFA check target ${target.name}`,
    }),
  );
  return { parameterName, version: Version ?? 0 };
}

export const handler = taskHandler(recordTarget);
