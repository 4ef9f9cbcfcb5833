/** A small Prometheus registry: counters and histograms with labels, rendered in the text format. */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  private readonly histograms = new Map<
    string,
    {
      help: string;
      buckets: readonly number[];
      series: Map<string, { counts: number[]; sum: number; n: number }>;
    }
  >();
  private readonly gauges = new Map<string, { help: string; value: number }>();

  count(name: string, help: string, labels: Record<string, string> = {}, by = 1): void {
    const c = this.counters.get(name) ?? { help, values: new Map<string, number>() };
    this.counters.set(name, c);
    const key = labelText(labels);
    c.values.set(key, (c.values.get(key) ?? 0) + by);
  }

  observe(
    name: string,
    help: string,
    buckets: readonly number[],
    labels: Record<string, string>,
    value: number,
  ): void {
    const h = this.histograms.get(name) ?? { help, buckets, series: new Map() };
    this.histograms.set(name, h);
    const key = labelText(labels);
    const s = h.series.get(key) ?? { counts: buckets.map(() => 0), sum: 0, n: 0 };
    h.series.set(key, s);
    for (let i = 0; i < buckets.length; i++) if (value <= buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.n++;
  }

  /** Sets a value that goes up and down (hot-tier size…). */
  set(name: string, help: string, value: number): void {
    this.gauges.set(name, { help, value });
  }

  render(): string {
    const out: string[] = [];
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      for (const [labels, v] of c.values) out.push(`${name}${labels} ${v}`);
    }
    for (const [name, h] of this.histograms) {
      out.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`);
      for (const [labels, s] of h.series) {
        const inner = labels.slice(1, -1);
        const join = (le: string) => `{${inner ? `${inner},` : ''}le="${le}"}`;
        h.buckets.forEach((b, i) => {
          out.push(`${name}_bucket${join(String(b))} ${s.counts[i]}`);
        });
        out.push(
          `${name}_bucket${join('+Inf')} ${s.n}`,
          `${name}_sum${labels} ${s.sum}`,
          `${name}_count${labels} ${s.n}`,
        );
      }
    }
    for (const [name, g] of this.gauges)
      out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.value}`);
    return `${out.join('\n')}\n`;
  }
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
