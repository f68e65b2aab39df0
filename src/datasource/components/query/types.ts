import type { TimeRange } from '@grafana/data';

import type { QueryIssue } from '../../data/validate';
import type { MlDataSource } from '../../datasource';
import type { MlQuery, QueryDefaults } from '../../types';

/** What every part of the query editor gets. */
export interface PartProps {
  query: MlQuery;
  /** Changes the query without running it (typing). */
  onChange: (q: MlQuery) => void;
  /** Changes the query (when given) and runs it when it is valid (picks, blur, Enter). */
  onCommit: (q?: MlQuery) => void;
  datasource?: MlDataSource;
  range?: TimeRange;
  issues: QueryIssue[];
  defaults: QueryDefaults;
  /** Unique per query row: ids of inputs start with it. */
  idPrefix: string;
}
