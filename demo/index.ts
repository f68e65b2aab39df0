// The demo as a library, for tests and fixtures: the scenario, the
// OpenMetrics generator and the pieces of the live stack.

export * from './scenario';
export * from './series';
export { MODELS, modelState, CONFIDENCE_BUCKETS, CONFIDENCE_BINS, REQUEST_BUCKETS, STAGE_BUCKETS } from './model';
export { LLM_CALLS, llmState, TOKEN_BUCKETS, DURATION_BUCKETS } from './llm';
export { fleetGPUs, gpuState, hostName } from './fleet';
export { servingPods, podState } from './kube';
export {
  generateOpenMetrics,
  openMetricsText,
  backfill,
  runPromtool,
  sourcesFor,
  TARGETS,
  PARTS,
  fileSink,
  readState,
  writeState,
} from './backfill';
export type { OpenMetricsOptions, BackfillOptions, BackfillReport, Part } from './backfill';
export { spanRows, specsToRows, predictSpans, chainSpans, planPredict } from './spans';
export { planChain } from './llm';
export { ClickHouse, otelTracesDDL, waitForClickHouse } from './clickhouse';
export { DemoService } from './service';
export { FleetExporter } from './exporter';
export { LoadGenerator } from './loadgen';
export { OTLPBridge, otlpToRows } from './otlp-bridge';
export { ChdbServer, loadChdb } from './chdb-server';
export { main, parseFlags, parseTime, scenarioFrom } from './main';
