/**
 * The Regions where Amazon Cognito user pools are offered: "Amazon Cognito endpoints and quotas"
 * (AWS General Reference, https://docs.aws.amazon.com/general/latest/gr/cognito.html, "Amazon
 * Cognito user pools"), as botocore 1.43's endpoints.json lists `cognito-idp` (FIPS endpoints left
 * out). A Region outside it has no cognito-idp endpoint: a target there is refused by name before
 * any call, rather than failing on DNS.
 */
export const COGNITO_USER_POOL_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'eusc-de-east-1',
];

/** Whether Cognito user pools are offered in `region`. */
export function offersCognito(region: string): boolean {
  return COGNITO_USER_POOL_REGIONS.includes(region);
}

/** A Region's shape (`eu-west-1`), as Region names are written; says nothing of whether it exists. */
export const REGION_NAME = /^[a-z]{2,4}(?:-[a-z]+)+-\d+$/;
