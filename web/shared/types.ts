/** Shapes of the API answers used by the web apps (see src/modules/<module>/<module>.schema.ts). */

export type ProblemStatus =
  | 'submitted'
  | 'returned'
  | 'rejected'
  | 'assigned'
  | 'bounced'
  | 'in_progress'
  | 'closure_requested'
  | 'closed'
  | 'merged';

export type Rating = 'satisfied' | 'basically_satisfied' | 'dissatisfied';

export interface User {
  id: string;
  username: string;
  displayName?: string;
  name?: string;
  phone?: string | null;
  idNumber?: string | null;
  roles: string[];
  unitId?: string | null;
  unitName?: string | null;
  scope?: { kind: 'jurisdiction' | 'township' | 'unit' | 'own'; ref: string | null };
  active?: boolean;
  locked?: boolean;
  version?: number;
}

export interface Division {
  code: string;
  name: string;
  level: string;
  parentCode: string | null;
  lat?: number | null;
  lng?: number | null;
}

export interface CategoryField {
  code: string;
  label: string;
  labelEn?: string;
  description?: string;
  type: 'string' | 'number' | 'datetime' | 'text' | 'single' | 'multi';
  required: boolean;
  options?: { value: string; label: string }[];
}

export interface Category {
  code: string;
  name: string;
  nameEn?: string;
  description?: string;
  keywords?: string;
  open311Type?: 'realtime' | 'batch';
  version?: number;
  kind: string;
  domain: string;
  domainName?: string;
  fields: CategoryField[];
  active?: boolean;
}

export interface Attachment {
  id: string;
  url: string;
  mime: string;
  name: string;
  size: number;
}

export interface Unit {
  id: string;
  name: string;
  kind: 'department' | 'township' | 'village' | 'office';
  parentId: string | null;
  divisionCode: string | null;
  phone: string | null;
  active: boolean;
  version: number;
}

export interface ProblemAction {
  id: string;
  action: string;
  label?: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  note?: string | null;
  actor?: { id?: string | null; name?: string; unitId?: string | null; unitName?: string | null } | null;
  createdAt: string;
  data?: Record<string, unknown> | null;
  attachments?: Attachment[];
  public?: boolean;
}

export interface ProblemResult {
  summary: string;
  indicators: { code: string; name?: string; unit?: string; value: number }[];
  mechanism?: string | null;
  attachments?: Attachment[];
}

export interface Problem {
  id: string;
  number: string;
  kind: string;
  domain?: string;
  domainName?: string;
  categoryCode: string;
  categoryName?: string;
  channel: string;
  title: string;
  description: string;
  status: ProblemStatus;
  villageCode?: string | null;
  villageName?: string | null;
  townshipCode?: string | null;
  townshipName?: string | null;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
  reporter?: { name: string | null; phone: string | null } | null;
  enterprise?: { name: string; uscc: string | null } | null;
  leadUnit?: { id: string; name: string } | null;
  supportingUnits?: { id: string; name: string }[];
  rectificationType?: string | null;
  urgency?: string;
  statusLabel?: string;
  /** normal | due_soon | overdue */
  dueState?: string;
  respondDueAt?: string | null;
  closeDueAt?: string | null;
  dispatchedAt?: string | null;
  respondedAt?: string | null;
  pendingExtension?: { until: string; reason: string } | null;
  pressCount?: number;
  reopenCount?: number;
  bounceCount?: number;
  mergedProblems?: { id: string; number: string; title: string; status: string }[];
  foundOn?: string | null;
  version?: number;
  rating?: Rating | null;
  topicId?: string | null;
  topicTitle?: string | null;
  visitId?: string | null;
  campaignId?: string | null;
  mergedIntoId?: string | null;
  fields?: Record<string, unknown> | null;
  createdAt: string;
  updatedAt?: string;
  closedAt?: string | null;
  attachments?: Attachment[];
  actions?: ProblemAction[];
  allowedActions?: string[];
  result?: ProblemResult | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface Indicator {
  code: string;
  name: string;
  nameEn?: string;
  domain?: string | null;
  unit: string;
  value?: number;
}

export interface KpiFigures {
  received: number;
  accepted: number;
  resolved: number;
  responseRate: number | null;
  onTimeRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  bounceRate: number | null;
  repeatRate: number | null;
  medianHoursToClose: number | null;
  avgHoursToClose?: number | null;
  closed?: number;
  rated?: number;
  indicators: Indicator[];
}

export interface StatsSummary {
  totals: KpiFigures;
  groups: (KpiFigures & { key: string; label: string })[];
}

export interface Campaign {
  id: string;
  name: string;
  description?: string;
  startsOn: string;
  endsOn: string | null;
}

export interface Topic {
  id: string;
  title: string;
  campaignId: string;
  domain: string;
  domainName?: string;
  leadOfficialId?: string | null;
  leadOfficialName: string;
  team: string[];
  report?: string;
  visitCount?: number;
  problemCount?: number;
  resolvedCount?: number;
}

export interface Visit {
  id: string;
  topicId: string;
  visitedAt: string;
  villageCode: string | null;
  villageName?: string | null;
  place: string;
  enterpriseName?: string | null;
  enterpriseUscc?: string | null;
  participants: string;
  notes: string;
  lat?: number | null;
  lng?: number | null;
  problemCount?: number;
  attachments?: Attachment[];
}

export interface Notice {
  id: string;
  title: string;
  body?: string;
  content?: string;
  publishedAt?: string;
  createdAt?: string;
  level?: string;
}

export interface MapPoint {
  id: string;
  lat: number;
  lng: number;
  status: ProblemStatus;
}

export interface MapConfig {
  tileUrl: string | null;
  center: [number, number];
  zoom: number;
  attribution?: string;
}

export interface RecentAction {
  id: string;
  action: string;
  problemId: string;
  number: string;
  title: string;
  toStatus?: string;
  townshipName?: string | null;
  unitName?: string | null;
  createdAt: string;
}

export interface ResultItem {
  id: string;
  number?: string;
  title: string;
  domain?: string;
  domainName?: string;
  townshipName?: string;
  villageName?: string;
  categoryName?: string;
  description?: string;
  /** The lead unit's name. */
  leadUnit?: string | { id: string; name: string } | null;
  summary?: string;
  closedAt?: string;
  indicators?: { code: string; name?: string; unit?: string; value: number }[];
  rating?: Rating | null;
  result?: ProblemResult | null;
}
