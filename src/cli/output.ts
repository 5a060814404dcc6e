/** Where a command's result goes: the API's JSON document with --json, a short text otherwise. */
export function emit(json: boolean, document: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(document, null, 2)}\n` : `${text()}\n`);
}

/** Expected failures (bad input, unknown user): one line on stderr, exit status 1. */
export class CliError extends Error {}

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
