import { actionMatches, policyStatements } from './policyDocument';
import { readExternalId } from './smsTrustPolicy';

describe('policy documents', () => {
  it('reads statements from JSON or the URL-encoded form IAM returns, one or many; nothing from bad JSON', () => {
    const doc = { Statement: { Effect: 'Allow', Action: 'sns:Publish', Resource: '*' } };
    expect(policyStatements(JSON.stringify(doc))).toEqual([doc.Statement]);
    expect(policyStatements(encodeURIComponent(JSON.stringify({ Statement: [doc.Statement, doc.Statement] })))).toHaveLength(2);
    expect(policyStatements('{not json')).toBeUndefined();
    expect(policyStatements(undefined)).toBeUndefined();
  });

  it('matches actions as IAM does: case-insensitive, with * and ? wildcards, nothing more', () => {
    expect(actionMatches('sts:Assume*', 'sts:AssumeRole')).toBe(true);
    expect(actionMatches('STS:assumerole', 'sts:AssumeRole')).toBe(true);
    expect(actionMatches('sns:Publis?', 'sns:Publish')).toBe(true);
    expect(actionMatches('sts:AssumeRoleWithSAML', 'sts:AssumeRole')).toBe(false);
    expect(actionMatches('sts.AssumeRole', 'stsXAssumeRole')).toBe(false);
  });

  it("provisioning's trust check and readiness's read the same statements: a wildcard action trusts Cognito", () => {
    const trust = {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'cognito-idp.amazonaws.com' },
          Action: 'sts:Assume*',
          Condition: { StringEquals: { 'sts:ExternalId': 'ext-1' } },
        },
      ],
    };
    expect(readExternalId(JSON.stringify(trust))).toEqual({ externalId: 'ext-1' });
  });
});
