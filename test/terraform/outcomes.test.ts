// How the Terraform CLI checks read `terraform test -json`: each file's own outcome out of a process that ran
// several, so one file's failure is reported on that file's test, with its diagnostics. The lines below are
// Terraform 1.11's own output for a passing file and a failing one run by one process, trimmed to the fields read.
import { describe, expect, it } from 'vitest';
import { groupTestFiles, testOutcomes } from './harness.js';

const line = (o: object) => JSON.stringify(o);
const run = (path: string, name: string, progress: string, status?: string) =>
  line({
    '@testfile': path,
    '@testrun': name,
    type: 'test_run',
    test_run: { path, run: name, progress, status },
  });
const file = (path: string, progress: string, status?: string) =>
  line({ '@testfile': path, type: 'test_file', test_file: { path, progress, status } });

const OUTPUT = [
  line({ '@message': 'Terraform 1.11.4', type: 'version' }),
  file('tests/logs.tftest.hcl', 'starting'),
  run('tests/logs.tftest.hcl', 'json_logs', 'starting'),
  run('tests/logs.tftest.hcl', 'json_logs', 'complete', 'pass'),
  file('tests/logs.tftest.hcl', 'complete', 'pass'),
  file('tests/probe.tftest.hcl', 'starting'),
  run('tests/probe.tftest.hcl', 'passes', 'complete', 'pass'),
  run('tests/probe.tftest.hcl', 'fails', 'running'),
  run('tests/probe.tftest.hcl', 'fails', 'complete', 'fail'),
  line({
    '@testfile': 'tests/probe.tftest.hcl',
    '@testrun': 'fails',
    type: 'diagnostic',
    diagnostic: {
      severity: 'error',
      summary: 'Test assertion failed',
      detail: "the probe's assertion failed",
    },
  }),
  file('tests/probe.tftest.hcl', 'teardown'),
  file('tests/probe.tftest.hcl', 'complete', 'fail'),
  'panic: not JSON',
  line({ type: 'test_summary', test_summary: { status: 'fail', passed: 2, failed: 1 } }),
].join('\n');

describe('terraform test -json, several files in one process', () => {
  it('gives each file its own status, runs and diagnostics', () => {
    // Act
    const outcomes = testOutcomes(OUTPUT);

    // Assert
    expect(outcomes.get('tests/logs.tftest.hcl')).toEqual({
      status: 'pass',
      runs: new Map([['json_logs', 'pass']]),
      diagnostics: [],
    });
    const probe = outcomes.get('tests/probe.tftest.hcl');
    expect(probe?.status).toBe('fail');
    expect([...(probe?.runs ?? [])]).toEqual([
      ['passes', 'pass'],
      ['fails', 'fail'],
    ]);
    expect(probe?.diagnostics).toEqual([
      'run "fails": error: Test assertion failed\nthe probe\'s assertion failed',
    ]);
  });

  it('has no outcome for a file the process never completed', () => {
    // Act: the process died after starting the file
    const outcomes = testOutcomes(
      [file('tests/a.tftest.hcl', 'starting'), 'fatal error: out of memory'].join('\n'),
    );

    // Assert
    expect(outcomes.get('tests/a.tftest.hcl')?.status).toBeUndefined();
    expect(outcomes.get('tests/b.tftest.hcl')).toBeUndefined();
  });
});

describe('test files grouped into processes', () => {
  const suite = (dir: string, file: string, runs: number) => ({ dir, file, runs });
  const suites = [
    suite('.', 'tests/validation.tftest.hcl', 51),
    suite('.', 'tests/enterprise.tftest.hcl', 15),
    suite('.', 'tests/plans.tftest.hcl', 14),
    suite('.', 'tests/logs.tftest.hcl', 3),
    suite('modules/table', 'tests/table.tftest.hcl', 21),
    suite('modules/route', 'tests/route.tftest.hcl', 9),
    suite('modules/route', 'tests/more.tftest.hcl', 2),
  ];

  it('keeps a directory in one process unless it holds more than a lane’s share, and loses no file', () => {
    // Act
    const jobs = groupTestFiles(suites, 2);

    // Assert: 115 runs on 2 lanes, a share of 58: the root (83 runs) is split in two, the others stay whole
    expect(jobs.map((j) => [j.dir, j.runs])).toEqual([
      ['.', 51],
      ['.', 32],
      ['modules/table', 21],
      ['modules/route', 11],
    ]);
    expect(jobs.flatMap((j) => j.suites).length).toBe(suites.length);
  });

  it('one lane: one process per directory', () => {
    // Act
    const jobs = groupTestFiles(suites, 1);

    // Assert
    expect(jobs.map((j) => j.dir)).toEqual(['.', 'modules/table', 'modules/route']);
  });
});
