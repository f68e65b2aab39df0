import React, { useEffect, useMemo, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { getBackendSrv, PluginPage } from '@grafana/runtime';
import {
  Alert,
  Badge,
  Button,
  Card,
  ClipboardButton,
  Combobox,
  type ComboboxOption,
  Field,
  FileUpload,
  Input,
  RadioButtonGroup,
  Stack,
  Tab,
  TabsBar,
  Text,
  useStyles2,
} from '@grafana/ui';

import {
  AREA_TITLES,
  AREAS,
  catalog,
  defaults,
  exportBundleJson,
  getTemplate,
  parseBundle,
  SEVERITIES,
  type AlertTemplate,
  type Area,
  type ParameterSpec,
  type Severity,
  type TemplateInstance,
} from '../alerts';
import {
  type CatalogFilter,
  downloadName,
  FORMATS,
  type Format,
  formParameters,
  formText,
  filterCatalog,
  installMessage,
  installRequests,
  preview,
} from '../catalog/catalogState';
import { type AppSettings, settingsParameters } from '../catalog/settings';

const SEVERITY_COLOR = { critical: 'red', warning: 'orange', info: 'blue' } as const;

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

function initialForm(t: AlertTemplate, settings: AppSettings): Record<string, string> {
  return formText(t.parameters, { ...defaults(t), ...settingsParameters(t, settings) });
}

interface InstallState {
  busy: boolean;
  message?: string;
  ok?: boolean;
}

export function AlertTemplates({ settings }: { settings: AppSettings }) {
  const styles = useStyles2(getStyles);
  const entries = useMemo(() => catalog(), []);
  const [filter, setFilter] = useState<CatalogFilter>({ search: '', area: '', severity: '' });
  const [selected, setSelected] = useState<string>(entries[0].id);
  const template = getTemplate(selected)!;
  const [form, setForm] = useState<Record<string, string>>(() => initialForm(template, settings));
  const [format, setFormat] = useState<Format>('grafana');
  const [folderUid, setFolderUid] = useState(settings.folderUid);
  const [folders, setFolders] = useState<Array<ComboboxOption<string>>>([
    { label: settings.folderUid, value: settings.folderUid },
  ]);
  const [install, setInstall] = useState<InstallState>({ busy: false });
  const [bundle, setBundle] = useState<TemplateInstance[]>([]);
  const [importProblems, setImportProblems] = useState<string[]>([]);

  useEffect(() => {
    lastValueFrom(
      getBackendSrv().fetch<Array<{ uid: string; title: string }>>({ url: '/api/folders', showErrorAlert: false })
    )
      .then((r) => {
        const list = r.data.map((f) => ({ label: f.title, value: f.uid, description: f.uid }));
        if (!list.some((f) => f.value === settings.folderUid)) {
          list.unshift({ label: settings.folderUid, value: settings.folderUid, description: 'from the app settings' });
        }
        setFolders(list);
      })
      .catch(() => {});
  }, [settings.folderUid]);

  const shown = filterCatalog(entries, filter);
  const instance: TemplateInstance = { id: template.id, parameters: formParameters(template.parameters, form) };
  const result = preview([instance], { folderUid });
  const bundleResult = bundle.length > 0 ? preview(bundle, { folderUid }) : undefined;

  const select = (id: string) => {
    const t = getTemplate(id)!;
    setSelected(id);
    setForm(initialForm(t, settings));
    setInstall({ busy: false });
  };

  const create = async (instances: TemplateInstance[]) => {
    setInstall({ busy: true });
    const failed: Array<{ title: string; message: string }> = [];
    let created = 0;
    for (const req of installRequests(instances, folderUid)) {
      try {
        await lastValueFrom(getBackendSrv().fetch({ ...req, showErrorAlert: false }));
        created++;
      } catch (e) {
        const data = (e as { data?: { message?: string } }).data;
        failed.push({ title: (req.data as { title: string }).title, message: data?.message ?? 'request failed' });
      }
    }
    setInstall({ busy: false, ok: failed.length === 0, message: installMessage(created, failed, folderUid) });
  };

  const onImport = async (file: File) => {
    const r = parseBundle(await file.text());
    if (r.ok) {
      setBundle(r.instances);
      setImportProblems([]);
    } else {
      setImportProblems(r.problems);
    }
  };

  return (
    <PluginPage>
      <div className={styles.layout}>
        <section aria-label="Template catalog" className={styles.catalog}>
          <Stack direction="column" gap={1}>
            <Input
              placeholder="Search templates"
              aria-label="Search templates"
              value={filter.search}
              onChange={(e) => setFilter({ ...filter, search: e.currentTarget.value })}
            />
            <Combobox<Area | ''>
              id="mlwatch-area-filter"
              placeholder="Area"
              options={[{ label: 'All areas', value: '' }, ...AREAS.map((a) => ({ label: AREA_TITLES[a], value: a }))]}
              value={filter.area}
              onChange={(o) => setFilter({ ...filter, area: o.value })}
            />
            <RadioButtonGroup<Severity | ''>
              size="sm"
              options={[{ label: 'Any severity', value: '' }, ...SEVERITIES.map((s) => ({ label: s, value: s }))]}
              value={filter.severity}
              onChange={(severity) => setFilter({ ...filter, severity })}
            />
            <Text color="secondary" variant="bodySmall" data-testid="catalog-count">
              {shown.length} of {entries.length} templates
            </Text>
            <ul className={styles.list}>
              {shown.map((e) => (
                <li key={e.id}>
                  <Card isSelected={e.id === selected} onClick={() => select(e.id)} data-testid={`template-${e.id}`}>
                    <Card.Heading>{e.title}</Card.Heading>
                    <Card.Meta>{[e.id, AREA_TITLES[e.area]]}</Card.Meta>
                    <Card.Tags>
                      <Badge text={e.severity} color={SEVERITY_COLOR[e.severity]} />
                    </Card.Tags>
                  </Card>
                </li>
              ))}
            </ul>
          </Stack>
        </section>

        <section aria-label="Template" className={styles.detail}>
          <Stack direction="column" gap={2}>
            <div>
              <Text element="h2" variant="h3">
                {template.title} ({template.id})
              </Text>
              <Text element="p" color="secondary">
                {template.description}
              </Text>
            </div>
            <div className={styles.form}>
              {template.parameters.map((p) => (
                <ParameterField
                  key={p.name}
                  spec={p}
                  value={form[p.name] ?? ''}
                  problem={result.byParameter[p.name]}
                  onChange={(v) => setForm({ ...form, [p.name]: v })}
                />
              ))}
            </div>
            {!result.ok && (
              <Alert title="Fix the parameters" severity="error" data-testid="template-problems">
                {result.problems.map((p) => (
                  <div key={p}>{p}</div>
                ))}
              </Alert>
            )}

            <div>
              <TabsBar>
                {FORMATS.map((f) => (
                  <Tab key={f.id} label={f.label} active={format === f.id} onChangeTab={() => setFormat(f.id)} />
                ))}
              </TabsBar>
              {template.grafanaOnly && format !== 'grafana' && (
                <Alert title="Grafana-managed only" severity="info">
                  {template.grafanaOnly}
                </Alert>
              )}
              <pre className={styles.preview} data-testid="template-preview">
                {result.ok ? result.files[format] : 'Fix the parameters to see the rule.'}
              </pre>
            </div>

            <Stack gap={1} wrap="wrap" alignItems="flex-end">
              <Field label="Folder" noMargin>
                <Combobox
                  id="mlwatch-folder"
                  options={folders}
                  value={folderUid}
                  onChange={(o) => setFolderUid(o.value)}
                  createCustomValue
                  width={30}
                />
              </Field>
              <Button icon="plus" disabled={!result.ok || install.busy} onClick={() => create([instance])}>
                Create in Grafana
              </Button>
              <Button
                variant="secondary"
                icon="download-alt"
                disabled={!result.ok}
                onClick={() =>
                  result.ok && download(downloadName(template.id, format), result.files[format], 'application/yaml')
                }
              >
                Download YAML
              </Button>
              <ClipboardButton variant="secondary" icon="copy" getText={() => (result.ok ? result.files[format] : '')}>
                Copy
              </ClipboardButton>
              <Button
                variant="secondary"
                icon="folder-plus"
                disabled={!result.ok}
                onClick={() => setBundle([...bundle, instance])}
              >
                Add to bundle
              </Button>
            </Stack>
            {install.message && (
              <Alert title={install.message} severity={install.ok ? 'success' : 'error'} data-testid="install-result" />
            )}

            <div className={styles.bundle} aria-label="Bundle">
              <Text element="h3" variant="h5">
                Bundle
              </Text>
              <Text element="p" color="secondary">
                Share a set of configured templates as one file, and import it in another Grafana.
              </Text>
              <ul data-testid="bundle-list">
                {bundle.map((b, i) => (
                  <li key={`${b.id}-${i}`}>
                    {b.id}
                    {b.instance ? ` (${b.instance})` : ''}
                    {Object.keys(b.parameters ?? {}).length > 0
                      ? `: ${Object.keys(b.parameters ?? {}).join(', ')} changed`
                      : ''}
                  </li>
                ))}
              </ul>
              <Stack gap={1} wrap="wrap">
                <Button
                  variant="secondary"
                  icon="download-alt"
                  disabled={bundle.length === 0 || !bundleResult?.ok}
                  onClick={() =>
                    download(
                      downloadName('bundle', 'bundle'),
                      exportBundleJson(bundle, { onlyChanged: true }),
                      'application/json'
                    )
                  }
                >
                  Download bundle
                </Button>
                <Button
                  variant="secondary"
                  icon="plus"
                  disabled={bundle.length === 0 || !bundleResult?.ok || install.busy}
                  onClick={() => create(bundle)}
                >
                  Create bundle in Grafana
                </Button>
                <FileUpload
                  accept=".json,application/json"
                  onFileUpload={(e) => e.currentTarget.files?.[0] && onImport(e.currentTarget.files[0])}
                >
                  Import bundle
                </FileUpload>
                <Button variant="secondary" fill="text" disabled={bundle.length === 0} onClick={() => setBundle([])}>
                  Clear
                </Button>
              </Stack>
              {bundleResult && !bundleResult.ok && (
                <Alert title="The bundle has problems" severity="error">
                  {bundleResult.problems.map((p) => (
                    <div key={p}>{p}</div>
                  ))}
                </Alert>
              )}
              {importProblems.length > 0 && (
                <Alert title="This file is not a valid bundle" severity="error" data-testid="import-problems">
                  {importProblems.map((p) => (
                    <div key={p}>{p}</div>
                  ))}
                </Alert>
              )}
            </div>
          </Stack>
        </section>
      </div>
    </PluginPage>
  );
}

function ParameterField({
  spec,
  value,
  problem,
  onChange,
}: {
  spec: ParameterSpec;
  value: string;
  problem?: string;
  onChange: (v: string) => void;
}) {
  const label = 'unit' in spec && spec.unit ? `${spec.title} (${spec.unit})` : spec.title;
  return (
    <Field label={label} description={spec.description} invalid={Boolean(problem)} error={problem} noMargin>
      {spec.kind === 'enum' ? (
        <RadioButtonGroup
          size="sm"
          options={spec.options.map((o) => ({ label: o, value: o }))}
          value={value}
          onChange={onChange}
        />
      ) : (
        <Input
          id={`param-${spec.name}`}
          value={value}
          placeholder={spec.default === '' ? '(empty)' : String(spec.default)}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  layout: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(260px, 1fr) 2.5fr',
    gap: theme.spacing(3),
    alignItems: 'start',
  }),
  catalog: css({ position: 'sticky', top: theme.spacing(1) }),
  list: css({ listStyle: 'none', display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  detail: css({ minWidth: 0 }),
  form: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))',
    gap: theme.spacing(2),
  }),
  preview: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    padding: theme.spacing(1.5),
    maxHeight: 420,
    overflow: 'auto',
    whiteSpace: 'pre',
  }),
  bundle: css({
    borderTop: `1px solid ${theme.colors.border.weak}`,
    paddingTop: theme.spacing(2),
  }),
});
