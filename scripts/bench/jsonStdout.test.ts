import { reserveStdout } from './jsonStdout';

/** A stream that keeps what it is given, and calls the write callback as a real stream would. */
const sink = () => {
  const chunks: string[] = [];
  return {
    chunks,
    write: ((chunk: string, ...rest: unknown[]) => {
      chunks.push(chunk);
      (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
      return true;
    }) as NodeJS.WriteStream['write'],
  };
};

it('--json: stdout carries the one document; every other stdout write goes to stderr until restored', () => {
  const out = sink();
  const err = sink();
  const ownWrite = out.write;
  const reserved = reserveStdout({ out, err });
  const done = jest.fn();
  out.write('{"level":"INFO","message":"created SNS policy"}\n', done);
  reserved.write('{"logs":{}}\n');
  expect(out.chunks).toEqual(['{"logs":{}}\n']);
  expect(err.chunks).toEqual(['{"level":"INFO","message":"created SNS policy"}\n']);
  expect(done).toHaveBeenCalled();
  reserved.restore();
  expect(out.write).toBe(ownWrite);
  out.write('after\n');
  expect(out.chunks).toEqual(['{"logs":{}}\n', 'after\n']);
});
