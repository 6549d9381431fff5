/**
 * `npm run docs`: regenerates the README's generated sections from the code, so they cannot drift:
 * - `<!-- BEGIN_TF_INPUTS -->` / `<!-- BEGIN_TF_OUTPUTS -->`: the root module's variables.tf and outputs.tf,
 * - `<!-- BEGIN_ENV -->`: every function's environment from lambdas/config/contract.ts, with the module input
 *   that sets each variable (read from locals.tf).
 * `npm run docs -- --check` changes nothing and exits 1 when the README is out of date (test/terraform runs the
 * same comparison).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';
import { ENVIRONMENT, type FunctionName } from '../lambdas/config/contract.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ModuleVariable {
  readonly name: string;
  readonly type: string | undefined;
  readonly description: string | undefined;
  /** `undefined` when the variable has no default (required). */
  readonly default: unknown;
  readonly required: boolean;
}

export interface ModuleOutput {
  readonly name: string;
  readonly description: string | undefined;
}

type HclJson = Record<string, unknown>;

const parsed = new Map<string, Promise<Record<string, unknown>>>();

/**
 * hcl2json's JSON of one file, parsed once per distinct text: the static checks read every module several times
 * (variables, outputs, environment), and each parse runs the Go parser compiled to WebAssembly. A copy each time, so
 * no caller sees another's changes.
 */
export async function parseHcl(file: string, text: string): Promise<Record<string, unknown>> {
  const key = `${file}\0${text}`;
  let json = parsed.get(key);
  if (!json) {
    json = parse(file, text) as Promise<Record<string, unknown>>;
    parsed.set(key, json);
    json.catch(() => parsed.delete(key));
  }
  return structuredClone(await json);
}

/** Parses every `.tf` file of one module directory (not recursive) into hcl2json's JSON, merged by block type. */
export async function readModuleJson(dir: string): Promise<Record<string, HclJson[]>> {
  const merged: Record<string, HclJson[]> = {};
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort();
  for (const file of files) {
    const json = await parseHcl(file, readFileSync(join(dir, file), 'utf8'));
    for (const [block, value] of Object.entries(json)) {
      const list = Array.isArray(value) ? (value as HclJson[]) : [value as HclJson];
      merged[block] = [...(merged[block] ?? []), ...list];
    }
  }
  return merged;
}

/** `${string}` → `string`: hcl2json wraps expressions in `${…}`. */
export function unwrapExpression(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\$\{([\s\S]*)\}$/.exec(value);
  return m ? m[1] : value;
}

export async function readVariables(dir: string): Promise<ModuleVariable[]> {
  const json = await readModuleJson(dir);
  const out: ModuleVariable[] = [];
  for (const block of json.variable ?? []) {
    for (const [name, defs] of Object.entries(block)) {
      const def = (defs as HclJson[])[0] ?? {};
      const hasDefault = Object.hasOwn(def, 'default');
      out.push({
        name,
        type: unwrapExpression(def.type),
        description: typeof def.description === 'string' ? def.description : undefined,
        default: hasDefault ? def.default : undefined,
        required: !hasDefault,
      });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export async function readOutputs(dir: string): Promise<ModuleOutput[]> {
  const json = await readModuleJson(dir);
  const out: ModuleOutput[] = [];
  for (const block of json.output ?? []) {
    for (const [name, defs] of Object.entries(block)) {
      const def = (defs as HclJson[])[0] ?? {};
      out.push({ name, description: typeof def.description === 'string' ? def.description : undefined });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The module's `<function>_environment` locals: function → { ENV_NAME: terraform expression }. */
export async function readModuleEnvironment(
  dir: string,
): Promise<Record<FunctionName, Record<string, string>>> {
  const json = await readModuleJson(dir);
  const locals = Object.assign({}, ...(json.locals ?? [])) as Record<string, unknown>;
  const pick = (key: string): Record<string, string> => {
    const value = locals[key];
    if (value === undefined || value === null || typeof value !== 'object') {
      throw new Error(`locals.${key} is missing or not an object literal`);
    }
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        String(unwrapExpression(v) ?? ''),
      ]),
    );
  };
  return {
    authorizer: pick('authorizer_environment'),
    'token-trigger': pick('token_trigger_environment'),
    'admin-signout': pick('admin_signout_environment'),
    // automatic_revocation.tf, logout.tf: functions created only when their feature is on.
    'auto-revocation': pick('auto_revocation_environment'),
    introspection: pick('introspection_environment'),
    'token-revocation': pick('token_revocation_environment'),
    logout: pick('logout_environment'),
    // shared_signals.tf, global_token_revocation.tf: created only when their feature is on.
    'shared-signals': pick('shared_signals_environment'),
    'global-token-revocation': pick('global_token_revocation_environment'),
  };
}

/** A multi-line HCL type on one line: `object({ a = string, b = optional(number, 1) })`. */
export function compactType(type: string): string {
  const lines = type
    .split('\n')
    .map((l) => l.trim().replace(/\s+=\s+/g, ' = '))
    .filter(Boolean);
  let out = '';
  for (const line of lines) {
    if (out === '') out = line;
    else if (/[{(]$/.test(out) || /^[})]/.test(line)) out += ` ${line}`;
    else out += `, ${line}`;
  }
  return out;
}

function hclValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const expr = /^\$\{([\s\S]*)\}$/.exec(value);
    return expr ? expr[1]! : JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(hclValue).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k} = ${hclValue(v)}`).join(', ')} }`;
}

/** Markdown table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function code(text: string): string {
  // Inline code that may itself contain backticks.
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

export function renderInputs(variables: readonly ModuleVariable[]): string {
  const rows = variables.map(
    (v) =>
      `| ${code(v.name)} | ${cell(v.description ?? '')} | ${cell(code(compactType(v.type ?? 'any')))} | ${
        v.required ? 'n/a' : cell(code(hclValue(v.default)))
      } | ${v.required ? 'yes' : 'no'} |`,
  );
  return ['| Name | Description | Type | Default | Required |', '|---|---|---|---|:---:|', ...rows].join(
    '\n',
  );
}

export function renderOutputs(outputs: readonly ModuleOutput[]): string {
  const rows = outputs.map((o) => `| ${code(o.name)} | ${cell(o.description ?? '')} |`);
  return ['| Name | Description |', '|---|---|', ...rows].join('\n');
}

export function renderEnvironment(setBy: Record<FunctionName, Record<string, string>>): string {
  const parts: string[] = [];
  for (const fn of Object.keys(ENVIRONMENT) as FunctionName[]) {
    parts.push(
      `#### ${fn}`,
      '',
      '| Variable | Default | Set by the module from | Description |',
      '|---|---|---|---|',
    );
    for (const spec of ENVIRONMENT[fn]) {
      const def =
        spec.default === undefined ? '(required)' : spec.default === '' ? '(empty)' : code(spec.default);
      const from = setBy[fn]?.[spec.name];
      parts.push(
        `| ${code(spec.name)} | ${def} | ${from === undefined ? '**not set**' : from === '' ? '(empty)' : cell(code(from))} | ${cell(spec.description)} |`,
      );
    }
    parts.push('');
  }
  return parts.join('\n').trimEnd();
}

export const MARKERS = {
  inputs: ['<!-- BEGIN_TF_INPUTS -->', '<!-- END_TF_INPUTS -->'],
  outputs: ['<!-- BEGIN_TF_OUTPUTS -->', '<!-- END_TF_OUTPUTS -->'],
  env: ['<!-- BEGIN_ENV -->', '<!-- END_ENV -->'],
} as const;

/** The generated sections, keyed like MARKERS. */
export async function renderSections(root = ROOT): Promise<Record<keyof typeof MARKERS, string>> {
  return {
    inputs: renderInputs(await readVariables(root)),
    outputs: renderOutputs(await readOutputs(root)),
    env: renderEnvironment(await readModuleEnvironment(root)),
  };
}

/** What is between one pair of markers (trimmed), or `undefined` when a marker is missing. */
export function extractSection(
  markdown: string,
  [begin, end]: readonly [string, string],
): string | undefined {
  const from = markdown.indexOf(begin);
  const to = markdown.indexOf(end);
  if (from < 0 || to < from) return undefined;
  return markdown.slice(from + begin.length, to).trim();
}

export function replaceSection(
  markdown: string,
  [begin, end]: readonly [string, string],
  body: string,
): string {
  const from = markdown.indexOf(begin);
  const to = markdown.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${begin} … ${end} markers`);
  return `${markdown.slice(0, from + begin.length)}\n${body}\n${markdown.slice(to)}`;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const readmePath = join(ROOT, 'README.md');
  const before = readFileSync(readmePath, 'utf8');
  const sections = await renderSections();
  let after = before;
  for (const key of Object.keys(MARKERS) as (keyof typeof MARKERS)[]) {
    after = replaceSection(after, MARKERS[key], sections[key]);
  }
  if (check) {
    if (after !== before) {
      console.error('README.md generated sections are out of date: run `npm run docs`.');
      process.exitCode = 1;
    } else {
      console.log('README.md generated sections are up to date.');
    }
    return;
  }
  if (after !== before) writeFileSync(readmePath, after);
  console.log(after === before ? 'README.md already up to date.' : 'README.md generated sections rewritten.');
}

if (process.argv[1] && /scripts[\\/]docs\.ts$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
