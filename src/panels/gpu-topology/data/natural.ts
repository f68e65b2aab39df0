/**
 * Natural order for host names and GPU indices: "node2" before "node10",
 * "10.0.0.9:9400" before "10.0.0.10:9400". Same rules as the backend's
 * gpu.NaturalCompare, so the panel lists GPUs in the order mlwatch does.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      const ea = digitsEnd(a, i);
      const eb = digitsEnd(b, j);
      let za = i;
      let zb = j;
      while (za < ea - 1 && a.charCodeAt(za) === 48) {
        za++;
      }
      while (zb < eb - 1 && b.charCodeAt(zb) === 48) {
        zb++;
      }
      // Longer (without leading zeros) is larger; equal lengths compare digit by digit.
      const la = ea - za;
      const lb = eb - zb;
      if (la !== lb) {
        return la < lb ? -1 : 1;
      }
      for (let k = 0; k < la; k++) {
        const d = a.charCodeAt(za + k) - b.charCodeAt(zb + k);
        if (d !== 0) {
          return d < 0 ? -1 : 1;
        }
      }
      // Same value: fewer leading zeros first.
      if (ea - i !== eb - j) {
        return ea - i < eb - j ? -1 : 1;
      }
      i = ea;
      j = eb;
      continue;
    }
    if (ca !== cb) {
      return ca < cb ? -1 : 1;
    }
    i++;
    j++;
  }
  const ra = a.length - i;
  const rb = b.length - j;
  return ra === rb ? 0 : ra < rb ? -1 : 1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digitsEnd(s: string, from: number): number {
  let k = from;
  while (k < s.length && isDigit(s.charCodeAt(k))) {
    k++;
  }
  return k;
}

/** Ranks of distinct strings in natural order, for sorting many items by few keys. */
export function naturalRanks(values: Iterable<string>): Map<string, number> {
  const distinct = [...new Set(values)].sort(naturalCompare);
  const ranks = new Map<string, number>();
  distinct.forEach((v, i) => ranks.set(v, i));
  return ranks;
}
