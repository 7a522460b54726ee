/**
 * A one-node Slurm cluster for a test, from Debian's slurm-wlm and munge
 * packages: munged, slurmctld and slurmd started as this test's own child
 * processes with a generated key, slurm.conf and state folders in a temp
 * folder, on free ports. `stop()` ends exactly those processes (by pid).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { cpus, hostname } from 'node:os';
import { join } from 'node:path';

export interface SlurmCluster {
  /** Environment for sbatch/squeue (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  dir: string;
  /** SIGTERM to each daemon this test started, then wait for it to exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo'];

/** Why a cluster cannot start here (a binary is missing), or null. */
export function missingSlurm(): string | null {
  const missing = BINARIES.filter((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status !== 0);
  return missing.length ? `${missing.join(', ')} not installed (apt-get install slurm-wlm munge)` : null;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => done(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function slurmConf(dir: string, node: string, ports: [number, number]): string {
  return [
    'ClusterName=relevancetest',
    `SlurmctldHost=${node}`,
    `SlurmctldPort=${ports[0]}`,
    `SlurmdPort=${ports[1]}`,
    'AuthType=auth/munge',
    `AuthInfo=socket=${join(dir, 'munge', 'munge.sock')}`,
    'CredType=cred/munge',
    `SlurmUser=${process.getuid?.() === 0 ? 'root' : process.env.USER ?? 'root'}`,
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'JobCompType=jobcomp/none',
    'SchedulerType=sched/backfill',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_CPU',
    'MpiDefault=none',
    'ReturnToService=2',
    'InactiveLimit=0',
    'MinJobAge=600',
    `NodeName=${node} NodeAddr=127.0.0.1 CPUs=${cpus().length} State=UNKNOWN`,
    'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n');
}

function tail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' | ') : '(no log)';
}

/** Start munged, slurmctld and slurmd; resolves when the node is idle, or throws with the reason. */
export async function startSlurmCluster(dir: string, timeoutMs = 30000): Promise<SlurmCluster> {
  const node = hostname().split('.')[0]!;
  for (const d of ['munge', 'state', 'spool']) mkdirSync(join(dir, d), { recursive: true });
  chmodSync(join(dir, 'munge'), 0o711);
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o600 });
  const conf = join(dir, 'slurm.conf');
  writeFileSync(conf, slurmConf(dir, node, [await freePort(), await freePort()]));
  const env = { ...process.env, SLURM_CONF: conf };
  const children: ChildProcess[] = [];
  const start = (cmd: string, args: string[]): void => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('error', () => undefined);
    children.push(child);
  };
  const stop = async (): Promise<void> => {
    for (const c of [...children].reverse()) {
      if (c.exitCode !== null || c.signalCode !== null || !c.pid) continue;
      const exited = new Promise<void>((done) => c.once('exit', () => done()));
      process.kill(c.pid, 'SIGTERM');
      const timer = setTimeout(() => c.pid && c.exitCode === null && process.kill(c.pid, 'SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    }
  };
  const m = join(dir, 'munge');
  start('munged', ['-F', '-f', `--key-file=${key}`, `--socket=${join(m, 'munge.sock')}`, `--pid-file=${join(m, 'munged.pid')}`, `--log-file=${join(m, 'munged.log')}`, `--seed-file=${join(m, 'munged.seed')}`]);
  await sleep(500);
  start('slurmctld', ['-D', '-i', '-f', conf]);
  start('slurmd', ['-D', '-f', conf, '-N', node]);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const s = spawnSync('sinfo', ['-h', '-o', '%t'], { env, encoding: 'utf8' });
    if (s.status === 0 && /idle|mix/.test(s.stdout)) return { env, dir, stop };
    if (children.some((c) => c.exitCode !== null)) break;
    await sleep(500);
  }
  await stop();
  throw new Error(`the one-node Slurm cluster did not come up: munged ${tail(join(m, 'munged.log'))}; slurmctld ${tail(join(dir, 'slurmctld.log'))}; slurmd ${tail(join(dir, 'slurmd.log'))}`);
}

/** Wait until no job of this cluster is pending or running. */
export async function waitForJobs(cluster: SlurmCluster, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const q = spawnSync('squeue', ['-h'], { env: cluster.env, encoding: 'utf8' });
    if (q.status === 0 && q.stdout.trim() === '') return;
    await sleep(1000);
  }
  throw new Error(`Slurm jobs still queued after ${timeoutMs / 1000} s`);
}
