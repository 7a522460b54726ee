/**
 * How the command that reads a table names its options, so that messages from
 * the io layer use the user's words: `explain --columns/--id`, but
 * `study --features/--id-column`.
 */
export interface OptionNames {
  /** The option choosing the id column. */
  id: string;
  /** The option choosing the feature columns. */
  columns: string;
  /** The command's own way past missing values (tsne: --missing drop|impute), offered first. */
  missing?: string;
}

/** predict, explain, evaluate, tsne, neighbours. */
export const CLI_OPTION_NAMES: OptionNames = { id: '--id', columns: '--columns' };

/** study proteomics, study influence. */
export const STUDY_OPTION_NAMES: OptionNames = { id: '--id-column', columns: '--features' };
