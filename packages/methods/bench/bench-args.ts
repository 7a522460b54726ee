/** Command-line arguments the benchmarks share. */

/** The file after --json, undefined without the flag; an error naming the bench when the file name is missing. */
export function jsonFileArg(args: readonly string[], bench: string): string | undefined {
  const jsonIndex = args.indexOf('--json');
  const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
  if (jsonIndex >= 0 && !jsonFile) throw new Error(`${bench}: --json needs a file name`);
  return jsonFile;
}
