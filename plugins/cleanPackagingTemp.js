'use strict';
const { readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/**
 * serverless-esbuild (1.57) zips each function from a copy in the system temp folder named
 * `<function>-<pid>-<ms>-<hex>` and means to delete it afterwards, but its clean-up removes a
 * directory without `recursive`, fails, and swallows the error: every `sls package` leaves one
 * folder per function behind (measured: 32 folders per package, one per function). This removes exactly those folders of
 * this process once the artifacts are made, and never anything of another process.
 */
function leftovers(functionNames, pid = process.pid, dir = tmpdir()) {
  const names = new Set(functionNames);
  const pattern = new RegExp(`^(.+)-${pid}-\\d+-[0-9a-f]{8}$`);
  return readdirSync(dir).filter((entry) => {
    const match = pattern.exec(entry);
    return match !== null && names.has(match[1]);
  });
}

class CleanPackagingTemp {
  constructor(serverless) {
    this.serverless = serverless;
    const clean = () => this.clean();
    this.hooks = {
      'after:package:createDeploymentArtifacts': clean,
      'after:deploy:function:packageFunction': clean,
    };
  }

  clean() {
    const dir = tmpdir();
    for (const entry of leftovers(this.serverless.service.getAllFunctions(), process.pid, dir)) {
      rmSync(join(dir, entry), { recursive: true, force: true });
    }
  }
}

module.exports = CleanPackagingTemp;
module.exports.leftovers = leftovers;
