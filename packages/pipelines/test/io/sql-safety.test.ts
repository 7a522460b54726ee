/**
 * What user SQL may do (docs/RELIABILITY.md): exactly one SELECT statement,
 * which may read local files. Nothing after a ';' runs, nothing is written,
 * attached, set or installed, for every command that takes --sql (study,
 * predict, tsne) and for the influence study's --where.
 */
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { mlp, saveModelFile } from '@relevance/methods';
import { readTableSql } from '../../src/index.js';
import { withConnection } from '../../src/io/duckdb.js';
import { runCaptured } from '../cli/helpers/run-cli.js';
import { useTempDir } from './helpers/temp-dir.js';

const tmp = useTempDir('relevance-sql-');
const VICTIM_TEXT = 'precious,data\n1,2\n';

function table(): string {
  const lines = ['id,a,b,c,d'];
  for (let r = 0; r < 12; r++) lines.push(`r${r},${r},${(r * 7) % 5},${(r * 3) % 4},${r % 2}`);
  return tmp.write('a.csv', `${lines.join('\n')}\n`);
}

const data = table();
const victim = (): string => tmp.write('victim.csv', VICTIM_TEXT);

/** Queries that must never run, with what they would have done. */
function attacks(): Array<[string, string, () => void]> {
  const v = victim();
  const db = tmp.path('attached.db');
  return [
    ['COPY after a ;', `select * from '${data}'; COPY (select 'x') TO '${v}'`, () => expect(readFileSync(v, 'utf8')).toBe(VICTIM_TEXT)],
    ['ATTACH ; CREATE TABLE', `select * from '${data}'; ATTACH '${db}' AS x; CREATE TABLE x.t AS SELECT 1`, () => expect(existsSync(db)).toBe(false)],
    ['SET ; INSTALL', `select * from '${data}'; SET autoinstall_known_extensions=true; INSTALL httpfs`, () => {}],
    ['a lone COPY', `COPY (select 'x') TO '${v}'`, () => expect(readFileSync(v, 'utf8')).toBe(VICTIM_TEXT)],
    ['a lone ATTACH', `ATTACH '${db}' AS x`, () => expect(existsSync(db)).toBe(false)],
  ];
}

describe('the DuckDB instance', () => {
  it('has extension install and autoload off, and its configuration locked, on every connection', async () => {
    for (let i = 0; i < 2; i++) {
      const settings = await withConnection(async (con) => {
        const r = await con.runAndReadAll(
          "select current_setting('autoinstall_known_extensions') as i, current_setting('autoload_known_extensions') as l, current_setting('lock_configuration') as k",
        );
        return r.getRowObjectsJS()[0];
      });
      expect(settings).toEqual({ i: false, l: false, k: true });
    }
    await expect(withConnection((con) => con.run('SET autoload_known_extensions=true'))).rejects.toThrow(/locked/);
  });
});

describe('readTableSql', () => {
  for (const [name, sql, unchanged] of attacks()) {
    it(`refuses ${name}, and nothing of it runs`, async () => {
      await expect(readTableSql(sql)).rejects.toThrow(/--sql query: (holds \d SQL statements|is a \w+ statement); .*one SELECT/);
      unchanged();
    });
  }

  it('reads with one SELECT, a WITH ... SELECT, and a trailing semicolon', async () => {
    expect((await readTableSql(`select * from '${data}'`)).rows).toBe(12);
    expect((await readTableSql(`with t as (select * from '${data}' where a < 5) select * from t;`)).rows).toBe(5);
  });

  it('cannot reach the network: an http file fails at once, no extension is fetched', async () => {
    const started = performance.now();
    await expect(readTableSql("select * from 'http://127.0.0.1:9/x.parquet'")).rejects.toThrow(/--sql query failed/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('commands with --sql refuse a second statement (exit 2) and leave the files alone', () => {
  let model = '';
  beforeAll(async () => {
    const be = await createBackend('reference');
    const m = mlp(be, { inputs: 4, hidden: [3], outputs: 2, seed: 1 });
    model = tmp.path('model.relevance');
    await saveModelFile(m, model);
    m.dispose();
    be.destroy();
  });

  const argvOf = (name: string): string[] =>
    ({
      'study proteomics': ['study', 'proteomics', '--epochs', '1', '--masks', '1', '--out', tmp.path('run-study')],
      predict: ['predict', '--model', model, '--columns', 'a,b,c,d', '--out', tmp.path('pred.csv')],
      tsne: ['tsne', '--out', tmp.path('emb.csv'), '--perplexity', '2'],
    })[name]!;

  it.each(['study proteomics', 'predict', 'tsne'])('%s --sql "select ...; COPY ..." exits 2, writes nothing, creates no --out', async (name) => {
    const argv = argvOf(name);
    const v = victim();
    const r = await runCaptured([...argv, '--sql', `select * from '${data}'; COPY (select 'x') TO '${v}'`, '-q']);
    expect(r.stderr, name).toMatch(/--sql query: holds 2 SQL statements; give exactly one SELECT/);
    expect(r.code, name).toBe(2);
    expect(readFileSync(v, 'utf8')).toBe(VICTIM_TEXT);
    expect(existsSync(argv[argv.indexOf('--out') + 1]!)).toBe(false);
  });

  it('study influence --where cannot smuggle a statement either', async () => {
    const v = victim();
    const labelled = tmp.write('labelled.csv', 'id,label,f0,f1\n' + Array.from({ length: 30 }, (_, r) => `s${r},${'AB'[r % 2]},${r % 7},${(r * 3) % 5}`).join('\n') + '\n');
    const r = await runCaptured(['study', 'influence', '--data', labelled, '--label-column', 'label', '--epochs', '2', '--where', `1=1); COPY (select 'x') TO '${v}'; select (1`, '--out', tmp.path('run-influence'), '-q']);
    expect(r.stderr).toMatch(/--where .*: holds 3 SQL statements/);
    expect(r.code).toBe(2);
    expect(readFileSync(v, 'utf8')).toBe(VICTIM_TEXT);
  });
});
