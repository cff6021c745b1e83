import { describe, it, expect } from 'vitest';
import {
  pagesFor,
  navPagesFor,
  canView,
  canAck,
  canAckZone,
  canFollowUp,
  canManageUsers,
  canBuildReports,
  canConfigure,
  homePage,
  isRole,
  PAGES,
} from './roles.ts';

describe('role permissions', () => {
  it('admin sees every page; district and assessor every page but user management', () => {
    expect([...pagesFor('admin')]).toEqual([...PAGES]);
    for (const role of ['district', 'assessor'] as const) {
      expect([...pagesFor(role)].sort()).toEqual(
        PAGES.filter((p) => p !== 'users' && p !== 'device-admin' && p !== 'site-settings').sort(),
      );
      expect(canView(role, 'users')).toBe(false);
    }
    expect([...pagesFor('assessor')]).toEqual(
      PAGES.filter((p) => p !== 'users' && p !== 'device-admin' && p !== 'site-settings'),
    );
  });
  it('only the admin manages devices and site settings', () => {
    for (const role of ['district', 'netadmin', 'hall', 'assessor'] as const) {
      expect(canView(role, 'device-admin')).toBe(false);
      expect(canView(role, 'site-settings')).toBe(false);
      expect(canConfigure(role)).toBe(false);
    }
    expect(canConfigure('admin')).toBe(true);
  });
  it('only the admin manages people; everyone reads the audit trail and has an account page off the nav bar', () => {
    expect(canManageUsers('admin')).toBe(true);
    expect(['district', 'netadmin', 'hall', 'assessor'].some((r) => canManageUsers(r as 'hall'))).toBe(false);
    for (const role of ['admin', 'district', 'netadmin', 'hall', 'assessor'] as const) {
      expect(canView(role, 'audit')).toBe(true);
      expect(canView(role, 'account')).toBe(true);
      expect(navPagesFor(role)).not.toContain('account');
    }
  });
  it('acknowledging by zone: the hall manager the hall, the network administrator the rooms', () => {
    expect(canAckZone('hall', 'hall')).toBe(true);
    expect(canAckZone('hall', 'machine-room')).toBe(false);
    expect(canAckZone('netadmin', 'machine-room')).toBe(true);
    expect(canAckZone('netadmin', 'hall')).toBe(false);
    expect(canAckZone('district', 'hall')).toBe(false);
    expect(canAckZone('admin', 'archive-room')).toBe(true);
  });
  it('netadmin: machine and archive rooms, alarms, devices; not the hall', () => {
    expect(canView('netadmin', 'rooms')).toBe(true);
    expect(canView('netadmin', 'alarms')).toBe(true);
    expect(canView('netadmin', 'devices')).toBe(true);
    expect(canView('netadmin', 'hall')).toBe(false);
    expect(canView('netadmin', 'queues')).toBe(false);
    expect(homePage('netadmin')).toBe('rooms');
  });
  it('hall manager: hall, queues, alarms, devices; not the rooms', () => {
    expect(canView('hall', 'hall')).toBe(true);
    expect(canView('hall', 'queues')).toBe(true);
    expect(canView('hall', 'rooms')).toBe(false);
    expect(homePage('hall')).toBe('hall');
  });
  it('the assessor and the district office cannot acknowledge', () => {
    expect(canAck('assessor') || canAck('district')).toBe(false);
    expect(canAck('admin') && canAck('netadmin') && canAck('hall')).toBe(true);
  });
  it('follow-up steps: admin and the hall manager only', () => {
    expect(canFollowUp('admin') && canFollowUp('hall')).toBe(true);
    expect(canFollowUp('netadmin') || canFollowUp('assessor') || canFollowUp('district')).toBe(false);
  });
  it('the district office lands on the centres’ scores and may build the scheduled reports', () => {
    expect(homePage('district')).toBe('district');
    expect(canView('district', 'scorecard') && canView('district', 'reports')).toBe(true);
    expect(canBuildReports('district') && canBuildReports('admin')).toBe(true);
    expect(canBuildReports('hall') || canBuildReports('assessor')).toBe(false);
    expect(canView('netadmin', 'district')).toBe(false);
  });
  it('recognises roles', () => {
    expect(isRole('netadmin')).toBe(true);
    expect(isRole('root')).toBe(false);
  });
});
