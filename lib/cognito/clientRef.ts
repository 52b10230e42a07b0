/** Which app client a call goes through, and where: the pool's Region decides the endpoint. */
export interface ClientRef {
  region: string;
  userPoolId: string;
  clientId: string;
}

/** SECRET_HASH goes in only for a client with a secret: a client without one refuses it. */
export const withSecretHash = (params: Record<string, string>, secretHash: string | undefined): Record<string, string> =>
  secretHash === undefined ? params : { ...params, SECRET_HASH: secretHash };
