/**
 * One JSON line per entry, which Cloud Logging reads as structured logs. Entries
 * carry ids, codes and counts; file contents and descriptions are never logged.
 */
type Severity = 'INFO' | 'WARNING' | 'ERROR';

export function log(severity: Severity, message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ severity, message, ...fields });
  if (severity === 'INFO') console.log(line);
  else console.error(line);
}
