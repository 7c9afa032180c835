/**
 * Binary search over anything sorted, for the indexes that keep every pass O(n log n): the first position in
 * [from, length) where `isBefore` turns false, given that it holds for a prefix of the range and not after it
 * (C++'s `partition_point`). Returns `length` when it holds everywhere.
 */
export function partitionPoint(length: number, isBefore: (index: number) => boolean, from = 0): number {
  let low = from;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (isBefore(mid)) low = mid + 1;
    else high = mid;
  }
  return low;
}
