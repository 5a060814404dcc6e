// A strict reader of the Prometheus text exposition format (version 0.0.4), enough to
// prove that what /metrics serves would be accepted by a Prometheus server: every line is a
// HELP, a TYPE or a sample of a declared family, and each histogram is consistent.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly type: string;
  readonly help: string | undefined;
  readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

// As Prometheus reads values (Go's ParseFloat): Inf and NaN in any case; prom-client writes `Nan`.
function number(text: string): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new Error(`not a number: ${text}`);
  return Number(text);
}

function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const match = LABEL.exec(rest);
    if (!match) throw new Error(`bad labels: {${text}}`);
    const [whole, name = '', value = ''] = match;
    if (name in labels) throw new Error(`label ${name} twice: {${text}}`);
    labels[name] = value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(whole.length);
  }
  return labels;
}

/** The families of `text`; throws on the first line a Prometheus server would refuse. */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family & { help: string | undefined }>();
  const familyOf = (sample: string): string | undefined => {
    for (const [name, family] of families) {
      const suffixes = SUFFIXES[family.type] ?? [''];
      if (suffixes.some((suffix) => sample === name + suffix)) return name;
    }
    return undefined;
  };
  if (!text.endsWith('\n')) throw new Error('the text must end with a line feed');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (!new RegExp(`^${NAME}$`).test(name)) throw new Error(`bad metric name: ${line}`);
      const family = families.get(name) ?? { type: 'untyped', help: undefined, samples: [] };
      if (kind === 'TYPE') {
        if (!TYPES.includes(rest)) throw new Error(`bad type: ${line}`);
        if (families.has(name) && family.type !== 'untyped') throw new Error(`TYPE twice: ${line}`);
        families.set(name, { ...family, type: rest });
      } else families.set(name, { ...family, help: rest });
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a sample: ${line}`);
    const [, name = '', labels = '', value = ''] = match;
    const family = familyOf(name);
    if (family === undefined) throw new Error(`sample of no declared family: ${line}`);
    families.get(family)?.samples.push({ name, labels: labelsOf(labels), value: number(value) });
  }
  for (const [name, family] of families)
    if (family.type === 'histogram') checkHistogram(name, family);
  return families;
}

/** Buckets cumulative, ending at +Inf with the count, per label set. */
function checkHistogram(name: string, family: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(rest);
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (sample.name.endsWith('_bucket')) entry.buckets.push([number(le ?? 'x'), sample.value]);
    if (sample.name.endsWith('_count')) entry.count = sample.value;
  }
  for (const [key, { buckets, count }] of series) {
    const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
    const last = sorted.at(-1);
    if (!last || last[0] !== Number.POSITIVE_INFINITY || last[1] !== count)
      throw new Error(`${name}${key}: the +Inf bucket must equal the count`);
    sorted.reduce((previous, [, value]) => {
      if (value < previous) throw new Error(`${name}${key}: buckets are not cumulative`);
      return value;
    }, 0);
  }
}

/** The sum of `name`'s samples whose labels include `labels`. */
export function total(
  families: Map<string, Family>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const family of families.values())
    for (const sample of family.samples)
      if (sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v))
        sum += sample.value;
  return sum;
}
