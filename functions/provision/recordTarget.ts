import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ssm } from '../../lib/clients';
import { USER_POOL_ID, CLIENT_ID, USER_POOL_ARN } from '../../lib/cognito/ids';
import { taskHandler } from '../../lib/handler';
import { POLICY_ARN } from '../../lib/iam/arns';
import { targetParameterName, type ManagedResources, type Target } from '../../lib/target';
import { findTarget, targetNameTaken } from '../../lib/targets/targetNameTaken';
import { CLIENT_NAME, IAM_ROLE_NAME, TARGET_NAME, USER_POOL_NAME } from '../../lib/names';
import { asObject, requiredString } from '../../lib/validate';

export interface RecordTargetOutput {
  parameterName: string;
  version: number;
  /** What the record says provisioning made: the only resources teardown will delete. */
  managed: Partial<ManagedResources>;
}

/**
 * Records what a verification run needs (pool id, client id, region) under the target's name in
 * SSM Parameter Store: versioned, readable by ops with `aws ssm get-parameter`, and resolvable
 * by other stacks with `{{resolve:ssm:...}}`. It also records which of the resources provisioning
 * made (`managed`), which is what teardown checks before every delete.
 */
export async function recordTarget(event: unknown): Promise<RecordTargetOutput> {
  const input = asObject(event);
  const name = requiredString(input, 'targetName', TARGET_NAME);
  const userPoolId = requiredString(input, 'userPoolId', USER_POOL_ID);
  const clientId = requiredString(input, 'clientId', CLIENT_ID);
  const roleName = requiredString(input, 'roleName', IAM_ROLE_NAME);
  const policyArn = requiredString(input, 'policyArn', POLICY_ARN);
  const previous = await findTarget(name);
  // ValidateInput refused this already, before anything was created; checked again in case a
  // `target add` of the same name landed while provisioning ran.
  if (previous?.source === 'added') throw targetNameTaken(previous);
  // The pool, role and policy are ours when this run finds them tagged with this stage: a claim an
  // earlier record made is not carried over, since a record written before stage tags may name
  // another stage's resource. The client has no tags: its claim carries over while it names the
  // same client (teardown deletes clients only in this stage's pools anyway).
  const claimed = previous?.managed ?? {};
  const poolIsOurs = input.userPoolManaged === true;
  const ours = {
    userPoolId: poolIsOurs,
    // Deleting our pool deletes its clients anyway, so a client found in it claims nothing more.
    clientId: input.clientCreated === true || claimed.clientId === clientId || poolIsOurs,
    roleName: input.roleManaged === true,
    policyArn: input.policyManaged === true,
  };
  const values = { userPoolId, clientId, roleName, policyArn };
  const managed = Object.fromEntries(
    (Object.keys(values) as (keyof ManagedResources)[]).filter((k) => ours[k]).map((k) => [k, values[k]]),
  ) as Partial<ManagedResources>;

  const target: Target = {
    name,
    region: process.env.AWS_REGION ?? 'us-east-1',
    userPoolId,
    userPoolArn: requiredString(input, 'userPoolArn', USER_POOL_ARN),
    userPoolName: requiredString(input, 'userPoolName', USER_POOL_NAME),
    clientId,
    clientName: requiredString(input, 'clientName', CLIENT_NAME),
    source: 'provisioned',
    managed,
    recordedAt: new Date().toISOString(),
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
  return { parameterName, version: Version ?? 0, managed };
}

export const handler = taskHandler(recordTarget);
