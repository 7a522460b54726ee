/** The shared data folder beside the repository (or RELEVANCE_SHARED_DIR), as every package's tests find it (test-support/shared-data.ts). */
export { sharedPath as sharedDataPath } from '../../../../test-support/shared-data.js';
