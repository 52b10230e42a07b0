import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../errors';
import { DEFAULT_SLO, objectiveFor, readObjectives } from './objectives';

const dir = mkdtempSync(join(tmpdir(), 'objectives-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (text: string) => {
  const path = join(dir, `checks-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(path, text);
  return path;
};

const YML = `
default:
  - { name: signin, kind: signin, schedule: rate(5 minutes), slo: 99.9 }
  - { name: signup, kind: signup, schedule: rate(6 hours) }
stages:
  prod:
    - { name: shop-signin, kind: signin, schedule: rate(5 minutes), target: shop, slo: 99 }
    - { name: byid, kind: signin, schedule: rate(5 minutes), userPoolId: eu-west-1_AbC123, clientId: abc, slo: 98 }
    - { name: any-signup, kind: signup, schedule: rate(6 hours), slo: 95 }
`;

describe('objectives from checks.yml', () => {
  it("a stage's list replaces the default; a check naming the target wins over one naming none", () => {
    const prod = readObjectives(file(YML), 'prod');
    expect(objectiveFor(prod, 'signin', 'shop')).toEqual({ slo: 99, from: 'checks.yml stages.prod[0] (shop-signin)' });
    expect(objectiveFor(prod, 'signin', 'eu-west-1_AbC123')).toEqual({ slo: 98, from: 'checks.yml stages.prod[1] (byid)' });
    // No sign-in check of prod names `blog`, and every one names a target: the default.
    expect(objectiveFor(prod, 'signin', 'blog')).toEqual({ slo: DEFAULT_SLO, from: 'default' });
    // A check naming no target runs on the stage's checkTarget: it stands for any target of its kind.
    expect(objectiveFor(prod, 'signup', 'blog')).toEqual({ slo: 95, from: 'checks.yml stages.prod[2] (any-signup)' });
  });

  it('other stages read the default list; a check without slo has 99.5', () => {
    const dev = readObjectives(file(YML), 'dev');
    expect(objectiveFor(dev, 'signin', 'MyUserPool')).toEqual({ slo: 99.9, from: 'checks.yml default[0] (signin)' });
    expect(objectiveFor(dev, 'signup', 'MyUserPool')).toEqual({ slo: 99.5, from: 'default' });
  });

  it('a missing checks.yml gives the default; a bad slo is refused naming the entry', () => {
    expect(objectiveFor(readObjectives(join(dir, 'none.yml'), 'dev'), 'signin', 'x').slo).toBe(99.5);
    for (const slo of ['100', '0', '"high"', '-1']) {
      const path = file(`default:\n  - { name: signin, kind: signin, schedule: rate(5 minutes), slo: ${slo} }\n`);
      expect(() => readObjectives(path, 'dev')).toThrow(ValidationError);
      expect(() => readObjectives(path, 'dev')).toThrow(
        /^checks\.yml default\[0\] \(signin\)\.slo: must be a number of percent above 0 and below 100/,
      );
    }
  });
});
