import { install } from '@sinonjs/fake-timers';
import { MAX_TIMEOUT_MS, setLongTimeout } from './longTimeout';

const DAY = 86_400_000;

describe('setLongTimeout', () => {
  const clock = install({ now: 0, toFake: ['setTimeout', 'Date'] });
  afterAll(() => clock.uninstall());

  it('shows why it exists: under the fake clock, as in Node, a plain setTimeout past 2^31 - 1 ms fires at once', () => {
    const fn = jest.fn();
    setTimeout(fn, 30 * DAY);
    clock.tick(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('fires a delay of 30 days after 30 days, not before', () => {
    expect(30 * DAY).toBeGreaterThan(MAX_TIMEOUT_MS);
    const start = Date.now();
    const fn = jest.fn(() => Date.now() - start);
    setLongTimeout(fn, 30 * DAY);
    clock.tick(30 * DAY - 1);
    expect(fn).not.toHaveBeenCalled();
    clock.tick(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn.mock.results[0].value).toBe(30 * DAY);
  });

  it('fires a short delay as setTimeout does', () => {
    const fn = jest.fn();
    setLongTimeout(fn, 1000);
    clock.tick(999);
    expect(fn).not.toHaveBeenCalled();
    clock.tick(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
