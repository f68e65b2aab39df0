import React, { useEffect, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv, PluginPage } from '@grafana/runtime';
import { Alert, Card, Icon, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import { dashboardEntries } from '../../dashboards';
import { DATASOURCE_TYPE, PLUGIN_BASE_URL, ROUTES } from '../../constants';
import { setupChecks, type DatasourceHealth, type SetupCheck, type SourceStatus } from '../data/sources';

async function loadHealth(): Promise<DatasourceHealth[]> {
  // The replacement APIs are Grafana 13 only; the app supports 12.3 too.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const list = getDataSourceSrv().getList({ pluginId: DATASOURCE_TYPE });
  return Promise.all(
    list.map(async (ds) => {
      try {
        const resp = await lastValueFrom(
          getBackendSrv().fetch<{ sources: SourceStatus[] }>({
            url: `/api/datasources/uid/${ds.uid}/resources/sources`,
            showErrorAlert: false,
          })
        );
        return { uid: ds.uid, name: ds.name, sources: resp.data.sources };
      } catch (e) {
        const message = (e as { data?: { error?: string } }).data?.error ?? 'the datasource did not answer';
        return { uid: ds.uid, name: ds.name, sources: [], error: message };
      }
    })
  );
}

const STATE_ICON = { ok: 'check-circle', missing: 'info-circle', failing: 'exclamation-triangle' } as const;

export function Overview() {
  const styles = useStyles2(getStyles);
  const [checks, setChecks] = useState<SetupCheck[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    loadHealth()
      .then((h) => setChecks(setupChecks(h)))
      .catch((e: Error) => setError(e.message));
  }, []);

  return (
    <PluginPage>
      <Stack direction="column" gap={2}>
        <Text element="p" color="secondary">
          mlwatch shows what generic monitoring misses in ML systems: data drift, prediction quality, GPU stragglers and
          slow inference or LLM calls.
        </Text>
        {error && <Alert title="Could not check the setup">{error}</Alert>}
        {!checks && !error && <LoadingPlaceholder text="Checking your setup" />}
        {checks && (
          <ul className={styles.list} aria-label="Setup checks">
            {checks.map((c) => (
              <li key={c.id} className={styles.item} data-testid={`setup-check-${c.id}`} data-state={c.state}>
                <Icon name={STATE_ICON[c.state]} className={styles[c.state]} size="lg" />
                <div>
                  <Text weight="medium">{c.title}</Text>
                  <Text element="p" color="secondary">
                    {c.detail}
                  </Text>
                </div>
              </li>
            ))}
          </ul>
        )}
        <Stack gap={1}>
          <LinkButton
            icon="plus"
            href={`/connections/datasources/edit/new?type=${DATASOURCE_TYPE}`}
            variant="secondary"
          >
            Add an mlwatch datasource
          </LinkButton>
          <LinkButton icon="bell" href={`${PLUGIN_BASE_URL}/${ROUTES.Alerts}`} variant="secondary">
            Alert templates
          </LinkButton>
        </Stack>
        <section aria-label="Dashboards">
          <Text element="h2" variant="h4">
            Dashboards
          </Text>
          <ul className={styles.dashboards}>
            {dashboardEntries().map((d) => (
              <li key={d.uid}>
                <Card href={`/d/${d.uid}`} data-testid={`dashboard-${d.uid}`}>
                  <Card.Heading>{d.title}</Card.Heading>
                  <Card.Description>{d.description}</Card.Description>
                </Card>
              </li>
            ))}
          </ul>
        </section>
      </Stack>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ listStyle: 'none', display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) }),
  dashboards: css({
    listStyle: 'none',
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))',
    gap: theme.spacing(1),
  }),
  item: css({ display: 'flex', gap: theme.spacing(1.5), alignItems: 'flex-start' }),
  ok: css({ color: theme.colors.success.text }),
  missing: css({ color: theme.colors.info.text }),
  failing: css({ color: theme.colors.warning.text }),
});
