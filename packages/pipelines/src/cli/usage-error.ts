/** A mistake in how the command was called (exit code 2): unknown option, missing or malformed value. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
