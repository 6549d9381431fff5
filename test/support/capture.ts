/**
 * Captures what the code under test writes — its JSON log lines and EMF metrics — until `restore()`: stdout,
 * and stderr too unless `{ stderr: false }`. Nothing captured reaches the terminal.
 */
export interface Capture {
  /** Everything written since `mark` (an offset from `offset()`; by default since the capture started). */
  text(mark?: number): string;
  /** How much has been written so far: a mark for `text`, `lines` and `json`. */
  offset(): number;
  /** The lines written since `mark` (a last line still without its newline included). */
  lines(mark?: number): string[];
  /** The JSON lines (those starting with `{`) since `mark`, parsed; one that does not parse throws. */
  json(mark?: number): Record<string, unknown>[];
  restore(): void;
}

type Stream = NodeJS.WriteStream;

export function captureOutput(options: { stderr?: boolean } = {}): Capture {
  let written = '';
  const intercept = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  };
  const streams: Stream[] = options.stderr === false ? [process.stdout] : [process.stdout, process.stderr];
  const restores = streams.map((stream) => {
    const own = Object.hasOwn(stream, 'write');
    const original = stream.write;
    stream.write = intercept as Stream['write'];
    return () => {
      if (own) stream.write = original;
      else delete (stream as Partial<Stream>).write; // the prototype's write again
    };
  });
  const lines = (mark = 0) => {
    const all = written.slice(mark).split('\n');
    if (all.at(-1) === '') all.pop();
    return all;
  };
  return {
    text: (mark = 0) => written.slice(mark),
    offset: () => written.length,
    lines,
    json: (mark = 0) =>
      lines(mark)
        .filter((line) => line.startsWith('{'))
        .map((line) => {
          try {
            return JSON.parse(line) as Record<string, unknown>;
          } catch {
            throw new Error(`captured output has a line that is not JSON: ${line.slice(0, 200)}`);
          }
        }),
    restore: () => {
      for (const restore of restores) restore();
    },
  };
}
