// How sure a match is: a distance turned into 0..1 around the tolerance.

/**
 * Maps a distance to 0..1 the way face_recognition's wiki does (face_distance_to_conf), with t the tolerance:
 *   d > t:  c = (1 - d) / (2 (1 - t))                       linear, 0.5 at d = t, 0 at d = 1 (clamped at 0)
 *   d ≤ t:  l = 1 - d / (2 t);  c = l + (1 - l) (2 (l - 0.5))^0.2   0.5 at d = t, rising steeply to 1 at d = 0
 * So 0.5 means "exactly at the tolerance"; a same-person distance of 0.4 at t = 0.6 gives ≈ 0.93.
 */
export function distanceToConfidence(distance: number, tolerance: number): number {
  let c: number;
  if (distance > tolerance) {
    c = tolerance >= 1 ? 0 : (1 - distance) / (2 * (1 - tolerance));
  } else {
    const linear = 1 - distance / (2 * tolerance);
    c = linear + (1 - linear) * Math.pow((linear - 0.5) * 2, 0.2);
  }
  return Math.min(1, Math.max(0, c));
}
