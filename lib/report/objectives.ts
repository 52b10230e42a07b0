import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ValidationError } from '../errors';

/** The objective of a check whose checks.yml entry names none (issue 19): 99.5% of checks pass. */
export const DEFAULT_SLO = 99.5;

export interface Objective {
  /** Percent of checks that should pass, 0 < slo < 100. */
  slo: number;
  /** Where it came from: `checks.yml stages.prod[0] (shop-signin)`, or `default`. */
  from: string;
}

export interface CheckObjective {
  at: string;
  kind: unknown;
  target?: unknown;
  userPoolId?: unknown;
  slo?: number;
}

/**
 * The stage's checks as objectives: checks.yml's `stages.<stage>` list, else `default` (as
 * plugins/checks.js reads it; that plugin validates the rest of each entry before a deploy).
 * A missing file means no objectives: every check gets the default.
 */
export function readObjectives(path: string, stage: string): CheckObjective[] {
  if (!existsSync(path)) return [];
  const doc = parse(readFileSync(path, 'utf8')) as { default?: unknown; stages?: Record<string, unknown> } | null;
  const staged = doc?.stages && typeof doc.stages === 'object' && Object.prototype.hasOwnProperty.call(doc.stages, stage);
  const source = staged ? `stages.${stage}` : 'default';
  const list = staged ? doc!.stages![stage] : doc?.default;
  if (!Array.isArray(list)) return [];
  return list
    .filter((raw): raw is Record<string, unknown> => Boolean(raw) && typeof raw === 'object')
    .map((raw, index) => {
      const at = `checks.yml ${source}[${index}]${typeof raw.name === 'string' ? ` (${raw.name})` : ''}`;
      if (raw.slo !== undefined && !(typeof raw.slo === 'number' && raw.slo > 0 && raw.slo < 100))
        throw new ValidationError(
          `${at}.slo`,
          `must be a number of percent above 0 and below 100, e.g. 99.5; got ${JSON.stringify(raw.slo)}`,
        );
      return { at, kind: raw.kind, target: raw.target, userPoolId: raw.userPoolId, slo: raw.slo as number | undefined };
    });
}

/**
 * The objective of the runs of one kind on one target (a target name, or a pool id for runs that
 * named their pool directly): the check of that kind naming that target; else a check of that kind
 * naming no target (it runs on the stage's checkTarget parameter, which the CLI cannot read); else
 * the default.
 */
export function objectiveFor(checks: CheckObjective[], kind: string, target: string): Objective {
  const sameKind = checks.filter((c) => c.kind === kind);
  const named = sameKind.find((c) => c.target === target || c.userPoolId === target);
  const unnamed = sameKind.find((c) => c.target === undefined && c.userPoolId === undefined);
  const check = named ?? unnamed;
  return check?.slo !== undefined ? { slo: check.slo, from: check.at } : { slo: DEFAULT_SLO, from: 'default' };
}
