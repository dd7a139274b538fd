/**
 * The bench talks to a person on a terminal: progress lines and tables on stdout, problems on
 * stderr. (Plain writes rather than console, which the lint rules keep out of library code.)
 */
export const say = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};

export const warn = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
