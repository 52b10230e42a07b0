'use strict';
/**
 * The stage's parameters as a plugin sees them: `params.default`, then `params.<stage>`, then each
 * `--param "name=value"` on the command line, the later winning (the Serverless Framework's order).
 */
function stageParams(serverless) {
  const params = serverless.configurationInput?.params ?? {};
  const stage = serverless.service?.provider?.stage;
  const cli = serverless.processedInput?.options?.param ?? [];
  const fromCli = Object.fromEntries([].concat(cli).map((kv) => String(kv).split(/=(.*)/s).slice(0, 2)));
  return { ...(params.default ?? {}), ...((stage && params[stage]) ?? {}), ...fromCli };
}

module.exports = { stageParams };
