/** Exit codes: 0 ok, 1 the run finished but with errors, 2 bad input, 130 interrupted (Ctrl-C). */
export const EXIT = { ok: 0, withErrors: 1, badInput: 2, interrupted: 130 } as const;

/** Parse a positive integer flag, or fail with a message naming the flag. */
export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new FlagError(`${flag} expects a positive integer, got "${value}"`);
    return n;
  };
}

export function nonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new FlagError(`${flag} expects a non-negative integer, got "${value}"`);
    return n;
  };
}

export class FlagError extends Error {
  constructor(message: string) { super(message); this.name = 'FlagError'; }
}
