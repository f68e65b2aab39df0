import { PanelPlugin } from '@grafana/data';

import { makeContractPanel } from '../../shared/ContractPanel';
import { topologySupport } from './data/support';

export const plugin = new PanelPlugin(makeContractPanel(topologySupport));
