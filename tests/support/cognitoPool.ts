import {
  type AuthFactorType,
  type ExplicitAuthFlowsType,
  type UsernameAttributeType,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AwsStub } from 'aws-sdk-client-mock';
import { forgetAppClient } from '../../lib/cognito/appClient';
import { forgetUserPools } from '../../lib/cognito/userPoolFacts';

export interface PoolShape {
  userPoolId: string;
  clientId: string;
  /** Default: what provisioning makes (USER_PASSWORD_AUTH and refresh). */
  explicitAuthFlows?: string[];
  /** A client secret, or none (the default). */
  secret?: string;
  /** Default ON. */
  mfaConfiguration?: 'ON' | 'OFF' | 'OPTIONAL';
  usernameAttributes?: string[];
  /** Policies.SignInPolicy.AllowedFirstAuthFactors; default: none set. */
  allowedFirstAuthFactors?: string[];
  /** UserPoolTier; default: none named. */
  tier?: 'LITE' | 'ESSENTIALS' | 'PLUS';
}

/**
 * Unit tests: answers DescribeUserPoolClient and DescribeUserPool (the mock was reset), and forgets
 * what the per-container caches of lib/cognito read of `shape`'s pool and client before.
 */
export function mockPool(cognito: AwsStub<any, any, CognitoIdentityProviderClient['config']>, shape: PoolShape): void {
  const region = shape.userPoolId.split('_')[0]!;
  for (const r of new Set([region, process.env.AWS_REGION ?? region])) forgetAppClient(r, shape.userPoolId, shape.clientId);
  forgetUserPools();
  // Any client and pool asked about has this shape: tests that use several ids need no more set-up.
  cognito.on(DescribeUserPoolClientCommand).callsFake((input: { UserPoolId: string; ClientId: string }) => ({
    UserPoolClient: {
      ClientId: input.ClientId,
      UserPoolId: input.UserPoolId,
      ExplicitAuthFlows: (shape.explicitAuthFlows ?? ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']) as ExplicitAuthFlowsType[],
      ...(shape.secret !== undefined && { ClientSecret: shape.secret }),
    },
  }));
  cognito.on(DescribeUserPoolCommand).callsFake((input: { UserPoolId: string }) => ({
    UserPool: {
      Id: input.UserPoolId,
      MfaConfiguration: shape.mfaConfiguration ?? 'ON',
      ...(shape.usernameAttributes !== undefined && { UsernameAttributes: shape.usernameAttributes as UsernameAttributeType[] }),
      ...(shape.allowedFirstAuthFactors !== undefined && {
        Policies: { SignInPolicy: { AllowedFirstAuthFactors: shape.allowedFirstAuthFactors as AuthFactorType[] } },
      }),
      ...(shape.tier !== undefined && { UserPoolTier: shape.tier }),
    },
  }));
}
