// A FIFO of plain values with a head index, so sliding windows evict in O(1) and their state stays
// plain JSON for snapshot/restore (a restarted edge resumes a half-filled window).

export interface Ring<T> {
  items: T[];
  head: number;
}

export function ring<T>(): Ring<T> {
  return { items: [], head: 0 };
}

export function size<T>(r: Ring<T>): number {
  return r.items.length - r.head;
}

export function first<T>(r: Ring<T>): T | undefined {
  return r.items[r.head];
}

export function last<T>(r: Ring<T>): T | undefined {
  return r.head < r.items.length ? r.items[r.items.length - 1] : undefined;
}

export function push<T>(r: Ring<T>, v: T): void {
  r.items.push(v);
}

export function popLast<T>(r: Ring<T>): T | undefined {
  return r.head < r.items.length ? r.items.pop() : undefined;
}

export function shift<T>(r: Ring<T>): T | undefined {
  if (r.head >= r.items.length) return undefined;
  const v = r.items[r.head++];
  if (r.head >= 1024 && r.head * 2 >= r.items.length) {
    r.items = r.items.slice(r.head);
    r.head = 0;
  }
  return v;
}

/** A compact copy (for snapshots). */
export function compact<T>(r: Ring<T>): Ring<T> {
  return { items: r.items.slice(r.head), head: 0 };
}
