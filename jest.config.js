/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // ESM-only packages must be compiled too.
  transformIgnorePatterns: ['/node_modules/(?!(aws-local-stepfunctions|@middy|@scure|@noble|@otplib|otplib)/)'],
  testMatch: ['<rootDir>/{functions,lib,local,bin,scripts,tests}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/.serverless/', '/.esbuild/'],
  setupFiles: ['<rootDir>/tests/setupEnv.ts'],
  testTimeout: 30000,
};
