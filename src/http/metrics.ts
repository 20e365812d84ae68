import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** One sample of a gauge computed at scrape time. */
export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

/** Seconds buckets for things people wait on (webhooks, API calls, job runs): 5 ms to 1 minute. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Seconds buckets for lateness and alert-to-page time: 10 ms to 30 minutes. */
export const DELAY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];

/**
 * calpage's Prometheus registry (prom-client), one per calpage instance, with the
 * default process metrics (`process_*`, `nodejs_*`). Metric names and label names
 * are fixed when declared; label values must never hold tokens or phone numbers.
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  return {
    registry,
    /** A counter; returns `inc(labels, by = 1)`. Declaring the same name twice returns the same counter. */
    counter(name: string, help: string, labelNames: string[] = []) {
      const existing = registry.getSingleMetric(name);
      const c = existing instanceof Counter ? existing : new Counter({ name, help, labelNames, registers: [registry] });
      return (labels: Record<string, string> = {}, by = 1) => c.inc(labels, by);
    },
    /** A histogram in seconds; returns `observe(labels, seconds)`. */
    histogram(name: string, help: string, labelNames: string[], buckets: number[] = LATENCY_BUCKETS) {
      const existing = registry.getSingleMetric(name);
      const h = existing instanceof Histogram ? existing : new Histogram({ name, help, labelNames, buckets, registers: [registry] });
      return (labels: Record<string, string>, seconds: number) => h.observe(labels, Math.max(0, seconds));
    },
    /**
     * A gauge computed on each scrape by `read` (keep it cheap and bounded). A `read` that
     * fails leaves the gauge empty for that scrape and is reported through `onError`.
     */
    gauge(name: string, help: string, labelNames: string[], read: () => Promise<GaugeSample[]> | GaugeSample[], onError?: (error: unknown) => void) {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          try {
            for (const s of await read()) this.set(s.labels, s.value);
          } catch (error) {
            onError?.(error);
          }
        },
      });
    },
    contentType: registry.contentType as string,
    /** The exposition in Prometheus text format. */
    render(): Promise<string> {
      return registry.metrics();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
