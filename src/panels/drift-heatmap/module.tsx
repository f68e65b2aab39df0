import { PanelPlugin } from '@grafana/data';

import { makeContractPanel } from '../../shared/ContractPanel';
import { heatmapSupport } from './data/support';

export const plugin = new PanelPlugin(makeContractPanel(heatmapSupport));
