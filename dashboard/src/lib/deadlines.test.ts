import { describe, it, expect } from 'vitest';
import type { Followup } from '@hallmon/contract';
import { deadlineView, formatSpan, sortFollowUps } from './deadlines.ts';

function fu(over: Partial<Followup> = {}): Followup {
  return {
    id: 'f1',
    site: 'demo',
    device: 'eval-w01',
    window: 'W01',
    ticket: null,
    score: 1,
    ratedAt: '2025-04-30T02:00:00Z',
    responseDue: '2025-05-06T15:59:59Z',
    simpleDue: '2025-05-12T15:59:59Z',
    complexDue: '2025-05-26T15:59:59Z',
    respondedAt: null,
    respondedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    complex: false,
    complexAt: null,
    complexBy: null,
    note: null,
    state: 'open',
    overdue: [],
    callbacks: [],
    satisfied: null,
    ...over,
  };
}

describe('"1、5、15" deadline display', () => {
  const now = Date.parse('2025-05-06T10:00:00Z');
  it('the response deadline applies until answered, and can be urgent', () => {
    const v = deadlineView(fu(), now);
    expect(v.stage).toBe('response');
    expect(v.overdue).toBe(false);
    expect(v.urgent).toBe(true);
    expect(v.leftMs).toBe(Date.parse('2025-05-06T15:59:59Z') - now);
  });
  it('after an answer the simple-case deadline, or the complex one once classified complex (as the server judges)', () => {
    const answered = fu({ respondedAt: '2025-05-06T01:00:00Z', state: 'responded' });
    expect(deadlineView(answered, now).stage).toBe('simple');
    const late = deadlineView(answered, Date.parse('2025-05-20T00:00:00Z'));
    expect(late.stage).toBe('simple');
    expect(late.overdue).toBe(true);
    const complex = deadlineView(
      fu({ respondedAt: '2025-05-06T01:00:00Z', state: 'responded', complex: true }),
      Date.parse('2025-05-20T00:00:00Z'),
    );
    expect(complex.stage).toBe('complex');
    expect(complex.due).toBe(Date.parse('2025-05-26T15:59:59Z'));
    expect(complex.overdue).toBe(false);
  });
  it('overdue when the deadline passed without an answer; done once resolved', () => {
    expect(deadlineView(fu(), Date.parse('2025-05-07T00:00:00Z')).overdue).toBe(true);
    expect(deadlineView(fu({ resolvedAt: '2025-05-08T00:00:00Z', state: 'resolved' }), now).stage).toBe('done');
  });
  it('formats spans and sorts most pressing first', () => {
    expect(formatSpan(2 * 86_400_000 + 3 * 3_600_000, 'zh-CN')).toBe('2 天 3 小时');
    expect(formatSpan(-(90 * 60_000), 'en')).toBe('1 h 30 min');
    const a = fu({ id: 'a', responseDue: '2025-05-08T00:00:00Z' });
    const b = fu({ id: 'b', responseDue: '2025-05-05T00:00:00Z' });
    const c = fu({ id: 'c', state: 'resolved', resolvedAt: '2025-05-05T00:00:00Z' });
    expect(sortFollowUps([c, a, b], now).map((f) => f.id)).toEqual(['b', 'a', 'c']);
  });
});
