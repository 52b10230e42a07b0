import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { awsErrorName } from '../lib/errors';
import type { Target } from '../lib/target';
import { ConfigError } from './config';

/**
 * The stage's target records in SSM Parameter Store, where the provision machine's recordTarget
 * writes them and every verify run reads them (lib/targets/getTarget.ts): one String parameter per
 * target, `<TargetParameterPrefix>/<name>`, holding the Target as JSON.
 */
export class TargetStore {
  readonly prefix: string;
  constructor(
    private readonly ssm: SSMClient,
    prefix: string | undefined,
  ) {
    if (!prefix) {
      throw new ConfigError(
        'these endpoints name no target parameter prefix: deploy this version (stack output TargetParameterPrefix), or restart the local cloud',
      );
    }
    this.prefix = prefix.replace(/\/+$/, '');
  }

  parameterName(name: string): string {
    return `${this.prefix}/${name}`;
  }

  /** Records a new target; never overwrites one (a provisioned target's record holds what teardown may delete). */
  async add(target: Target): Promise<string> {
    const name = this.parameterName(target.name);
    try {
      await this.ssm.send(
        new PutParameterCommand({
          Name: name,
          Value: JSON.stringify(target),
          Type: 'String',
          Overwrite: false,
          Description: `Cognito SMS-MFA check target ${target.name} (added)`,
        }),
      );
    } catch (error) {
      if (awsErrorName(error) === 'ParameterAlreadyExists') {
        throw new ConfigError(`a target named "${target.name}" is already recorded (${name}): choose another --name, or remove it first`);
      }
      throw error;
    }
    return name;
  }

  async get(name: string): Promise<Target | undefined> {
    try {
      const { Parameter } = await this.ssm.send(new GetParameterCommand({ Name: this.parameterName(name) }));
      return JSON.parse(Parameter?.Value ?? '{}') as Target;
    } catch (error) {
      if (awsErrorName(error) === 'ParameterNotFound') return undefined;
      throw error;
    }
  }

  async list(): Promise<Target[]> {
    const targets: Target[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.ssm.send(new GetParametersByPathCommand({ Path: this.prefix, Recursive: false, NextToken }));
      for (const p of page.Parameters ?? []) {
        try {
          targets.push(JSON.parse(p.Value ?? '{}') as Target);
        } catch {
          // Not one of ours (a parameter written by hand under the prefix): not a target.
        }
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return targets.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Deletes the record only: nothing in Cognito or IAM. */
  async remove(name: string): Promise<void> {
    await this.ssm.send(new DeleteParameterCommand({ Name: this.parameterName(name) }));
  }
}

/** Records written before `source` existed were all made by provisioning; so is any record that names what it made. */
export function isProvisioned(target: Target): boolean {
  return target.source === 'provisioned' || target.source === undefined || target.managed !== undefined;
}
