import { describe, it, expect } from 'vitest';
import { pagesFor, canView, canAck, canBuildReports, canFollowUp, homePage, isRole, PAGES } from './roles.ts';

describe('role permissions', () => {
  it('admin and assessor see every page', () => {
    expect([...pagesFor('admin')]).toEqual([...PAGES]);
    expect([...pagesFor('assessor')]).toEqual([...PAGES]);
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
