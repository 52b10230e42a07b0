import { CognitoError } from 'cognito-local/lib/errors';
import type { Json, TargetFix } from './types';

const validation = (message: string) => new CognitoError('InvalidParameterException', `1 validation error detected: ${message}`);

function pageSize(value: unknown, required: boolean): number {
  if (value === undefined || value === null) {
    if (required) throw validation("Value null at 'maxResults' failed to satisfy constraint: Member must not be null");
    return 60;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw validation(
      `Value '${String(value)}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  }
  if (n > 60) {
    throw validation(`Value '${n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60`);
  }
  return n;
}

/**
 * One page of `items` sorted by `key`; the token names the first item of the next page, so
 * deleting items between calls neither repeats nor skips the others.
 */
export function paginate<T>(items: readonly T[], key: (t: T) => string, max: number, token: unknown): { page: T[]; nextToken?: string } {
  // Code-unit order, the same order as the `>=` below: localeCompare would put `a` before `B`
  // while `>=` puts `B` first, so pages skipped or repeated ids of mixed case.
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  let start = 0;
  if (token !== undefined && token !== null) {
    const after = typeof token === 'string' ? Buffer.from(token, 'base64url').toString('utf8') : '';
    if (!after) throw new CognitoError('InvalidParameterException', 'Invalid pagination token.');
    start = sorted.findIndex((t) => key(t) >= after);
    if (start < 0) start = sorted.length;
  }
  const page = sorted.slice(start, start + max);
  const next = sorted[start + max];
  return next ? { page, nextToken: Buffer.from(key(next), 'utf8').toString('base64url') } : { page };
}

/**
 * cognito-local's ListUserPools and ListUserPoolClients return everything at once, ignore
 * MaxResults/NextToken, and return full pool descriptions. Code that pages (the AWS CLI, our
 * find-by-name provisioning) needs real paging; Cognito returns short descriptions here.
 */
export const listPaginationFix: TargetFix = {
  fix: 'listPagination',
  targets: ['ListUserPools', 'ListUserPoolClients'],
  wrap: (_inner, env, target) => async (ctx, req: Json) => {
    const { cognito } = env.services;
    if (target === 'ListUserPools') {
      const max = pageSize(req?.MaxResults, true);
      const pools = await cognito.listUserPools(ctx);
      const { page, nextToken } = paginate(pools, (p) => p.Id, max, req?.NextToken);
      return {
        UserPools: page.map((p) => ({
          Id: p.Id,
          Name: p.Name,
          LambdaConfig: p.LambdaConfig ?? {},
          LastModifiedDate: p.LastModifiedDate,
          CreationDate: p.CreationDate,
        })),
        NextToken: nextToken,
      };
    }
    const max = pageSize(req?.MaxResults, false);
    await cognito.getUserPool(ctx, req?.UserPoolId); // ResourceNotFoundException for an unknown pool
    const clients = await cognito.listAppClients(ctx, req.UserPoolId);
    const { page, nextToken } = paginate(clients, (c) => c.ClientId, max, req?.NextToken);
    return {
      UserPoolClients: page.map((c) => ({ ClientId: c.ClientId, UserPoolId: c.UserPoolId, ClientName: c.ClientName })),
      NextToken: nextToken,
    };
  },
};
