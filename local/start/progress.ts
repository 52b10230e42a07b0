import type { LocalCloud } from '../cloud';
import { stepTracker } from '../report';
import type { Reporter } from './reporter';

/**
 * A line per state as it exits (`✓ verify#1  SignUp  84 ms  signUp.userConfirmed=false`), from the
 * engine's history events, and the moment the first state was entered (since process start).
 */
export function showProgress(cloud: LocalCloud, reporter: Reporter, labels: Map<string, string>): { firstStateMs(): number | undefined } {
  let firstStateMs: number | undefined;
  cloud.engine.on(
    'event',
    stepTracker((line) => {
      const label = (labels.get(line.executionArn) ?? line.execution).padEnd(16);
      const mark = line.status === 'ok' ? '✓' : '✗';
      reporter.line(`  ${mark} ${label} ${line.state.padEnd(24)} ${String(Math.round(line.ms)).padStart(6)} ms  ${line.summary}`);
    }),
  );
  cloud.engine.on('event', (_arn: string, event: { type?: string }) => {
    if (firstStateMs === undefined && event.type?.endsWith('StateEntered')) firstStateMs = performance.now();
  });
  return { firstStateMs: () => firstStateMs };
}

/** `Local cloud up in 812 ms (Step Functions :41234, ...)`: the ports a person may want to reach. */
export function cloudUpLine(cloud: LocalCloud): string {
  const port = (url: string) => new URL(url).port;
  const u = cloud.urls;
  return `Local cloud up in ${Math.round(cloud.timings.ready ?? 0)} ms (Step Functions :${port(u.stepFunctions)}, Cognito :${port(u.cognito)}, moto :${port(u.moto)}, callback API :${port(u.api)}).`;
}
