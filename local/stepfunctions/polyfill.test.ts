describe('Promise.withResolvers polyfill (Node 20)', () => {
  it('is installed when missing and the library can then time tasks out', async () => {
    const P = Promise as unknown as { withResolvers?: unknown };
    const original = P.withResolvers;
    delete P.withResolvers;
    try {
      let statesTimeoutError!: (cause: string) => Promise<Error>;
      jest.isolateModules(() => {
        ({ statesTimeoutError } = require('./library'));
      });
      expect(typeof P.withResolvers).toBe('function');
      // Only a library task with a timeout calls Promise.withResolvers; this runs one.
      const err = await statesTimeoutError('probe');
      expect(err.name).toBe('States.Timeout');
      expect(err.constructor.name).not.toBe('Error');
    } finally {
      if (original) P.withResolvers = original;
    }
  });
});
