/**
 * The median of a sample (the mean of the two middle values for an even count), as every
 * bench reports it.
 * @param xs - At least one value; not modified.
 */
export function median(xs: number[]): number {
  if (xs.length === 0) throw new RangeError('[median] needs at least one value');
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
