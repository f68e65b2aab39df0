import { PanelOptionsEditorBuilder, standardEditorsRegistry } from '@grafana/data';

import { plugin } from './module';
import { type ConfidenceOptions, DEFAULT_OPTIONS } from './types';

// d3's ES modules are outside the shared jest transform; its UMD build is the same code.
jest.mock('d3', () => jest.requireActual(`${process.cwd()}/node_modules/d3/dist/d3.js`));

// Grafana registers its standard option editors at start-up; the npm package ships the registry empty.
standardEditorsRegistry.setInit(() =>
  ['radio', 'boolean', 'number', 'slider', 'select', 'color'].map((id) => ({ id, name: id, editor: () => null }))
);

describe('plugin', () => {
  it('declares every option with the documented default', () => {
    const builder = new PanelOptionsEditorBuilder<ConfidenceOptions>();
    plugin.getPanelOptionsSupplier()(builder, { data: [] });
    const defaults = Object.fromEntries(builder.getItems().map((i) => [i.path, i.defaultValue]));
    expect(defaults).toEqual(DEFAULT_OPTIONS);
  });

  it('has a migration handler and suggestions', () => {
    expect(plugin.onPanelMigration).toBeDefined();
    expect(plugin.onPanelTypeChanged).toBeDefined();
    expect(plugin.getSuggestions({ hasData: false } as never)).toBeUndefined();
  });

  it('offers the queries in the data for the window pickers', async () => {
    const builder = new PanelOptionsEditorBuilder<ConfidenceOptions>();
    plugin.getPanelOptionsSupplier()(builder, { data: [] });
    const item = builder.getItems().find((i) => i.path === 'referenceQuery')!;
    const settings = item.settings as {
      getOptions: (ctx: { data: Array<{ refId?: string }> }) => Promise<Array<{ value: string }>>;
    };
    const choices = await settings.getOptions({ data: [{ refId: 'A' }, { refId: 'B' }, { refId: 'A' }, {}] });
    expect(choices.map((c) => c.value)).toEqual(['', 'A', 'B']);
  });
});
