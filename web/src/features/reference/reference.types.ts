/** Reference data: the organisation tree, service packages and the option lists of the clinical forms. */

export interface TeamRef {
  id: string;
  name: string;
  members: number;
}

export interface Institution {
  id: string;
  code: string;
  name: string;
  nameEn: string;
  kind: string;
  parentId: string | null;
  teams: TeamRef[];
}

export interface InstitutionList {
  region: { code: string; name: string } | null;
  items: Institution[];
}

export interface ServicePackage {
  code: string;
  name: string;
  nameEn: string;
  kind: 'basic' | 'personalised' | string;
  annualFeeCents: number;
}

export interface CodeLabel {
  code: string;
  zh: string;
  en: string;
}

export interface FormOptions {
  urgentSymptoms: { hypertension: CodeLabel[]; diabetes: CodeLabel[] };
  selfCareItems: (CodeLabel & { scores: number[] })[];
  classifications: CodeLabel[];
}
