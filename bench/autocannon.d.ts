// Minimal types for the parts of autocannon the benchmark uses.
declare module 'autocannon' {
  interface Stats {
    average: number;
    p50: number;
    p97_5: number;
    p99: number;
    total: number;
  }
  interface Result {
    requests: Stats;
    /** Bytes received. */
    throughput: Stats;
    latency: Stats;
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: { setupRequest?: (req: { path: string }) => { path: string } }[];
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
