/** @relevance/pipelines: data in and out (DuckDB, Apache Arrow, Parquet), progress reporting and the `relevance` CLI. */
export type { Table, LoadedTable, Column, ColumnType, NumberColumn, StringColumn, BooleanColumn } from './io/table.js';
export { makeTable, numberColumn, stringColumn, booleanColumn, countMissing, isMissing, cellValue } from './io/table.js';
export { DataError } from './io/data-error.js';
export { readTable, readTableFile, readTableSql, DEFAULT_NULL_MARKERS } from './io/read-table.js';
export type { ReadTableOptions, SqlSource } from './io/read-table.js';
export { writeTable } from './io/write-table.js';
export type { WriteTableOptions } from './io/write-table.js';
export { readArray, writeArray } from './io/arrays.js';
export type { ArrayData, ReadArrayOptions, WriteArrayInput } from './io/arrays.js';
export { parseColumnSpec, selectFeatureColumns } from './io/select-columns.js';
export type { ColumnPattern, FeatureSelection } from './io/select-columns.js';
export { findIdColumn, checkUniqueIds, idValues, ID_NAME_PATTERN, CLASS_NAME_PATTERN } from './io/id-column.js';
export { toMatrix, numericValues, checkInformativeColumn, parseNumberCell } from './io/to-matrix.js';
export type { Matrix, MatrixOptions } from './io/to-matrix.js';
export { writeFileAtomic, writeTextAtomic, writeBytesAtomic, writeJsonAtomic, sha256File } from './io/atomic-write.js';
export { stableStringify } from './io/stable-json.js';
export { formatOfPath, SUPPORTED_EXTENSIONS } from './io/file-format.js';
export type { FileFormat } from './io/file-format.js';
export { closestMatch, levenshtein } from './io/closest-match.js';
export { createProgress } from './progress/progress.js';
export type { Progress, ProgressOptions, ProgressStream } from './progress/progress.js';
export { runCli, EXIT_OK, EXIT_ERROR, EXIT_USAGE } from './cli/main.js';
export { parseArgs, ParsedArgs } from './cli/args.js';
export type { Command, CommandIO, OptionSpec, OptionType, PositionalSpec } from './cli/command.js';
export { COMMANDS } from './cli/command-list.js';
export { UsageError } from './cli/usage-error.js';
export { loadModel } from './io/load-model.js';
// the distributional influence study and the `relevance study` dispatcher
export { runInfluenceStudy, INFLUENCE_STUDY_DEFAULTS } from './studies/influence/index.js';
export type { InfluenceStudyInput, InfluenceStudyIO, InfluenceStudyResult, InfluenceStudyOptions } from './studies/influence/index.js';
export { studyCommand, makeStudyCommand, STUDIES } from './cli/commands/study.js';
export { studyInfluenceCommand } from './cli/commands/study-influence.js';
// the seam to the report app (registered at the entry point; pipelines never imports the app)
export { setReportWriter, writeReport } from './report-hook.js';
export type { ReportWriter } from './report-hook.js';
// the proteomics study
export { runProteomicsStudy, PROTEOMICS_DEFAULTS, resolvedConfig } from './studies/proteomics/study.js';
export type { ProteomicsOptions, ProteomicsResult, StudyIO } from './studies/proteomics/study.js';
export { mergeProteomicsRuns } from './studies/proteomics/merge.js';
export { generateSyntheticCohort, SYNTHETIC_DEFAULTS } from './studies/proteomics/synthetic.js';
export type { SyntheticCohort, SyntheticCohortOptions, SyntheticEdge } from './studies/proteomics/synthetic.js';
// network simulators with a known truth (BEELINE layout) and the `relevance simulate` command
export { simulateNetwork, simulateBuiltin, resolveSimulationOptions, BUILTIN_SIMULATIONS, SIMULATION_KINDS, SIMULATION_DEFAULTS, SimulationOptionError } from './studies/networks/simulators.js';
export type { SimulatedNetwork, SimulationKind, SimulationOptions, SimulationModel, TruthEdge, BuiltinSimulation } from './studies/networks/simulators.js';
export { writeNetworkDataset, checkDatasetTarget, datasetSourceText, DatasetExistsError } from './studies/networks/write-dataset.js';
export { simulateCommand } from './cli/commands/simulate.js';
// the run-folder format: table names, column schemas, writers (the report reads its schemas from here)
export { RUN_TABLE_SCHEMAS, PROTEOMICS_SCHEMAS, INFLUENCE_SCHEMAS, REPORT_TABLES, checkSchema, writeRunTables, writeMetrics, nest } from './io/run-format.js';
export type { ColumnKind, RunStudy } from './io/run-format.js';
