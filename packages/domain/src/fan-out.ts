/**
 * Which companies' buyer groups a change can alter. A person moving between companies leaves
 * one group and may join another, so both are refreshed: the old one first, because it is the
 * one that now shows someone who is gone.
 */
import type { Change } from './model';

export function touchedCompanies(change: Change): string[] {
  switch (change.kind) {
    case 'person':
      return unique([change.before?.companyId, change.after?.companyId]);
    case 'company':
      return unique([change.companyId]);
    case 'provider':
      return unique([change.previousCompanyId, change.companyId]);
  }
}

function unique(ids: readonly (string | null | undefined)[]): string[] {
  const seen: string[] = [];
  for (const id of ids) {
    if (id && !seen.includes(id)) seen.push(id);
  }
  return seen;
}
