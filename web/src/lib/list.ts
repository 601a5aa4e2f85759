/** Small immutable list edits shared by the editors (routing order, virtual-model targets, pickers). */

/** The list with the item at `from` moved to `to`; unchanged when `to` is out of range. */
export function move<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item);
  return next;
}

/** Adds (`on`) or removes `value`, keeping the order and never duplicating it. */
export function toggle(list: string[], value: string, on: boolean): string[] {
  return on ? (list.includes(value) ? list : [...list, value]) : list.filter((v) => v !== value);
}
