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

interface Statement {
  Effect?: string;
  Principal?: { Service?: string | string[] } | string;
  Action?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * The ExternalId an existing role requires of Cognito, or what keeps it from being a usable SMS
 * role. IAM returns the document URL-encoded; emulators may not, so both are accepted.
 */
export function readExternalId(document: string | undefined): { externalId: string } | { differences: string[] } {
  if (!document) return { differences: ['the role has no trust policy'] };
  let parsed: { Statement?: Statement | Statement[] };
  try {
    parsed = JSON.parse(document.trimStart().startsWith('%') ? decodeURIComponent(document) : document);
  } catch {
    return { differences: ['the trust policy is not valid JSON'] };
  }
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
  const trustsCognito = statements.filter(
    (s) =>
      s.Effect === 'Allow' &&
      typeof s.Principal === 'object' &&
      list(s.Principal.Service).includes(COGNITO_SERVICE_PRINCIPAL) &&
      list(s.Action).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*'),
  );
  if (trustsCognito.length === 0) {
    return { differences: [`no Allow statement lets ${COGNITO_SERVICE_PRINCIPAL} call sts:AssumeRole`] };
  }
  for (const statement of trustsCognito) {
    const ids = list(statement.Condition?.StringEquals?.['sts:ExternalId']);
    if (ids.length === 1 && ids[0]) return { externalId: ids[0] };
  }
  return { differences: ['the statement trusting Cognito has no single StringEquals sts:ExternalId condition'] };
}
