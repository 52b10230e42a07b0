import { actionMatches, list, policyStatements, type Statement } from './policyDocument';

export const COGNITO_SERVICE_PRINCIPAL = 'cognito-idp.amazonaws.com';

/** The trust policy of the walkthrough: only Cognito, only with our ExternalId (confused-deputy guard). */
export function cognitoSmsTrustPolicy(externalId: string) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: COGNITO_SERVICE_PRINCIPAL },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  };
}

/** The statements that let Cognito assume the role (sts:AssumeRole, by name or wildcard). */
export function cognitoTrustStatements(statements: Statement[]): Statement[] {
  return statements.filter(
    (s) =>
      s.Effect === 'Allow' &&
      typeof s.Principal === 'object' &&
      list(s.Principal.Service).includes(COGNITO_SERVICE_PRINCIPAL) &&
      list(s.Action).some((a) => actionMatches(a, 'sts:AssumeRole')),
  );
}

/**
 * The ExternalId an existing role requires of Cognito, or what keeps it from being a usable SMS
 * role. IAM returns the document URL-encoded; emulators may not, so both are accepted.
 */
export function readExternalId(document: string | undefined): { externalId: string } | { differences: string[] } {
  if (!document) return { differences: ['the role has no trust policy'] };
  const statements = policyStatements(document);
  if (!statements) return { differences: ['the trust policy is not valid JSON'] };
  const trustsCognito = cognitoTrustStatements(statements);
  if (trustsCognito.length === 0) {
    return { differences: [`no Allow statement lets ${COGNITO_SERVICE_PRINCIPAL} call sts:AssumeRole`] };
  }
  for (const statement of trustsCognito) {
    const ids = list(statement.Condition?.StringEquals?.['sts:ExternalId']);
    if (ids.length === 1 && ids[0]) return { externalId: ids[0] };
  }
  return { differences: ['the statement trusting Cognito has no single StringEquals sts:ExternalId condition'] };
}
