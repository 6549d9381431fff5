#!/usr/bin/env node
// Self time per function and per origin (aws-jwt-verify, node internals, this project) of a .cpuprofile.
import { readFileSync } from 'node:fs';

const profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const perFn = new Map();
const perOrigin = new Map();
for (const [id, us] of self) {
  const { callFrame: f } = byId.get(id);
  const url = f.url || '(native)';
  const key = `${f.functionName || '(anonymous)'}  ${url.replace(/^.*\/(node_modules|lambdas)\//, '$1/')}:${f.lineNumber + 1}`;
  perFn.set(key, (perFn.get(key) ?? 0) + us);
  const origin = /aws-jwt-verify/.test(url)
    ? 'aws-jwt-verify'
    : /\/lambdas\//.test(url)
      ? 'lambdas/'
      : /^node:/.test(url)
        ? 'node internals'
        : f.functionName === '(garbage collector)'
          ? 'GC'
          : f.functionName === '(idle)' || f.functionName === '(program)'
            ? f.functionName
            : url === '(native)'
              ? 'native'
              : 'other';
  perOrigin.set(origin, (perOrigin.get(origin) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log(`total sampled ${(total / 1000).toFixed(0)} ms`);
for (const [k, v] of [...perOrigin].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(v)}  ${k}`);
console.log('top functions by self time:');
for (const [k, v] of [...perFn].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 30)))
  console.log(`  ${pct(v)}  ${k}`);

// Inclusive time per function name inside the subtree of one function (argv[4], e.g. `authorize`), as a share of
// that subtree: where the decision's own time goes.
const root = process.argv[4];
if (root) {
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map();
  let under = 0;
  for (const [id, us] of self) {
    // The names on this sample's stack below the first `root` frame (each name once).
    const stack = [];
    for (let cur = id; cur !== undefined; cur = parent.get(cur))
      stack.push(byId.get(cur).callFrame.functionName || '(anonymous)');
    const at = stack.lastIndexOf(root);
    if (at === -1) continue;
    under += us;
    for (const name of new Set(stack.slice(0, at))) inclusive.set(name, (inclusive.get(name) ?? 0) + us);
  }
  console.log(`inside ${root}: ${(under / 1000).toFixed(0)} ms; inclusive share per function:`);
  for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 40))
    console.log(`  ${((100 * v) / under).toFixed(1).padStart(5)} %  ${k}`);
}
