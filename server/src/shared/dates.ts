/** Today's calendar date in the platform's time zone (China Standard Time, UTC+8, no DST). */
export function todayIso(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
