/**
 * Departments, seniority levels and the job titles people hold at each. Titles are the messy
 * kind real CRMs hold ("Sr. Director, IT Security", "Directeur Commercial"), because title
 * parsing is what discovery has to cope with.
 */
export const DEPARTMENTS = [
  'engineering',
  'it',
  'security',
  'sales',
  'marketing',
  'finance',
  'procurement',
  'legal',
  'hr',
  'operations',
  'product',
  'data',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** The `people.seniority` values, most senior first. */
export const SENIORITIES = ['c_level', 'vp', 'director', 'manager', 'senior', 'entry'] as const;
export type Seniority = (typeof SENIORITIES)[number];

/** Levels below the C-suite, each with titles per department. */
export type DepartmentSeniority = Exclude<Seniority, 'c_level'>;

type TitleCatalogue = Readonly<
  Record<Department, Readonly<Record<DepartmentSeniority, readonly string[]>>>
>;

/** At least two titles per cell, so a title change always has somewhere to go. */
export const TITLES: TitleCatalogue = {
  engineering: {
    vp: ['VP Engineering', 'VP of Engineering', 'SVP, Engineering'],
    director: [
      'Director of Engineering',
      'Sr. Director, Platform Engineering',
      'Head of Engineering',
    ],
    manager: ['Engineering Manager', 'Engineering Manager, Infrastructure', 'Team Lead, Backend'],
    senior: [
      'Staff Engineer',
      'Senior Software Engineer',
      'Principal Engineer',
      'Senior Backend Engineer',
    ],
    entry: ['Software Engineer', 'Frontend Engineer', 'Junior Developer', 'Ingénieur Logiciel'],
  },
  it: {
    vp: ['VP of IT', 'VP, Information Technology'],
    director: ['IT Director', 'Director, IT Operations', 'Head of IT'],
    manager: ['IT Manager', 'Systems Administration Manager', 'IT Service Desk Manager'],
    senior: ['Senior Systems Administrator', 'Senior IT Engineer', 'Lead Network Engineer'],
    entry: ['IT Support Specialist', 'Systems Administrator', 'Helpdesk Analyst'],
  },
  security: {
    vp: ['VP Security', 'VP, Information Security'],
    director: [
      'Sr. Director, IT Security',
      'Director of Security Engineering',
      'Head of Information Security',
    ],
    manager: ['Security Operations Manager', 'GRC Manager', 'Application Security Lead'],
    senior: ['Senior Security Engineer', 'Staff Security Engineer', 'Lead Security Analyst'],
    entry: ['Security Analyst', 'SOC Analyst', 'Analyste Sécurité'],
  },
  sales: {
    vp: ['VP Sales', 'SVP, Global Sales', 'Vice President of Sales'],
    director: [
      'Director of Sales',
      'Regional Sales Director',
      'Directeur Commercial',
      'Head of Sales, EMEA',
    ],
    manager: ['Sales Manager', 'Sales Development Manager', 'Vertriebsleiter'],
    senior: [
      'Senior Account Executive',
      'Enterprise Account Executive',
      'Strategic Account Manager',
    ],
    entry: [
      'Account Executive',
      'Sales Development Representative',
      'Business Development Representative',
    ],
  },
  marketing: {
    vp: ['VP Marketing', 'VP, Demand Generation'],
    director: ['Director of Product Marketing', 'Head of Growth', 'Demand Generation Director'],
    manager: ['Marketing Manager', 'Content Marketing Manager', 'Field Marketing Manager'],
    senior: ['Senior Marketing Specialist', 'Senior Growth Marketer', 'Senior Content Strategist'],
    entry: ['Marketing Coordinator', 'Marketing Specialist', 'Social Media Associate'],
  },
  finance: {
    vp: ['VP Finance', 'VP, Finance & Accounting'],
    director: ['Director of FP&A', 'Corporate Controller', 'Head of Finance'],
    manager: ['Finance Manager', 'Accounting Manager', 'Responsable Comptable'],
    senior: ['Senior Financial Analyst', 'Senior Accountant', 'Senior FP&A Analyst'],
    entry: ['Financial Analyst', 'Accountant', 'Accounts Payable Specialist'],
  },
  procurement: {
    vp: ['VP Procurement', 'VP, Global Sourcing'],
    director: ['Head of Procurement', 'Director of Strategic Sourcing', 'Procurement Director'],
    manager: ['Procurement Manager', 'Vendor Manager', 'Einkaufsleiter'],
    senior: ['Senior Buyer', 'Senior Category Specialist', 'Senior Sourcing Analyst'],
    entry: ['Buyer', 'Procurement Analyst', 'Purchasing Coordinator'],
  },
  legal: {
    vp: ['General Counsel', 'VP Legal'],
    director: ['Associate General Counsel', 'Director, Legal', 'Head of Legal'],
    manager: ['Legal Operations Manager', 'Contracts Manager', 'Privacy Counsel Lead'],
    senior: ['Senior Counsel', 'Senior Corporate Counsel', 'Senior Commercial Counsel'],
    entry: ['Legal Counsel', 'Paralegal', 'Contracts Specialist'],
  },
  hr: {
    vp: ['VP People', 'VP, Human Resources'],
    director: [
      'HR Director',
      'Director of Talent Acquisition',
      'Directrice des Ressources Humaines',
    ],
    manager: ['HR Manager', 'Recruiting Manager', 'People Operations Manager'],
    senior: ['Senior HR Business Partner', 'Senior Recruiter', 'Senior People Partner'],
    entry: ['Recruiter', 'HR Coordinator', 'People Operations Associate'],
  },
  operations: {
    vp: ['VP Operations', 'VP, Revenue Operations'],
    director: ['Director of Business Operations', 'Director, Revenue Operations', 'Head of RevOps'],
    manager: ['Operations Manager', 'Revenue Operations Manager', 'Sales Operations Manager'],
    senior: ['Senior Operations Analyst', 'Senior RevOps Analyst', 'Senior Business Analyst'],
    entry: ['Operations Analyst', 'Operations Coordinator', 'Sales Operations Analyst'],
  },
  product: {
    vp: ['VP Product', 'VP of Product Management'],
    director: ['Director of Product Management', 'Head of Product', 'Group Product Manager'],
    manager: ['Product Lead', 'Design Manager', 'Product Manager, Platform'],
    senior: ['Senior Product Manager', 'Principal Product Designer', 'Senior UX Researcher'],
    entry: ['Associate Product Manager', 'Product Designer', 'Produktmanager'],
  },
  data: {
    vp: ['VP Data', 'VP, Data & Analytics'],
    director: ['Head of Data', 'Director of Data Engineering', 'Director, Analytics'],
    manager: ['Analytics Manager', 'Data Engineering Manager', 'Data Science Lead'],
    senior: ['Senior Data Engineer', 'Staff Data Scientist', 'Senior Analytics Engineer'],
    entry: ['Data Analyst', 'Data Scientist', 'Analytics Engineer'],
  },
};

/** The C-suite: each executive's department and the titles they go by. */
export const EXECUTIVES = {
  ceo: {
    department: 'operations',
    titles: [
      'Chief Executive Officer',
      'CEO & Co-Founder',
      'Président-Directeur Général',
      'Geschäftsführer',
    ],
  },
  cto: {
    department: 'engineering',
    titles: ['Chief Technology Officer', 'CTO & Co-Founder', 'CTO'],
  },
  cfo: { department: 'finance', titles: ['Chief Financial Officer', 'CFO'] },
  cro: { department: 'sales', titles: ['Chief Revenue Officer', 'CRO'] },
  cmo: { department: 'marketing', titles: ['Chief Marketing Officer', 'CMO'] },
  ciso: { department: 'security', titles: ['Chief Information Security Officer', 'CISO'] },
  coo: { department: 'operations', titles: ['Chief Operating Officer', 'COO'] },
  cpo: { department: 'product', titles: ['Chief Product Officer', 'CPO'] },
  cio: { department: 'it', titles: ['Chief Information Officer', 'CIO'] },
} as const satisfies Record<string, { department: Department; titles: readonly string[] }>;
export type Executive = keyof typeof EXECUTIVES;

export const CHIEF_OF_STAFF_TITLE = 'Chief of Staff to the CEO';

const FILLER_WORDS = new Set(['of', 'the', 'and', 'for', 'to']);
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  sr: 'senior',
  jr: 'junior',
  vp: 'vice president',
  svp: 'senior vice president',
};

/**
 * What a title says once case, spacing, punctuation, filler words and the usual abbreviations
 * are set aside: "Sr. Director, IT" and "Senior Director of IT" say the same thing, and a change
 * from one to the other is cosmetic.
 */
export const normaliseTitle = (title: string): string =>
  title
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '' && !FILLER_WORDS.has(word))
    .map((word) => ABBREVIATIONS[word] ?? word)
    .join(' ');

export const sameTitle = (a: string | null, b: string | null): boolean =>
  normaliseTitle(a ?? '') === normaliseTitle(b ?? '');

/** A title from the catalogue for this cell that differs from `current`. */
export function titleOptions(
  department: Department,
  seniority: DepartmentSeniority,
  current: string | null = null,
): string[] {
  return TITLES[department][seniority].filter((title) => !sameTitle(title, current));
}

export const isDepartment = (value: string | null): value is Department =>
  value !== null && (DEPARTMENTS as readonly string[]).includes(value);

export const isSeniority = (value: string | null): value is Seniority =>
  value !== null && (SENIORITIES as readonly string[]).includes(value);
