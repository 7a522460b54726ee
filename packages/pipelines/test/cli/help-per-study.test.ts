/** Help per study with every default, and old option spellings that still work with a warning. */
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { FEATURES_OPTION, ID_COLUMN_OPTION } from '../../src/cli/common-options.js';
import { STUDIES } from '../../src/cli/commands/study.js';
import { runCaptured } from './helpers/run-cli.js';

describe('help per study', () => {
  it('`study proteomics --help` and `study influence --help` print each study\'s own options', async () => {
    const p = await runCaptured(['study', 'proteomics', '--help']);
    const i = await runCaptured(['study', 'influence', '--help']);
    expect(p.code).toBe(0);
    expect(i.code).toBe(0);
    expect(p.stdout).not.toBe(i.stdout);
    expect(p.stdout).toMatch(/^Usage: relevance study proteomics/);
    expect(i.stdout).toMatch(/^Usage: relevance study influence/);
    expect(p.stdout).not.toContain('--label-column');
    expect(i.stdout).not.toContain('--masks');
    const again = await runCaptured(['help', 'study', 'proteomics']);
    expect(again.stdout).toBe(p.stdout);
  });

  it('shows every default of every study option', async () => {
    for (const study of STUDIES) {
      const text = (await runCaptured(['study', study.name, '--help'])).stdout.replace(/\s+/g, ' ');
      for (const o of study.options) {
        if (o.default === undefined || (o.type === 'boolean' && o.default !== true)) continue;
        const shown = o.type === 'boolean' ? 'on' : Array.isArray(o.default) ? o.default.join(o.type === 'dims' ? 'x' : ',') : String(o.default);
        if (shown === '') continue;
        expect(text, `study ${study.name} --${o.name}`).toContain(`(default: ${shown}`);
      }
    }
    const p = (await runCaptured(['study', 'proteomics', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(p).toContain('(default: 400)');
    expect(p).toContain('(default: 0.3)');
  });
});

describe('one vocabulary: old spellings as aliases that warn', () => {
  const spec = { name: 'x', options: [FEATURES_OPTION, ID_COLUMN_OPTION] };
  it('reads --columns as --features and --id as --id-column, each with a warning', () => {
    const args = parseArgs(spec, ['--columns', 'a,b', '--id', 'sample']);
    expect(args.list('features')).toEqual(['a,b']);
    expect(args.optionalString('id-column')).toBe('sample');
    expect(args.warnings).toEqual([
      '--columns is the old spelling of --features; it still works, but write --features (one vocabulary across commands)',
      '--id is the old spelling of --id-column; it still works, but write --id-column (one vocabulary across commands)',
    ]);
  });
  it('gives no warning for the new spellings', () => {
    expect(parseArgs(spec, ['--features', 'a', '--id-column', 's']).warnings).toEqual([]);
  });
});
