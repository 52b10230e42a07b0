import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readObjectives } from '../../lib/report/objectives';

const { readChecks } = require('../../plugins/checks.js');

const PARAMS = { checkScheduleState: 'DISABLED', checkTarget: 'MyUserPool', checkPhoneNumber: '' };
const at = (slo: string) =>
  readChecks({
    doc: parse(`default:\n  - { name: signin, kind: signin, schedule: rate(5 minutes), slo: ${slo} }\n`),
    stage: 'prod',
    params: PARAMS,
  });

/** checks.yml's `slo` (issue 19): the objective `cogcheck report` spends each check's error budget against. */
describe('checks.yml slo', () => {
  it('takes a percent above 0 and below 100, kept on the check; absent, nothing is added', () => {
    expect(at('99.9')).toMatchObject({ errors: [], checks: [{ name: 'signin', slo: 99.9 }] });
    expect(at('50').checks[0].slo).toBe(50);
    const none = readChecks({
      doc: parse('default:\n  - { name: signin, kind: signin, schedule: rate(5 minutes) }\n'),
      stage: 'prod',
      params: PARAMS,
    });
    expect(none.checks[0]).not.toHaveProperty('slo');
  });

  it.each(['100', '0', '-5', '"99.5"', 'high', '[99]'])('refuses slo %s before anything is packaged, naming the check', (slo) => {
    const { checks, errors } = at(slo);
    expect(checks).toEqual([]);
    expect(errors).toEqual([
      expect.stringMatching(
        /^checks\.yml default\[0\] \(signin\): slo must be a number of percent above 0 and below 100 \(e\.g\. 99\.5\), got /,
      ),
    ]);
  });

  it('the plugin and the report agree on what a valid slo is', () => {
    for (const slo of ['99.5', '100', '0', '"x"']) {
      const doc = `default:\n  - { name: signin, kind: signin, schedule: rate(5 minutes), slo: ${slo} }\n`;
      const pluginAccepts = at(slo).errors.length === 0;
      const dir = mkdtempSync(join(tmpdir(), 'slo-'));
      const path = join(dir, 'checks.yml');
      writeFileSync(path, doc);
      let reportAccepts = true;
      try {
        readObjectives(path, 'prod');
      } catch {
        reportAccepts = false;
      }
      rmSync(dir, { recursive: true, force: true });
      expect({ slo, reportAccepts }).toEqual({ slo, reportAccepts: pluginAccepts });
    }
  });
});
