import { PanelPlugin } from '@grafana/data';

import { makeContractPanel } from '../../shared/ContractPanel';
import { confidenceSupport } from './data/support';

export const plugin = new PanelPlugin(makeContractPanel(confidenceSupport));
