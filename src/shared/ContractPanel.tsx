import React from 'react';
import type { DataFrame, PanelProps } from '@grafana/data';

import type { Support } from './frames';
import { PanelMessage } from './PanelMessage';

/**
 * A panel that checks its data against a frame contract and explains what it
 * needs when the data does not fit. Panels whose renderer is not built yet
 * use it on its own; it reports what it recognised.
 */
export function makeContractPanel(check: (frames: DataFrame[]) => Support) {
  return function ContractPanel({ data, width, height }: PanelProps) {
    const support = check(data.series);
    return (
      <div style={{ width, height }}>
        {support.kind === 'ok' ? (
          <PanelMessage
            support={{
              kind: 'empty',
              message: `Data recognised: ${support.summary}`,
              needs: 'This version of mlwatch checks the data only; the visualisation comes with the next release.',
            }}
          />
        ) : (
          <PanelMessage support={support} />
        )}
      </div>
    );
  };
}
