/**
 * Functional areas ("departments" in the workspace target) and the words, in English, French,
 * German, Spanish and Portuguese, that place a title or a department name in one.
 */
import type { WorkspaceTarget } from './model';
import { normalizeText } from './text';
import { matchPhrases, tokenize } from './title-tokens';

export const KNOWN_AREAS = [
  'engineering',
  'it',
  'security',
  'product',
  'data',
  'marketing',
  'sales',
  'revenue_operations',
  'hr',
  'finance',
  'procurement',
  'legal',
  'compliance',
  'operations',
  'executive',
  'customer_success',
  'design',
] as const;
export type KnownArea = (typeof KNOWN_AREAS)[number];

/** A known area, or a target department we have no words for, matched by its normalised name. */
export type Area = KnownArea | `custom:${string}`;

const AREA_LABELS: Readonly<Record<KnownArea, string>> = {
  engineering: 'Engineering',
  it: 'IT',
  security: 'Security',
  product: 'Product',
  data: 'Data',
  marketing: 'Marketing',
  sales: 'Sales',
  revenue_operations: 'Revenue Operations',
  hr: 'HR',
  finance: 'Finance',
  procurement: 'Procurement',
  legal: 'Legal',
  compliance: 'Compliance',
  operations: 'Operations',
  executive: 'the executive team',
  customer_success: 'Customer Success',
  design: 'Design',
};

export function areaLabel(area: Area): string {
  return area.startsWith('custom:') ? area.slice('custom:'.length) : AREA_LABELS[area as KnownArea];
}

/** Tokenised phrases; `null` consumes words that must not count ("media buyer" is no buyer). */
// prettier-ignore
const AREA_WORDS: Readonly<Record<KnownArea | 'none', readonly string[]>> = {
  engineering: [
    'engineering', 'engineer', 'engineers', 'software', 'developer', 'developers', 'development',
    'devops', 'sre', 'site reliability', 'platform', 'backend', 'frontend', 'fullstack',
    'full stack', 'programmer', 'architect', 'architecture', 'qa', 'quality assurance', 'cto',
    'technology', 'technical', 'tech', 'cloud', 'r & d', 'research and development', 'ingenieur',
    'ingenieure', 'ingenieurin', 'ingeniero', 'ingeniera', 'ingenieria', 'engenheiro',
    'engenheira', 'engenharia', 'developpeur', 'developpeuse', 'developpement', 'desarrollador',
    'desarrolladora', 'desarrollo', 'desenvolvedor', 'desenvolvedora', 'desenvolvimento',
    'entwickler', 'entwicklerin', 'entwicklung', 'architecte', 'arquitecto', 'arquiteto',
  ],
  it: [
    'it', 'information technology', 'information systems', 'systems', 'sysadmin', 'helpdesk',
    'help desk', 'service desk', 'network', 'networking', 'infrastructure', 'cio',
    'chief information officer', 'ti', 'informatique', 'informatica', 'informatik', 'dsi',
    'sistemas', 'systemes', 'systemes d information', 'sistemas de informacion', 'tecnologia',
    'tecnologias de la informacion', 'tecnologia da informacao', 'edv', 'system owner',
  ],
  security: [
    'security', 'infosec', 'cybersecurity', 'cyber security', 'cyber', 'ciso', 'cso',
    'it security', 'information security', 'application security', 'appsec', 'secops',
    'securite', 'seguridad', 'seguranca', 'sicherheit', 'it sicherheit',
    'informationssicherheit', 'seguridad de la informacion', 'seguranca da informacao',
    'securite informatique', 'securite des systemes d information', 'soc',
  ],
  product: [
    'product', 'products', 'produit', 'producto', 'produto', 'produkt', 'cpo', 'cpto',
    'product owner', 'produktmanager', 'produktmanagerin',
  ],
  data: [
    'data', 'analytics', 'business intelligence', 'bi', 'machine learning', 'ml', 'ai',
    'artificial intelligence', 'data science', 'cdo', 'cdao', 'caio', 'donnees', 'datos',
    'dados', 'daten', 'data owner',
  ],
  marketing: [
    'marketing', 'growth', 'brand', 'demand generation', 'demand gen', 'communications',
    'content', 'seo', 'cmo', 'cgo', 'social media', 'product marketing', 'media buyer', 'mercadeo',
    'mercadotecnia',
  ],
  sales: [
    'sales', 'business development', 'account executive', 'account manager',
    'key account manager', 'bdr', 'sdr', 'commercial', 'commerciale', 'revenue', 'cro', 'cco',
    'ventas', 'vendas', 'vertrieb', 'comercial', 'sales engineer',
  ],
  revenue_operations: [
    'revenue operations', 'revops', 'rev operations', 'sales operations', 'gtm operations',
    'go to market operations', 'sales enablement',
  ],
  hr: [
    'hr', 'human resources', 'people', 'people operations', 'talent', 'talent acquisition',
    'recruiting', 'recruiter', 'recruitment', 'hris', 'chro', 'payroll', 'rh',
    'recursos humanos', 'ressources humaines', 'personal', 'personalwesen', 'personalabteilung',
    'organizational development', 'learning & development', 'learning and development',
  ],
  finance: [
    'finance', 'financial', 'accounting', 'accountant', 'controller', 'controlling', 'treasury',
    'fp & a', 'cfo', 'daf', 'comptable', 'comptabilite', 'tresorerie', 'finances', 'finanzas',
    'financas', 'financeiro', 'financiero', 'finanzen', 'buchhaltung', 'contabilidad',
    'contabilidade', 'contador', 'contadora', 'tesoreria', 'accounts payable',
    'accounts receivable',
  ],
  procurement: [
    'procurement', 'purchasing', 'purchase', 'buyer', 'sourcing', 'strategic sourcing',
    'vendor management', 'vendor manager', 'supplier management', 'category manager',
    'category specialist', 'category management', 'achats', 'achat',
    'acheteur', 'acheteuse', 'einkauf', 'einkaufer', 'einkauferin', 'beschaffung', 'compras',
    'comprador', 'compradora', 'aprovisionamiento', 'adquisiciones', 'suprimentos',
    'chief procurement officer',
  ],
  legal: [
    'legal', 'counsel', 'general counsel', 'attorney', 'lawyer', 'paralegal', 'clo',
    'contracts', 'juridique', 'juriste', 'juridico', 'juridica', 'abogado', 'abogada',
    'advogado', 'advogada', 'recht', 'rechtsabteilung', 'justiziar', 'justitiar', 'syndikus',
    'jurist', 'juristin',
  ],
  compliance: [
    'compliance', 'risk', 'privacy', 'dpo', 'data protection', 'audit', 'auditor', 'grc',
    'governance', 'conformite', 'cumplimiento', 'conformidade', 'datenschutz',
  ],
  operations: ['operations', 'operating', 'coo', 'business operations', 'operaciones', 'operacoes'],
  executive: [
    'ceo', 'cxo', 'founder', 'cofounder', 'owner', 'president', 'presidente', 'managing director',
    'general manager', 'chief executive', 'chief executive officer', 'chief of staff',
    'executive assistant', 'pdg', 'dg', 'directeur general', 'directrice generale',
    'director general', 'directora general', 'gerente general', 'diretor presidente',
    'diretor geral', 'diretora geral', 'diretor executivo', 'director ejecutivo',
    'consejero delegado', 'geschaftsfuhrer', 'geschaftsfuhrerin', 'geschaeftsfuehrer',
    'vorstand', 'grunder', 'gruender', 'fondateur', 'fondatrice', 'fundador', 'fundadora',
    'gerant', 'gerante', 'chairman', 'chairwoman', 'chairperson', 'managing partner',
    'board member', 'personal assistant',
  ],
  customer_success: [
    'customer success', 'customer', 'customers', 'support', 'customer service',
    'customer experience', 'cx', 'technical account manager', 'service client',
  ],
  design: ['design', 'designer', 'ux', 'ui', 'user experience', 'user research'],
  none: ['vp', 'head', 'account', 'process owner', 'service owner'],
};

const PHRASES: ReadonlyMap<string, KnownArea | null> = new Map(
  Object.entries(AREA_WORDS).flatMap(([area, words]) =>
    words.map((word) => [word, area === 'none' ? null : (area as KnownArea)] as const),
  ),
);

/** German glues words together: "Einkaufsleiter", "IT-Sicherheitsbeauftragter". */
const COMPOUND_STEMS: readonly (readonly [string, KnownArea])[] = [
  ['einkauf', 'procurement'],
  ['beschaffung', 'procurement'],
  ['sicherheit', 'security'],
  ['entwickl', 'engineering'],
  ['vertrieb', 'sales'],
  ['buchhalt', 'finance'],
  ['finanz', 'finance'],
  ['personalleit', 'hr'],
  ['personalabteil', 'hr'],
  ['personalreferent', 'hr'],
  ['informatik', 'it'],
  ['rechtsabteil', 'legal'],
  ['datenschutz', 'compliance'],
  ['geschaftsfuhr', 'executive'],
];

const fromCompound = (token: string): KnownArea | null | undefined =>
  token.length > 6 ? COMPOUND_STEMS.find(([stem]) => token.includes(stem))?.[1] : undefined;

/** Specialisms that also belong to a broader area a workspace may name instead. */
const BROADER: Readonly<Partial<Record<KnownArea, KnownArea>>> = {
  revenue_operations: 'operations',
};

/** The areas a title or department names, in the order it names them, without repeats. */
export function detectAreas(tokens: readonly string[]): KnownArea[] {
  const found = matchPhrases(tokens, PHRASES, fromCompound).flatMap((area) => {
    if (area === null) return [];
    const broader = BROADER[area];
    return broader ? [area, broader] : [area];
  });
  return [...new Set(found)];
}

/**
 * The areas a workspace sells into. Named departments win; without any, the product category
 * implies them. A department we have no words for is kept and matched by name.
 */
export function inferTargetAreas(target: WorkspaceTarget): Area[] {
  const named = target.targetDepartments.flatMap((department): Area[] => {
    const areas = detectAreas(tokenize(department));
    if (areas.length > 0) return areas;
    const name = normalizeText(department);
    return name === '' ? [] : [`custom:${name}`];
  });
  if (named.length > 0) return [...new Set(named)];
  return [...CATEGORY_AREAS[categoryOf(target.productCategory)]];
}

const CATEGORY_AREAS = {
  software: ['engineering', 'it', 'product'],
  security: ['security', 'it', 'engineering'],
  data: ['data', 'engineering'],
  marketing: ['marketing'],
  sales: ['sales', 'revenue_operations'],
  hr: ['hr'],
  finance: ['finance'],
  it: ['it', 'engineering'],
  legal: ['legal'],
  procurement: ['procurement'],
  design: ['design', 'product'],
  customer_success: ['customer_success'],
} as const satisfies Record<string, readonly KnownArea[]>;

type Category = keyof typeof CATEGORY_AREAS;

/** "Cybersecurity", "HR tech", "Analytics" → the nearest category; software if nothing fits. */
function categoryOf(productCategory: string): Category {
  const areas = detectAreas(tokenize(productCategory));
  const first = areas.find(
    (area): area is Exclude<KnownArea, 'executive' | 'operations'> =>
      area !== 'executive' && area !== 'operations',
  );
  if (first === undefined) return 'software';
  if (first === 'revenue_operations') return 'sales';
  if (first === 'compliance') return 'security';
  if (first === 'engineering' || first === 'product') return 'software';
  return first;
}

/** Functions that vet purchases: they can stop a deal without owning it. */
const GATEKEEPING_AREAS: readonly KnownArea[] = [
  'procurement',
  'legal',
  'compliance',
  'security',
  'finance',
];

export function gatekeepingAreas(targets: readonly Area[]): Area[] {
  return GATEKEEPING_AREAS.filter((area) => !targets.includes(area));
}

export const TECHNICAL_AREAS: readonly KnownArea[] = ['engineering', 'it', 'security', 'data'];

/** Areas close enough to a target that their leaders sway the decision. */
const NEIGHBOURS: Readonly<Partial<Record<KnownArea, readonly KnownArea[]>>> = {
  engineering: ['product', 'data', 'design', 'security', 'it'],
  it: ['security', 'engineering', 'operations'],
  product: ['engineering', 'design', 'data'],
  security: ['it', 'compliance', 'engineering'],
  data: ['engineering', 'product', 'it'],
  marketing: ['sales', 'product', 'design', 'revenue_operations'],
  sales: ['marketing', 'customer_success', 'revenue_operations'],
  revenue_operations: ['sales', 'marketing', 'operations'],
  hr: ['operations', 'finance'],
  finance: ['operations', 'procurement'],
  customer_success: ['sales', 'product'],
};

export function adjacentAreas(targets: readonly Area[]): Area[] {
  const adjacent = targets.flatMap((area) => NEIGHBOURS[area as KnownArea] ?? []);
  return [...new Set(adjacent)].filter((area) => !targets.includes(area));
}
