// How well groups match true identities, the measures clustering papers report: pairwise precision and recall
// (over every pair of faces: same group against same person), BCubed precision, recall and F (per face, averaged),
// and how many groups each identity with two or more faces is spread over.

export interface GroupingQuality {
  faces: number;
  identities: number;
  groups: number;
  pairwisePrecision: number;
  pairwiseRecall: number;
  bcubedPrecision: number;
  bcubedRecall: number;
  bcubedF: number;
  /** Mean number of groups holding the faces of an identity with two or more faces. */
  groupsPerIdentity: number;
  /** Groups of two or more faces, and how many of them hold more than one identity. */
  multiFaceGroups: number;
  impureGroups: number;
}

const pairs = (n: number): number => (n * (n - 1)) / 2;

/** `truth[i]` and `groups[i]` are face i's identity and group. */
export function groupingQuality(truth: string[], groups: number[]): GroupingQuality {
  const cell = new Map<string, number>(); // group \t identity → faces
  const groupSize = new Map<number, number>();
  const identitySize = new Map<string, number>();
  truth.forEach((t, i) => {
    const g = groups[i]!;
    const key = `${g}\t${t}`;
    cell.set(key, (cell.get(key) ?? 0) + 1);
    groupSize.set(g, (groupSize.get(g) ?? 0) + 1);
    identitySize.set(t, (identitySize.get(t) ?? 0) + 1);
  });
  let samePairs = 0;
  let bp = 0;
  let br = 0;
  const groupsOf = new Map<string, number>();
  const identitiesIn = new Map<number, number>();
  for (const [key, n] of cell) {
    const [g, t] = key.split('\t') as [string, string];
    samePairs += pairs(n);
    // Each of the n faces: n of its group's faces share its identity, n of its identity's faces share its group.
    bp += (n * n) / groupSize.get(Number(g))!;
    br += (n * n) / identitySize.get(t)!;
    groupsOf.set(t, (groupsOf.get(t) ?? 0) + 1);
    identitiesIn.set(Number(g), (identitiesIn.get(Number(g)) ?? 0) + 1);
  }
  const groupPairs = [...groupSize.values()].reduce((a, n) => a + pairs(n), 0);
  const identityPairs = [...identitySize.values()].reduce((a, n) => a + pairs(n), 0);
  const precision = bp / truth.length;
  const recall = br / truth.length;
  const repeated = [...identitySize].filter(([, n]) => n >= 2).map(([t]) => groupsOf.get(t)!);
  const multi = [...groupSize].filter(([, n]) => n >= 2);
  return {
    faces: truth.length,
    identities: identitySize.size,
    groups: groupSize.size,
    pairwisePrecision: groupPairs === 0 ? 1 : samePairs / groupPairs,
    pairwiseRecall: identityPairs === 0 ? 1 : samePairs / identityPairs,
    bcubedPrecision: precision,
    bcubedRecall: recall,
    bcubedF: (2 * precision * recall) / (precision + recall),
    groupsPerIdentity: repeated.reduce((a, n) => a + n, 0) / Math.max(1, repeated.length),
    multiFaceGroups: multi.length,
    impureGroups: multi.filter(([g]) => identitiesIn.get(g)! > 1).length,
  };
}
