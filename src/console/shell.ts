/**
 * One POSIX shell word: single-quoted, a single quote inside written as `'\''`. Nothing is
 * special between single quotes, so the word reaches the command exactly as given.
 */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}
