#!/usr/bin/env -S npx tsx
/** Ops CLI for the Cognito SMS-MFA check: see `cogcheck --help`. */
import { main } from '../cli/main';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  write: (text) => process.stdout.write(text),
  isTTY: Boolean(process.stdout.isTTY),
  stdin: process.stdin,
}).then(
  (code) => process.exit(code),
  // Usage and configuration mistakes are answered inside main (exit 2); this is an AWS or network failure.
  (error: Error) => {
    process.stderr.write(`cogcheck: ${error.name}: ${error.message}\n`);
    process.exit(1);
  },
);
