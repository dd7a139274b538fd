/** Where provisioning reports what it did: the CLI prints, tests collect. */
export type Progress = (line: string) => void;

export const silent: Progress = () => undefined;

const WARNING_PREFIX = 'warning: ';

/** A progress line about something left for an operator to do; the CLI marks it apart. */
export const warning = (line: string): string => `${WARNING_PREFIX}${line}`;

export const isWarning = (line: string): boolean => line.startsWith(WARNING_PREFIX);
