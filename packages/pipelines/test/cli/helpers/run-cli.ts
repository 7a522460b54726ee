/** Run the CLI in process with captured stdout/stderr. */
import { runCli } from '../../../src/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCaptured(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
  });
  return { code, stdout, stderr };
}
