/**
 * CPU (user + sys, median of N) of `terraform test -filter=<file>` for each given test file, in a workspace made as
 * test/terraform/harness.ts `createWorkspace` makes it (placeholder zips, mirror-only providers, GOGC, the shared
 * provider attached — its own CPU is not counted, it is the same for every file). Prints runs and median seconds.
 *
 *   node --import tsx test/terraform/cpu-per-file.ts [reps] [dir|file ...]   (no files: every test file)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, findTerraform, moduleDirs, ROOT } from './harness.js';

const cli = findTerraform();
if ('missing' in cli) throw new Error(cli.missing);
const reps = Number(process.argv[2] ?? 3);
const all = moduleDirs().flatMap((dir) => {
  const abs = join(ROOT, dir, 'tests');
  return existsSync(abs)
    ? readdirSync(abs)
        .filter((f) => f.endsWith('.tftest.hcl'))
        .sort()
        .map((f) => `${dir}|tests/${f}`)
    : [];
});
const wanted = process.argv.length > 3 ? process.argv.slice(3) : all;
const ws = createWorkspace(cli);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  for (const dir of new Set(wanted.map((w) => w.split('|')[0]!))) {
    const init = ws.run(['init', '-backend=false', '-input=false', '-no-color'], dir);
    if (init.status !== 0) throw new Error(init.output);
  }
  let total = 0;
  let runs = 0;
  for (const w of wanted) {
    const [dir, file] = w.split('|') as [string, string];
    const count = (readFileSync(join(ws.dir, dir, file), 'utf8').match(/^run\s+"/gm) ?? []).length;
    const cpu: number[] = [];
    for (let i = 0; i < reps; i++) {
      const res = spawnSync(
        '/usr/bin/time',
        ['-f', 'TIME %U %S %e', cli.bin, 'test', '-no-color', `-filter=${file}`],
        {
          cwd: join(ws.dir, dir),
          env: ws.env,
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(res.stderr);
      if (res.status !== 0 || !m) throw new Error(`${w} failed:\n${res.stdout}${res.stderr}`);
      cpu.push(Number(m[1]) + Number(m[2]));
    }
    total += median(cpu);
    runs += count;
    console.log(
      `${dir}/${file}\truns=${count}\tcpu_median=${median(cpu).toFixed(2)}s\tall=${cpu.map((c) => c.toFixed(2)).join(',')}`,
    );
  }
  console.log(`TOTAL\truns=${runs}\tcpu_median_sum=${total.toFixed(2)}s`);
} finally {
  ws.dispose();
}
