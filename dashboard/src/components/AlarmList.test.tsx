import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { renderWithI18n } from '../test/render.tsx';
import { AlarmList } from './AlarmList.tsx';
import type { Alarm } from '@hallmon/contract';

const alarms: Alarm[] = [
  {
    id: 'demo:mr-temperature-critical:mr-th-1:1',
    site: 'demo',
    clause: '5.2.2',
    rule: 'mr-temperature-critical',
    sensor: 'mr-th-1',
    severity: 'critical',
    state: 'raised',
    startedAt: '2025-05-01T01:00:00Z',
    clearedAt: null,
    peak: 33.4,
    limit: 32,
    message: null,
    ackedBy: null,
    ackedAt: null,
    ackNote: null,
    ts: '2025-05-01T01:00:00Z',
  },
  {
    id: 'demo:noise-laeq-5min:hall-slm-1:2',
    site: 'demo',
    clause: '1.3.3',
    rule: 'noise-laeq-5min',
    sensor: 'hall-slm-1',
    severity: 'warning',
    state: 'cleared',
    startedAt: '2025-05-01T02:00:00Z',
    clearedAt: '2025-05-01T02:10:00Z',
    peak: 82.1,
    limit: 80,
    message: null,
    ackedBy: 'hall',
    ackedAt: '2025-05-01T02:05:00Z',
    ackNote: '已提醒排队群众',
    ts: '2025-05-01T02:10:00Z',
  },
];
const tz = () => 'Asia/Shanghai';

describe('AlarmList', () => {
  afterEach(() => cleanup());

  it('shows each alarm with its clause number, in the site time zone', () => {
    renderWithI18n(<AlarmList alarms={alarms} timeZoneOf={tz} canAck={() => true} onAck={vi.fn()} />);
    const rows = screen.getAllByTestId('alarm-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('5.2.2 机房管理');
    expect(rows[0]!.textContent).toContain('09:00:00');
    expect(rows[1]!.textContent).toContain('1.3.3 听觉环境');
    expect(within(rows[1]!).getByTestId('alarm-acked').textContent).toContain('已提醒排队群众');
    expect(within(rows[1]!).queryByTestId('ack-button')).toBeNull();
  });

  it('acknowledges with a note', async () => {
    const onAck = vi.fn(async () => undefined);
    renderWithI18n(<AlarmList alarms={alarms} timeZoneOf={tz} canAck={() => true} onAck={onAck} />);
    const row = screen.getAllByTestId('alarm-row')[0]!;
    fireEvent.click(within(row).getByTestId('ack-button'));
    fireEvent.change(within(row).getByTestId('ack-note'), { target: { value: '  已重启空调  ' } });
    fireEvent.click(within(row).getByTestId('ack-confirm'));
    await waitFor(() => expect(onAck).toHaveBeenCalledWith(alarms[0]!.id, '已重启空调'));
    await waitFor(() => expect(within(row).queryByTestId('ack-note')).toBeNull());
  });

  it('keeps the form open and shows the error when the ack fails', async () => {
    const onAck = vi.fn(async () => {
      throw new Error('no alarm with id');
    });
    renderWithI18n(<AlarmList alarms={alarms} timeZoneOf={tz} canAck={() => true} onAck={onAck} />);
    const row = screen.getAllByTestId('alarm-row')[0]!;
    fireEvent.click(within(row).getByTestId('ack-button'));
    fireEvent.click(within(row).getByTestId('ack-confirm'));
    expect((await within(row).findByRole('alert')).textContent).toContain('no alarm with id');
    expect(within(row).getByTestId('ack-note')).toBeTruthy();
  });

  it('offers no ack button to the read-only assessor', () => {
    renderWithI18n(<AlarmList alarms={alarms} timeZoneOf={tz} canAck={() => false} onAck={vi.fn()} />);
    expect(screen.queryAllByTestId('ack-button')).toHaveLength(0);
  });
});
