/**
 * AWS list prices, us-east-1, USD, with no free tier applied (the free tiers are per account and
 * usually spent elsewhere). Read on 2026-12-02 from the pages named beside each; "not confirmed" marks
 * a price this project could not re-read from the stored copy of its page (check it before relying on
 * it). Change a price here and every figure of `npm run bench` follows.
 */
export const PRICES_AS_OF = '2026-12-02';
export const PRICES_REGION = 'us-east-1';

/** https://aws.amazon.com/step-functions/pricing/ — Standard: USD 0.025 per 1,000 state transitions (retries count). */
export const SFN_PER_TRANSITION = 0.025 / 1000;

/** https://aws.amazon.com/lambda/pricing/ — requests USD 0.20 per million (not confirmed). */
export const LAMBDA_PER_REQUEST = 0.2 / 1e6;
/** https://aws.amazon.com/lambda/pricing/ — Arm duration USD 0.0000133334 per GB-second, first tier (not confirmed). */
export const LAMBDA_ARM_PER_GB_SECOND = 0.0000133334;

/** https://aws.amazon.com/dynamodb/pricing/on-demand/ — USD 0.625 per million write request units (third-party copy of the page). */
export const DYNAMODB_PER_WRITE_REQUEST_UNIT = 0.625 / 1e6;
/** Same page — USD 0.125 per million read request units (a strongly consistent read of ≤ 4 KB is one unit). */
export const DYNAMODB_PER_READ_REQUEST_UNIT = 0.125 / 1e6;

/** https://aws.amazon.com/secrets-manager/pricing/ — USD 0.40 per secret per month (not confirmed). */
export const SECRET_PER_MONTH = 0.4;
/** Same page — USD 0.05 per 10,000 API calls (not confirmed). */
export const SECRETS_PER_API_CALL = 0.05 / 10_000;

/** https://aws.amazon.com/kms/pricing/ — USD 1 per customer managed key per month (not confirmed). */
export const KMS_KEY_PER_MONTH = 1;
/** Same page — USD 0.03 per 10,000 requests (not confirmed). */
export const KMS_PER_REQUEST = 0.03 / 10_000;

/** https://aws.amazon.com/cloudwatch/pricing/ — custom metric, first 10,000: USD 0.30 per metric-month (not confirmed). */
export const METRIC_PER_MONTH = 0.3;
/** Same page — standard-resolution alarm: USD 0.10 per alarm metric per month (not confirmed). */
export const ALARM_METRIC_PER_MONTH = 0.1;
/** Same page — USD 3.00 per dashboard per month (not confirmed). */
export const DASHBOARD_PER_MONTH = 3;
/** Same page — Logs, standard class: USD 0.50 per GB ingested (not confirmed). */
export const LOGS_PER_GB_INGESTED = 0.5;
/** Same page — Synthetics: USD 0.0012 per canary run (not confirmed). */
export const CANARY_PER_RUN = 0.0012;

/** https://aws.amazon.com/xray/pricing/ — USD 5.00 per million traces recorded (the state machines trace). Not confirmed. */
export const XRAY_PER_TRACE = 5 / 1e6;
/** https://aws.amazon.com/eventbridge/pricing/ — Scheduler: USD 1.00 per million invocations (not confirmed). */
export const SCHEDULER_PER_INVOCATION = 1 / 1e6;
/** https://aws.amazon.com/sns/pricing/ — USD 0.50 per million publishes; delivery to Lambda is free (not confirmed). */
export const SNS_PER_PUBLISH = 0.5 / 1e6;

/** https://aws.amazon.com/cognito/pricing/ — Lite, per monthly active user above the free band (not confirmed). */
export const COGNITO_LITE_PER_MAU = 0.0055;
/** Same page — Essentials, per monthly active user above the free band (not confirmed). */
export const COGNITO_ESSENTIALS_PER_MAU = 0.015;

/** The SMS guardrail's list price (serverless.yml smsPricePerMessageUsd): outbound SMS to a US number. */
export const SMS_OUTBOUND_PER_MESSAGE = 0.00645;
/**
 * https://aws.amazon.com/end-user-messaging/pricing/ — a US toll-free number: USD 2 a month (not
 * confirmed; inbound SMS on it are priced per message on the same page, also not confirmed).
 */
export const PHONE_NUMBER_PER_MONTH = 2;

/**
 * https://aws.amazon.com/route53/pricing/ — a health check of an AWS endpoint: USD 0.50 a month; a health check on a
 * CloudWatch alarm (Type CLOUDWATCH_METRIC) is assumed to be billed as one (not confirmed: the pricing page
 * could not be re-read here; a third-party copy says USD 0.50 for an AWS endpoint, 0.75 for another).
 */
export const ROUTE53_HEALTH_CHECK_PER_MONTH = 0.5;
/**
 * Inter-Region data transfer, per GB (https://aws.amazon.com/ec2/pricing/on-demand/, "Data Transfer"; not confirmed):
 * a check's calls to a pool in another Region carry a few KB, so this is the only cross-Region charge;
 * Cognito user pools bill by monthly active user, not per API call.
 */
export const INTER_REGION_PER_GB = 0.02;
