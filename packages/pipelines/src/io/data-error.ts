/**
 * An error in the user's data or files (not a bug): the CLI prints only the
 * message, which names the file, the column and the row, and says how to fix it.
 */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
