/** How many last log lines are kept for failure reasons and "last log lines" hints. */
export const LAST_LINES_KEPT = 20;

/** Appends `item` to `list`, dropping the oldest items beyond `limit`: the last lines of a stream, oldest first. */
export function keepLast<T>(list: T[], item: T, limit: number = LAST_LINES_KEPT): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}
