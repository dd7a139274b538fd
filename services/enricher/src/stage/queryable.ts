/** The slice of a pg Pool the enricher uses, so tests can hand in a fake. */
export interface Queryable {
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}
