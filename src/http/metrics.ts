/** A small Prometheus text-format registry: counters and gauges with labels. */
export function createMetrics() {
  const counters = new Map<string, { help: string; values: Map<string, number> }>();
  const gauges = new Map<string, { help: string; read: () => number }>();
  const key = (labels: Record<string, string>) =>
    Object.entries(labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
      .join(",");
  return {
    counter(name: string, help: string) {
      if (!counters.has(name)) counters.set(name, { help, values: new Map() });
      const c = counters.get(name)!;
      return (labels: Record<string, string> = {}, by = 1) => {
        const k = key(labels);
        c.values.set(k, (c.values.get(k) ?? 0) + by);
      };
    },
    gauge(name: string, help: string, read: () => number) {
      gauges.set(name, { help, read });
    },
    render(): string {
      const lines: string[] = [];
      for (const [name, c] of counters) {
        lines.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
        if (c.values.size === 0) lines.push(`${name} 0`);
        for (const [k, v] of c.values) lines.push(`${name}${k ? `{${k}}` : ""} ${v}`);
      }
      for (const [name, g] of gauges) lines.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`);
      return `${lines.join("\n")}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
