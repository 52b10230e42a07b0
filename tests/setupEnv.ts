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

// Node 21+ has a global `navigator` (without `appName`): jsbn, under cognito-srp-helper, then takes its
// browser multiplication path (am1), which inside jest's vm context runs ~60× slower (createSrpSession
// measured 6.7 s in jest on Node 22, 0.1 s with navigator hidden, 0.12 s in plain Node 22 where Lambda
// runs it). Slow enough that a keep-alive socket closes under a test's next call (ECONNRESET): hidden
// in tests only, so they take the path Node 20 takes.
const nodeNavigator = (globalThis as { navigator?: { appName?: string } }).navigator;
if (nodeNavigator !== undefined && nodeNavigator.appName === undefined) {
  Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true, writable: true });
}
