import { PassThrough } from 'node:stream';
import { parseStartOptions, UsageError } from '../../local/start/options';
import { Reporter } from '../../local/start/reporter';
import { phoneWithOffset } from '../../local/start/session';

/** npm start's options (parsed once into one typed object) and its one output channel, in-process. */
describe('parseStartOptions', () => {
  it('gives the defaults a bare npm start runs with', () => {
    expect(parseStartOptions([])).toEqual({
      runs: 1,
      concurrency: 1,
      phone: '+15555550100',
      codeSource: 'inbound-sms',
      smsDelay: undefined,
      smsPath: 'sns',
      firstSignInWithoutMfa: false,
      json: false,
      interactive: false,
      keepRunning: false,
      teardown: false,
      lambdaLogs: false,
      help: false,
    });
  });

  it('caps concurrency at the runs, and takes --kind only as signin or signup', () => {
    expect(parseStartOptions(['--runs', '2', '--concurrency', '5', '--kind', 'signin'])).toMatchObject({
      runs: 2,
      concurrency: 2,
      kind: 'signin',
    });
    expect(() => parseStartOptions(['--kind', 'login'])).toThrow('--kind must be one of signin, signup, got "login"');
  });

  it.each([
    [['--phone', '5555550100'], '--phone must be an E.164 number such as +15555550100'],
    [['--runs', '0'], '--runs must be an integer from 1'],
    [['--interactive', '--code-source', 'custom-sender'], '--interactive needs an SMS to show'],
    [['--sms-path', 'pinpoint'], '--sms-path must be one of sns, eums, got "pinpoint"'],
    [['--sms-path', 'eums', '--code-source', 'custom-sender'], 'the custom-sender pool sends none'],
  ])('refuses %j with a UsageError saying why', (argv, message) => {
    expect(() => parseStartOptions(argv)).toThrow(UsageError);
    expect(() => parseStartOptions(argv)).toThrow(message);
  });
});

describe('Reporter', () => {
  const capture = (json: boolean) => {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stdout.on('data', (d: Buffer) => out.push(d.toString()));
    stderr.on('data', (d: Buffer) => err.push(d.toString()));
    return { reporter: new Reporter(json, { stdout, stderr }), out, err, stdout };
  };

  it('human mode: progress and what a person must see on stdout', () => {
    const { reporter, out, err } = capture(false);
    reporter.line('✓ SignUp');
    reporter.info('📱 SMS');
    expect(out.join('')).toBe('✓ SignUp\n📱 SMS\n');
    expect(err).toEqual([]);
  });

  it('--json: stdout holds only the report; what a person must see goes to stderr', () => {
    const { reporter, out, err } = capture(true);
    reporter.line('✓ SignUp');
    reporter.info('📱 SMS');
    reporter.report({ verdict: 'PASS' });
    expect(JSON.parse(out.join(''))).toEqual({ verdict: 'PASS' });
    expect(err.join('')).toBe('📱 SMS\n');
  });

  it('writes nothing more to stdout once it failed, and tells the handler why', () => {
    const { reporter, out, stdout } = capture(false);
    const failures: string[] = [];
    reporter.onStdoutFailed((e) => failures.push(e.code ?? ''));
    stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    reporter.line('after');
    expect(out).toEqual([]);
    expect(failures).toEqual(['EPIPE']);
  });
});

it('gives each concurrent run its own phone', () => {
  expect([0, 1, 2].map((i) => phoneWithOffset('+15555550198', i))).toEqual(['+15555550198', '+15555550199', '+15555550200']);
});
