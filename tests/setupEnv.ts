// Unit tests run handlers as Lambda would: region and the stage configuration come from env.
// Against a deployed stage (TEST_MODE=stage, tests/acceptance) the real region and credentials
// must win: placeholders here would shadow a profile or a role.
if (process.env.TEST_MODE !== 'stage') {
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
}
process.env.IAM_PATH ??= '/cognito-sms-mfa/';
// serverless.yml sets STAGE from the deployed stage; the unit tests' records live under /test/.
process.env.STAGE ??= 'test';
process.env.TARGET_PARAMETER_PREFIX ??= '/cognito-sms-mfa/test/targets';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
