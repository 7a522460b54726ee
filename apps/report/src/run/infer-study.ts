/**
 * Which study wrote a run folder: manifest.json's `study`, then
 * config.json's `study`, then the tables present.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isStudy, type Study } from './study.js';

export function inferStudy(dir: string, config: Record<string, unknown>, manifest: Record<string, unknown>): Study {
  for (const value of [manifest.study, config.study]) if (isStudy(value)) return value;
  if (existsSync(join(dir, 'edges_cohort.arrow'))) return 'proteomics';
  if (existsSync(join(dir, 'class_influence.arrow'))) return 'influence';
  throw new Error(
    `${dir}: cannot tell which study wrote this folder (no 'study' in manifest.json or config.json, and neither edges_cohort.arrow nor class_influence.arrow); pass the study: relevance report <run-dir> --study proteomics|influence`,
  );
}
