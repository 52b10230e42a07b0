import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { leftovers } = require('../../plugins/cleanPackagingTemp.js') as {
  leftovers: (fns: string[], pid: number, dir: string) => string[];
};

/** The clean-up removes serverless-esbuild's folders of this packaging only: its functions, its process. */
it("finds only the zip folders of this process and of this service's functions", () => {
  const dir = mkdtempSync(join(tmpdir(), 'clean-temp-'));
  try {
    for (const name of [
      'signUp-4242-1796203715413-4b98804c', // ours
      'receiveInboundSms-4242-1796203715414-225a8972', // ours
      'signUp-4343-1796203715413-4b98804c', // another packaging process
      'someoneElse-4242-1796203715413-4b98804c', // not a function of this service
      'signUp-4242-notes', // not the zip folder's shape
    ]) {
      mkdirSync(join(dir, name));
    }
    expect(leftovers(['signUp', 'receiveInboundSms'], 4242, dir).sort()).toEqual([
      'receiveInboundSms-4242-1796203715414-225a8972',
      'signUp-4242-1796203715413-4b98804c',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
