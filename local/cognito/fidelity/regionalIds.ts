import type { CognitoService } from 'cognito-local/lib/services/cognitoService';

/** The account moto reports too, so ARNs from both emulators look alike. */
export const LOCAL_ACCOUNT_ID = '123456789012';

/**
 * cognito-local names every pool `local_XXXXXXXX` with ARN `arn:aws:cognito-idp:local:local:…`.
 * Code that parses the region out of a pool id (aws-jwt-verify, ARN builders, IAM policy
 * conditions) needs `us-east-1_XXXXXXXX` and a real-looking ARN. The id is chosen before the
 * pool's data file is named after it, so renaming it in createUserPool is enough.
 */
export function useRegionalIds(cognito: CognitoService, region: string | (() => string), accountId = LOCAL_ACCOUNT_ID): void {
  const create = cognito.createUserPool.bind(cognito);
  cognito.createUserPool = (ctx, pool) => {
    // A function: the Region of the request creating the pool (requestRegion.ts).
    const r = typeof region === 'function' ? region() : region;
    const id = pool.Id.replace(/^[^_]*_/, `${r}_`);
    return create(ctx, { ...pool, Id: id, Arn: `arn:aws:cognito-idp:${r}:${accountId}:userpool/${id}` });
  };
}
