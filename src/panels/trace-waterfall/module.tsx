import { PanelPlugin } from '@grafana/data';

import { makeContractPanel } from '../../shared/ContractPanel';
import { traceSupport } from './data/support';

export const plugin = new PanelPlugin(makeContractPanel(traceSupport));
