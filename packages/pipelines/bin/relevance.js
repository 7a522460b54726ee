#!/usr/bin/env node
// The `relevance` command. The code lives in the compiled packages (dist/);
// a missing build gets a message saying how to make it, not a stack trace.
// This entry point is also where the report app plugs into the studies: the
// app depends on pipelines, never the reverse, so the composition happens here.
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
// The composition root: the report app's writer goes to runCli, which hands it
// to commands and studies (CommandIO / StudyIO); nothing registers a global.
let reportWriter;
try {
  const report = await import('@relevance/report');
  reportWriter = report.writeRunReport;
} catch (e) {
  // without the report app (or its build) studies still write every table; report.html is left out
  if (!(e && e.code === 'ERR_MODULE_NOT_FOUND')) throw e;
}
// Node 20 has relaxed SIMD only behind a V8 flag; setting it here (V8 reads it when a module is
// validated) lets the wasm backend pick its relaxed build as on Node 22, without re-launching node.
(await import('@relevance/core-wasm')).enableRelaxedSimdFlag();
process.exitCode = await runCli(process.argv.slice(2), reportWriter ? { reportWriter } : {});
