import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Card, Icon, LinkButton, LoadingPlaceholder, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';

import { dashboardEntries } from '../../dashboards';
import { DATASOURCE_TYPE, PLUGIN_BASE_URL, ROUTES } from '../../constants';
import { fetchSetup } from '../data/fetchSetup';
import { setupChecks, type SetupCheck } from '../data/sources';

const STATE_ICON = { ok: 'check-circle', missing: 'info-circle', failing: 'exclamation-triangle' } as const;

export function Overview() {
  const styles = useStyles2(getStyles);
  const [checks, setChecks] = useState<SetupCheck[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    fetchSetup()
      .then((answers) => setChecks(setupChecks(answers)))
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
                  <TextLink href={c.link.href} external={c.link.href.startsWith('http')} inline={false}>
                    {c.link.label}
                  </TextLink>
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
