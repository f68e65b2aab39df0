/** One source's health, as the datasource's /sources resource reports it. */
export interface SourceStatus {
  source: 'prometheus' | 'clickhouse';
  configured: boolean;
  ok: boolean;
  address?: string;
  version?: string;
  problem?: string;
  message: string;
}

export interface DatasourceHealth {
  uid: string;
  name: string;
  sources: SourceStatus[];
  error?: string;
}

export type CheckState = 'ok' | 'missing' | 'failing';

export interface SetupCheck {
  id: string;
  title: string;
  state: CheckState;
  detail: string;
}

const SOURCE_TITLES: Record<SourceStatus['source'], string> = {
  prometheus: 'Prometheus metrics',
  clickhouse: 'ClickHouse traces and tables',
};

/** Turns datasource health answers into the overview's checklist. */
export function setupChecks(datasources: DatasourceHealth[]): SetupCheck[] {
  if (datasources.length === 0) {
    return [
      {
        id: 'datasource',
        title: 'mlwatch datasource',
        state: 'missing',
        detail: 'No mlwatch datasource yet. Add one and point it at your Prometheus and ClickHouse.',
      },
    ];
  }
  const checks: SetupCheck[] = [
    {
      id: 'datasource',
      title: 'mlwatch datasource',
      state: datasources.some((d) => !d.error) ? 'ok' : 'failing',
      detail: datasources.map((d) => (d.error ? `${d.name}: ${d.error}` : d.name)).join('; '),
    },
  ];
  for (const source of ['prometheus', 'clickhouse'] as const) {
    const statuses = datasources.flatMap((d) => d.sources.filter((s) => s.source === source && s.configured));
    const healthy = statuses.find((s) => s.ok);
    checks.push({
      id: source,
      title: SOURCE_TITLES[source],
      state: healthy ? 'ok' : statuses.length > 0 ? 'failing' : 'missing',
      detail: healthy?.message ?? statuses[0]?.message ?? `Not configured in any mlwatch datasource.`,
    });
  }
  return checks;
}
