/**
 * Three projects, chosen by folder so that a new test lands in the right one without touching this file:
 * - unit:  product code and its tools, no emulator (functions/, lib/, cli/, plugins/, bin/, scripts/, tests/cli/*.test.ts)
 * - stack: the packaged CloudFormation template and the plugins that shape it (tests/stack/)
 * - local: anything that runs on the embedded local cloud (local/, and every other folder under tests/)
 * `npm run test:unit|test:stack|test:local` runs one; `jest` runs all three.
 */
const TEST = '**/*.test.[jt]s';

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  // .mjs: d3-scale's and d3-shape's own dependencies (d3-array, d3-path, ...) ship only an .mjs build.
  transform: { '^.+\\.(t|j)sx?$|\\.mjs$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  // ESM-only packages must be compiled too (d3-scale and d3-shape with their d3-* and internmap, for the SLO report).
  transformIgnorePatterns: ['/node_modules/(?!(aws-local-stepfunctions|@middy|@scure|@noble|@otplib|otplib|d3-[a-z-]+|internmap)/)'],
  testPathIgnorePatterns: ['/node_modules/', '/.serverless/', '/.esbuild/'],
  setupFiles: ['<rootDir>/tests/setupEnv.ts'],
  testTimeout: 30000,
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option: inside a project it is ignored, and local-cloud tests would get jest's 5 s.
  testTimeout: 30000,
  // Not the system temp folder: a test run leaves nothing there.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [`<rootDir>/{functions,lib,cli,plugins,bin,scripts}/${TEST}`, '<rootDir>/tests/cli/*.test.[jt]s'],
    },
    {
      ...shared,
      displayName: 'stack',
      testMatch: [`<rootDir>/tests/stack/${TEST}`],
    },
    {
      ...shared,
      displayName: 'local',
      // tests/cli/local/: the ops CLI against a running local cloud.
      testMatch: [`<rootDir>/local/${TEST}`, `<rootDir>/tests/${TEST}`, '!**/tests/stack/**', '!**/tests/cli/*.test.[jt]s'],
    },
  ],
};
