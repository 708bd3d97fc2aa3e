// What an enrolment tells the caller about future searches: how often a person with this many photos is named, as
// measured on LFW (`npm run bench:lfw`: 610 people with four or more photos enrolled, probe photo 4, the open-set
// rule at MATCH_FPIR 1 %). Several photos per person is the surest way to be recognised.
const NAMED_SHARE_BY_PHOTOS = [0, 0.746, 0.787, 0.874];

export function enrolmentAdvice(photos: number): string {
  const share = (n: number) => `${Math.round(NAMED_SHARE_BY_PHOTOS[Math.min(n, 3)]! * 100)} %`;
  const now = `With ${photos} photo${photos === 1 ? '' : 's'} of this person, a search names them in about ${share(photos)} of new photos (LFW)`;
  if (photos >= 3) return `${now}. More photos from other days and angles help still.`;
  return `${now}; with 3 photos, about ${share(3)}. Add ${3 - photos} more photo${3 - photos === 1 ? '' : 's'} of them (other days, other angles).`;
}
