/**
 * The metrics contract (lambdas/config/metrics.ts) against what the code emits and what monitoring.tf reads:
 * - every metric name the Lambda sources emit (`metrics.add('…')`, `recorder.count('…')`) is in the contract;
 * - every contract name is in the built bundle of each function said to emit it (`dist/<fn>/index.js`; the
 *   `Reason_<reason>`, `Revoked_<scope>`, `ok_/failed_<operation>` families by their parts);
 * - every metric name monitoring.tf alarms on or charts is in the contract, and its lists of reasons, scopes and
 *   trigger sources are the contract's.
 * A name added to the code, the contract or the Terraform alone fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DECISION_REASONS,
  METRIC_NAMES,
  METRICS,
  REVOCATION_SCOPES,
  TRIGGER_SOURCES,
} from '../../lambdas/config/metrics.js';
import { bundleFile, ROOT } from '../fixtures/bundles.js';

/** AWS's own metrics monitoring.tf may name (not emitted by the functions). */
const AWS_METRICS = new Set(['ApproximateNumberOfMessagesVisible']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Metric names emitted with a literal name anywhere under lambdas/. */
function emittedLiterals(): Set<string> {
  const names = new Set<string>();
  for (const file of sources(join(ROOT, 'lambdas'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/metrics\.add\(\s*'([A-Za-z_]+)'/g)) names.add(m[1] ?? '');
    for (const m of text.matchAll(/recorder\.count\(\s*'([A-Za-z_]+)'/g)) names.add(m[1] ?? '');
    for (const m of text.matchAll(/metrics\.add\(\s*\w+\s*\?\s*'([A-Za-z_]+)'\s*:\s*'([A-Za-z_]+)'/g)) {
      names.add(m[1] ?? '');
      names.add(m[2] ?? '');
    }
  }
  return names;
}

/** Names monitoring.tf reads, with its templated families expanded by its own lists. */
function monitoringNames(tf: string): { names: Set<string>; lists: Record<string, string[]> } {
  const list = (local: string): string[] => {
    const block = new RegExp(`${local}\\s*=\\s*\\[([^\\]]*)\\]`).exec(tf)?.[1] ?? '';
    return [...block.matchAll(/"([^"]+)"/g)].map((m) => m[1] ?? '');
  };
  const lists = {
    decision_reasons: list('decision_reasons'),
    trigger_sources: list('trigger_sources'),
    scopes: [...(/for s in \[([^\]]*)\] : "Revoked_/.exec(tf)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map(
      (m) => m[1] ?? '',
    ),
  };
  const names = new Set<string>();
  const add = (re: RegExp) => {
    for (const m of tf.matchAll(re)) if (m[1]) names.add(m[1]);
  };
  add(/\bmetric\s*=\s*"([^"$]+)"/g);
  add(/\bname\s*=\s*"([^"$]+)"\s*,\s*dimensions/g);
  add(/\bmetric_name\s*=\s*"([^"$]+)"/g);
  add(/\[var\.metrics_namespace,\s*"([^"$]+)"/g);
  const monitored = /monitoring_metric_names\s*=\s*\{([\s\S]*?)\n {2}\}/.exec(tf)?.[1] ?? '';
  const literal = monitored.replace(/for \w+ in \[[^\]]*\]/g, '');
  for (const m of literal.matchAll(/"([A-Za-z_]+)"/g)) if (m[1]) names.add(m[1]);
  // Terraform's own template syntax, matched as text.
  const template = (prefix: string, v: string) => `"${prefix}_$\{${v}}"`;
  if (tf.includes(template('Reason', 'r'))) for (const r of lists.decision_reasons) names.add(`Reason_${r}`);
  if (tf.includes(template('Revoked', 's'))) for (const s of lists.scopes) names.add(`Revoked_${s}`);
  return { names, lists };
}

const unknown = (names: Iterable<string>) =>
  [...names].filter((n) => !METRIC_NAMES.has(n) && !AWS_METRICS.has(n));

describe('metrics contract (lambdas/config/metrics.ts)', () => {
  it('every metric name emitted in lambdas/ is in the contract', () => {
    // Arrange
    const emitted = emittedLiterals();
    // Act
    const missing = unknown(emitted);
    // Assert
    expect(emitted.size).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('every contract name is in the bundle of each function said to emit it', () => {
    // Arrange
    const bundles = new Map<string, string>();
    const bundle = (fn: string) => {
      if (!bundles.has(fn)) bundles.set(fn, readFileSync(bundleFile(fn), 'utf8'));
      return bundles.get(fn) ?? '';
    };
    const quoted = (text: string, s: string) =>
      text.includes(`"${s}"`) || text.includes(`'${s}'`) || text.includes(`\`${s}`);
    // Act
    const absent: string[] = [];
    for (const spec of METRICS) {
      for (const fn of spec.services) {
        const text = bundle(fn);
        const [family, rest] = /^(Reason|Revoked|ok|failed)_(.+)$/.exec(spec.name)?.slice(1) ?? [];
        // Families are built from a template (`Reason_${reason}`, `${ok ? 'ok' : 'failed'}_${operation}`): look
        // for their parts.
        const found =
          family === 'Reason' || family === 'Revoked'
            ? text.includes(`${family}_`) && quoted(text, rest ?? '')
            : family === 'ok' || family === 'failed'
              ? quoted(text, family) && quoted(text, rest ?? '')
              : quoted(text, spec.name);
        if (!found) absent.push(`${fn}: ${spec.name}`);
      }
    }
    // Assert
    expect(absent).toEqual([]);
  });

  it('monitoring.tf names only contract metrics, and its lists are the contract’s', () => {
    // Arrange
    const tf = readFileSync(join(ROOT, 'monitoring.tf'), 'utf8');
    // Act
    const { names, lists } = monitoringNames(tf);
    // Assert
    expect(names.size).toBeGreaterThan(20);
    expect(unknown(names)).toEqual([]);
    expect(lists.decision_reasons).toEqual([...DECISION_REASONS]);
    expect(lists.trigger_sources).toEqual([...TRIGGER_SOURCES]);
    expect(lists.scopes).toEqual([...REVOCATION_SCOPES]);
  });

  it('the check catches a drifted name (a metric the functions do not emit)', () => {
    // Arrange
    const tf = `metric = "FailOpen"\nmetric = "FailOpenDecisions"\n`;
    // Act
    const { names } = monitoringNames(tf);
    // Assert
    expect(unknown(names)).toEqual(['FailOpenDecisions']);
  });
});
