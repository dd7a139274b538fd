/** Where provisioning reports what it did: the CLI prints, tests collect. */
export type Progress = (line: string) => void;

export const silent: Progress = () => undefined;
