import { describeUserPool } from '../cognito/describeUserPool';
import { listUserPoolIds } from '../cognito/listUserPoolIds';

/**
 * Pools (in this Region) whose SMS configuration names the role: deleting or stripping the role
 * would stop their SMS. Role names are unique in an account, so the ARN's last segment is the name
 * whatever its path. ListUserPools carries no SmsConfiguration, hence a DescribeUserPool per pool.
 */
export async function poolsUsingRole(roleName: string): Promise<string[]> {
  const using: string[] = [];
  for (const id of await listUserPoolIds()) {
    const pool = await describeUserPool(id);
    // SNS pools name the role as SnsCallerArn, End User Messaging pools (smsPath eums) as EumsSms.CallerArn.
    const arns = [pool?.SmsConfiguration?.SnsCallerArn, pool?.SmsConfiguration?.EumsSms?.CallerArn];
    if (arns.some((arn) => arn?.split('/').pop() === roleName)) using.push(id);
  }
  return using;
}

export const inUseReason = (what: string, pools: string[]) =>
  `${what} is named by the SMS configuration of user pool${pools.length === 1 ? '' : 's'} ${pools.join(', ')}`;
