import { describe, it, expect } from 'vitest';
import { pagesFor, canView, canAck, canConfigure, canFollowUp, homePage, isRole, PAGES } from './roles.ts';

describe('role permissions', () => {
  it('admin sees every page; the assessor every page but device management and site settings', () => {
    expect([...pagesFor('admin')]).toEqual([...PAGES]);
    expect([...pagesFor('assessor')]).toEqual(PAGES.filter((p) => p !== 'device-admin' && p !== 'site-settings'));
    for (const role of ['district', 'netadmin', 'hall', 'assessor'] as const) {
      expect(canView(role, 'device-admin')).toBe(false);
      expect(canView(role, 'site-settings')).toBe(false);
      expect(canConfigure(role)).toBe(false);
    }
    expect(canConfigure('admin')).toBe(true);
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
  it('only the assessor cannot acknowledge', () => {
    expect(canAck('assessor')).toBe(false);
    expect(canAck('admin') && canAck('netadmin') && canAck('hall')).toBe(true);
  });
  it('follow-up steps: admin and the hall manager only', () => {
    expect(canFollowUp('admin') && canFollowUp('hall')).toBe(true);
    expect(canFollowUp('netadmin') || canFollowUp('assessor')).toBe(false);
  });
  it('recognises roles', () => {
    expect(isRole('netadmin')).toBe(true);
    expect(isRole('root')).toBe(false);
  });
});
