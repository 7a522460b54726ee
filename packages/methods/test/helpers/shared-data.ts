/** The shared data folder, as every package's tests find it (test-support/shared-data.ts). */
export { SHARED_DIR, requireShared, sharedPath } from '../../../../test-support/shared-data.js';
