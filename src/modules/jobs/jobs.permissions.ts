import type { Permission } from '../../platform/permissions.ts';

/** The jobs module's rows of the permission matrix. */
export const jobsPermissions: Record<string, Permission> = {
  'GET /api/jobs/occupations': { access: 'public' },
  'GET /api/jobs/stations': { access: 'public' },
  'POST /api/jobs/stations/:id/visits': { access: 'signed-in', note: 'the station’s staff' },
  'POST /api/jobs/employers': { access: 'signed-in', note: 'an enterprise account, or station staff' },
  'GET /api/jobs/employers': { access: 'signed-in', note: 'all for reviewers, own for an enterprise' },
  'GET /api/jobs/employers/:id': {
    access: 'public',
    note: 'the contact masked but for its owner and reviewers',
  },
  'POST /api/jobs/employers/:id/review': {
    access: 'signed-in',
    note: 'reviewers: supervisors, station staff',
  },
  'GET /api/jobs/postings': {
    access: 'public',
    note: 'open postings; drafts for reviewers, own for employers',
  },
  'POST /api/jobs/postings': {
    access: 'signed-in',
    note: 'the employer’s account or station staff (即时快招)',
  },
  'POST /api/jobs/postings/reconfirm': { access: 'public', note: 'the one-tap SMS link’s token' },
  'GET /api/jobs/postings/:id': {
    access: 'public',
    note: 'published ones; drafts for the employer and reviewers',
  },
  'POST /api/jobs/postings/:id/actions/:action': {
    access: 'signed-in',
    note: 'the transition table: 403 by relation, 409 by status',
  },
  'GET /api/jobs/postings/:id/matches': { access: 'signed-in', note: 'the employer or reviewers; masked' },
  'POST /api/jobs/workers/me': { access: 'signed-in', note: 'a resident registers himself' },
  'GET /api/jobs/workers/me': { access: 'signed-in' },
  'GET /api/jobs/workers/me/matches': { access: 'signed-in' },
  'POST /api/jobs/workers': { access: 'signed-in', note: 'station staff, from the ID card on the reader' },
  'GET /api/jobs/workers': { access: 'signed-in', note: 'staff and leaders see all, masked; others none' },
  'GET /api/jobs/workers/:id': { access: 'signed-in', note: 'staff (in the access log) or the worker' },
  'GET /api/jobs/workers/:id/matches': { access: 'signed-in', note: 'staff or the worker' },
  'POST /api/jobs/applications': { access: 'signed-in', note: 'a worker applies; employer or staff invite' },
  'GET /api/jobs/applications': { access: 'signed-in', note: 'own, own postings’, or all for staff' },
  'GET /api/jobs/applications/:id': { access: 'signed-in', note: 'by relation' },
  'POST /api/jobs/applications/:id/actions/:action': {
    access: 'signed-in',
    note: 'the transition table: 403 by relation, 409 by status',
  },
  'GET /api/jobs/kpis': { access: ['official', 'unit_handler', 'supervisor', 'leader', 'admin'] },
  'POST /api/jobs/sweep': { access: ['admin', 'supervisor'] },
};
