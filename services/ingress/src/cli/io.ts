/** Where an operator CLI writes: stdout and stderr in production, arrays in tests. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}
