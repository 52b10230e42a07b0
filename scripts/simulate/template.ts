/**
 * The stack's packaged CloudFormation template (`sls package`, once per simulation, with the
 * schedules ENABLED as the simulation runs them, which also enables NoSuccessfulCheckAlarm's
 * actions, plugins/checks.js silenceAlarm). Cached in node_modules/.cache (as jest's cache; the
 * system temp folder keeps nothing) under a hash of what the template is made from, so a second simulation of an unchanged project does not package again.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface PackagedTemplate {
  Resources: Record<string, { Type: string; Properties?: unknown }>;
}

const INPUTS = ['serverless.yml', 'checks.yml', 'resources', 'plugins', 'statemachines'];

function inputsHash(root: string, stage: string): string {
  const h = createHash('sha256').update(stage);
  const add = (path: string) => {
    if (!existsSync(path)) return;
    if (path.endsWith('.yml') || path.endsWith('.js') || path.endsWith('.json')) h.update(path).update(readFileSync(path));
    else if (!/\.\w+$/.test(path)) for (const f of readdirSync(path).sort()) add(join(path, f));
  };
  for (const i of INPUTS) add(join(root, i));
  return h.digest('hex').slice(0, 16);
}

export async function packagedTemplate(root: string, stage: string): Promise<{ template: PackagedTemplate; cached: boolean }> {
  const cacheDir = join(root, 'node_modules/.cache/cogcheck-simulate');
  mkdirSync(cacheDir, { recursive: true });
  const cache = join(cacheDir, `template-${inputsHash(root, stage)}.json`);
  if (existsSync(cache)) return { template: JSON.parse(readFileSync(cache, 'utf8')) as PackagedTemplate, cached: true };
  const dir = mkdtempSync(join(tmpdir(), 'cogcheck-simulate-package-'));
  try {
    await promisify(execFile)(
      join(root, 'node_modules/.bin/sls'),
      [
        'package',
        '--stage',
        stage,
        '--package',
        dir,
        '--param',
        'checkScheduleState=ENABLED',
        '--param',
        'inboundPhoneNumberId=phone-0123456789abcdef0123456789abcdef',
        // The default checks need about USD 62 of SMS a month: the guardrail (plugins/smsBudget.js) must let them be packaged.
        '--param',
        'monthlySmsSpendLimitUsd=1000',
      ],
      {
        cwd: root,
        // No AWS credentials or network settings: packaging needs none, as on a fresh CI machine.
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: '1', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
        timeout: 300_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const text = readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8');
    writeFileSync(cache, text);
    return { template: JSON.parse(text) as PackagedTemplate, cached: false };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
