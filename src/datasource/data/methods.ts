/**
 * Drift methods of pkg/drift (docs/drift.md), as `mlwatch drift --help`
 * lists them, with their kind and default threshold.
 */
export type MethodKind = 'p-value' | 'distance';

export interface MethodInfo {
  name: string;
  kind: MethodKind;
  /** One line for the picker. */
  description: string;
  /** Works on Prometheus histogram buckets (binned counts). */
  binned: boolean;
  /** Only for multivariate rows (embeddings). */
  multivariate?: boolean;
}

export const DEFAULT_PVALUE_THRESHOLD = 0.05;
export const DEFAULT_DISTANCE_THRESHOLD = 0.1;

export const METHODS: MethodInfo[] = [
  {
    name: 'wasserstein',
    kind: 'distance',
    binned: true,
    description: 'Wasserstein (W1) over the reference standard deviation',
  },
  { name: 'psi', kind: 'distance', binned: true, description: 'Population stability index' },
  { name: 'jensenshannon', kind: 'distance', binned: true, description: 'Jensen-Shannon distance' },
  { name: 'kl_div', kind: 'distance', binned: true, description: 'Kullback-Leibler divergence' },
  { name: 'hellinger', kind: 'distance', binned: true, description: 'Hellinger distance' },
  { name: 'tvd', kind: 'distance', binned: true, description: 'Total variation distance' },
  { name: 'energy', kind: 'distance', binned: false, description: 'Energy distance' },
  { name: 'ks', kind: 'p-value', binned: true, description: 'Kolmogorov-Smirnov test' },
  { name: 'chisquare', kind: 'p-value', binned: true, description: 'Chi-square test of homogeneity' },
  { name: 'z', kind: 'p-value', binned: false, description: 'Two-proportion z-test (binary data)' },
  { name: 'anderson', kind: 'p-value', binned: false, description: 'Anderson-Darling k-sample test' },
  { name: 'cramer_von_mises', kind: 'p-value', binned: false, description: 'Cramér-von Mises test' },
  { name: 'mannw', kind: 'p-value', binned: false, description: 'Mann-Whitney U test (one-sided, as Evidently)' },
  { name: 't_test', kind: 'p-value', binned: false, description: "Student's t-test" },
  { name: 'fisher_exact', kind: 'p-value', binned: false, description: "Fisher's exact test (binary data)" },
  {
    name: 'mmd',
    kind: 'p-value',
    binned: false,
    multivariate: true,
    description: 'Maximum mean discrepancy (multivariate rows)',
  },
];

const BY_NAME = new Map(METHODS.map((m) => [m.name, m]));

export function methodInfo(name: string | undefined): MethodInfo | undefined {
  return name ? BY_NAME.get(name) : undefined;
}

export function isKnownMethod(name: string): boolean {
  return name === 'auto' || BY_NAME.has(name);
}

/** The threshold the backend uses when the query leaves it empty. */
export function defaultThreshold(method: string | undefined): number | undefined {
  const m = methodInfo(method);
  if (!m) {
    return undefined;
  }
  return m.kind === 'p-value' ? DEFAULT_PVALUE_THRESHOLD : DEFAULT_DISTANCE_THRESHOLD;
}

/** "drifted when p < 0.05" / "drifted when score ≥ 0.1". */
export function verdictRule(method: string | undefined, threshold: number | undefined): string {
  const m = methodInfo(method);
  if (!m) {
    return "Auto picks the method per feature (Evidently's rule) and uses its default threshold: p < 0.05 for tests, score ≥ 0.1 for distances.";
  }
  const t = threshold && threshold > 0 ? threshold : defaultThreshold(method);
  return m.kind === 'p-value' ? `Drifted when the p-value is below ${t}.` : `Drifted when the score is ${t} or more.`;
}
