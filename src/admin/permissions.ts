/**
 * Roles and what they may do. admin: everything; editor: read and change the catalogue and content
 * (not users, exports or the audit log); viewer: read the back office, change nothing.
 */
export const ROLES = ['admin', 'editor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'catalogue:read': ['admin', 'editor', 'viewer'],
  'catalogue:write': ['admin', 'editor'],
  'content:read': ['admin', 'editor', 'viewer'],
  'content:write': ['admin', 'editor'],
  import: ['admin', 'editor'],
  'audit:read': ['admin'],
  export: ['admin'],
  'users:manage': ['admin'],
  'jobs:manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export const can = (role: Role, permission: Permission): boolean => (PERMISSIONS[permission] as readonly Role[]).includes(role);
