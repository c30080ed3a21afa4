/** A Markdown-style table for terminals and READMEs alike. */
export function formatTable(rows: ReadonlyArray<Record<string, unknown>>): string {
  if (rows.length === 0) return '(no rows)';
  const keys = Object.keys(rows[0]!);
  const text = (value: unknown) =>
    value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const width = keys.map((k) => Math.max(k.length, ...rows.map((r) => text(r[k]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  return [line(keys), line(width.map((w) => '-'.repeat(w))), ...rows.map((row) => line(keys.map((k) => text(row[k]))))].join('\n');
}
