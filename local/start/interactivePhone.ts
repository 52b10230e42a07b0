import { createInterface, type Interface } from 'node:readline';
import { submitCode } from '../../cli/submit';
import { maskPhone } from '../../lib/phone';
import type { LocalCloud } from '../cloud';
import type { Reporter } from './reporter';

/** The fake phone, shown to a person: each SMS is printed and the typed code is POSTed, signed, to the callback. */
export class InteractivePhone {
  private readonly rl: Interface;
  private readonly lines: string[] = [];
  private readonly waiting: ((line: string | undefined) => void)[] = [];
  private ended = false;
  private queue = Promise.resolve();
  private readonly stopListening: () => void;

  constructor(
    private readonly cloud: LocalCloud,
    private readonly reporter: Reporter,
    private readonly onNoMoreInput: () => void,
  ) {
    // Lines are queued as they come, so piped input typed ahead is not lost.
    this.rl = createInterface({ input: process.stdin, terminal: false });
    this.rl.on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w(line);
      else this.lines.push(line);
    });
    this.rl.on('close', () => {
      this.ended = true;
      for (const w of this.waiting.splice(0)) w(undefined);
    });
    this.stopListening = cloud.onSms((sms) => {
      this.queue = this.queue
        .then(() => this.answer(sms.phoneNumber, sms.message))
        .catch((e: Error) => this.reporter.info(`   ✗ ${e.message}`));
    });
  }

  private nextLine(): Promise<string | undefined> {
    if (this.lines.length) return Promise.resolve(this.lines.shift());
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private async answer(phoneNumber: string, message: string) {
    const masked = maskPhone(phoneNumber);
    this.reporter.info(`📱 SMS to ${masked}: ${message.trim()}`);
    let code: string | undefined;
    do {
      // A terminal echoes what is typed on the prompt's line; piped input does not, so end the line.
      this.reporter.prompt(`   type the code for ${masked}: ${process.stdin.isTTY ? '' : '\n'}`);
      code = (await this.nextLine())?.trim();
    } while (code === '');
    if (code === undefined) {
      this.reporter.info('\n   stdin closed before a code was typed: stopping the runs.');
      this.onNoMoreInput();
      return;
    }
    const response = await submitCode(`${this.cloud.urls.api}/codes`, this.cloud.callbackSecret, { phoneNumber, code });
    const answer = (response.body ?? {}) as { status?: string; step?: string; error?: { code?: string } };
    this.reporter.info(
      `   callback answered ${response.status} ${answer.status ?? answer.error?.code ?? ''}${answer.step ? ` (${answer.step})` : ''}`,
    );
  }

  close() {
    this.stopListening();
    this.rl.close();
    process.stdin.destroy();
  }
}
