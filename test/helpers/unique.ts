let n = 0
/** A code unique within the test run, so tests sharing a database never collide. */
export function uniqueCode(prefix: string): string {
  n += 1
  return `${prefix}-${process.pid.toString(36)}${Date.now().toString(36)}${n}`.toUpperCase()
}
