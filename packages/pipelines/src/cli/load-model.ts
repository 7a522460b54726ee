/** Model loading lives in io/load-model.ts (studies use it too); the CLI commands import it from here. */
export * from '../io/load-model.js';
