// The live GPU fleet and Kubernetes exporter: dcgm-exporter series on
// /metrics, cAdvisor on /metrics/cadvisor, kubelet volume stats on
// /metrics/kubelet and kube-state-metrics on /metrics/kube-state-metrics,
// each a function of the scenario at the wall clock.

import { createServer } from 'node:http';
import { Scenario } from './scenario';
import { LiveSource } from './series';
import { fleetSource } from './fleet';
import { kubeSources } from './kube';

export interface ExporterOptions {
  scenario: Scenario;
  port: number;
  host?: string;
}

export class FleetExporter {
  private paths: Record<string, LiveSource>;
  private server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const src = this.paths[path];
    if (req.method === 'GET' && src) {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(src.render(Date.now()));
    } else if (req.method === 'GET' && (path === '/healthz' || path === '/')) {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`ok: ${Object.keys(this.paths).join(' ')}\n`);
    } else {
      res
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end(`not found; paths: ${Object.keys(this.paths).join(' ')}\n`);
    }
  });

  constructor(private o: ExporterOptions) {
    const k = kubeSources(o.scenario);
    this.paths = {
      '/metrics': new LiveSource(fleetSource(o.scenario)),
      '/metrics/cadvisor': new LiveSource(k.cadvisor),
      '/metrics/kubelet': new LiveSource(k.kubelet),
      '/metrics/kube-state-metrics': new LiveSource(k.ksm),
    };
  }

  async start(): Promise<number> {
    // Longer than Prometheus' scrape interval, so that scrapes reuse their connection.
    this.server.keepAliveTimeout = 65e3;
    await new Promise<void>((resolve) => this.server.listen(this.o.port, this.o.host ?? '0.0.0.0', resolve));
    const addr = this.server.address();
    return typeof addr === 'object' && addr ? addr.port : this.o.port;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
