#!/usr/bin/env node
// The `relevance` command. The code lives in the compiled package (dist/);
// a missing build gets a message saying how to make it, not a stack trace.
let runCli;
try {
  ({ runCli } = await import('../dist/src/cli/main.js'));
} catch (e) {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/src/cli/main.js')) {
    process.stderr.write("relevance: the package is not built yet; run 'npm run build' in the repository root\n");
    process.exit(1);
  }
  throw e;
}
process.exitCode = await runCli(process.argv.slice(2));
