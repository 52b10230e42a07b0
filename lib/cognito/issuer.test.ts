import { cognitoIssuer } from './issuer';

const KEYS = ['AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER', 'AWS_ENDPOINT_URL', 'AWS_REGION'] as const;
const saved: Partial<Record<(typeof KEYS)[number], string>> = {};
beforeEach(() => {
  for (const k of KEYS) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
});
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('cognitoIssuer', () => {
  it('is the regional Cognito endpoint plus the pool id, the region taken from the pool id', () => {
    process.env.AWS_REGION = 'us-east-1';
    expect(cognitoIssuer('eu-west-1_AbC123')).toBe('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123');
  });

  it('falls back to AWS_REGION when the pool id has no region prefix', () => {
    process.env.AWS_REGION = 'ap-southeast-2';
    expect(cognitoIssuer('_abc')).toBe('https://cognito-idp.ap-southeast-2.amazonaws.com/_abc');
  });

  it('follows the service-specific endpoint override the SDK reads, without a doubled slash', () => {
    process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER = 'http://127.0.0.1:9229/';
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:4566';
    expect(cognitoIssuer('us-east-1_abc')).toBe('http://127.0.0.1:9229/us-east-1_abc');
  });

  it('follows the global endpoint override when there is no service-specific one', () => {
    process.env.AWS_ENDPOINT_URL = 'http://localhost:4566//';
    expect(cognitoIssuer('us-east-1_abc')).toBe('http://localhost:4566/us-east-1_abc');
  });
});
