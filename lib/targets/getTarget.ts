import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { ssm } from '../clients';
import { isAwsError, TargetNotFound } from '../errors';
import { targetParameterName, type Target } from '../target';

/** A target recorded by provisioning or `cogcheck target add`, by name. */
export async function getTarget(name: string): Promise<Target> {
  const parameterName = targetParameterName(name);
  try {
    const { Parameter } = await ssm().send(new GetParameterCommand({ Name: parameterName }));
    return JSON.parse(Parameter?.Value ?? '{}') as Target;
  } catch (error) {
    if (isAwsError(error, 'ParameterNotFound')) {
      throw new TargetNotFound(
        `No target named "${name}" (SSM parameter ${parameterName}): record a pool you have with ` +
          `cogcheck target add --name ${name} --user-pool-id <id> --client-id <id>, or provision one, ` +
          'or pass userPoolId and clientId (cogcheck verify --user-pool-id <id> --client-id <id>)',
      );
    }
    throw error;
  }
}
