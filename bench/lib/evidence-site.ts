// The 20-sensor site the evidence benchmarks share (bench/evidence-year.ts fills a store for it,
// bench/evidence-seal.ts can reuse that store): 2 hall noise meters, hall climate, CO2 and light,
// 6 machine-room, 4 archive-room and 4 other T/H transmitters, open every day 09:00-17:00.
import type { SiteConfig } from '@hallmon/firmware-config';

const th = (id: string) => ({ id, profile: 'th-modbus-f03' });

export const benchSite: SiteConfig = {
  id: 'bench',
  name: '基准测试受理服务中心',
  timezone: 'Asia/Shanghai',
  openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '09:00', to: '17:00' }],
  gateway: { username: 'bench', passwordHash: 'scrypt$1$1$1$x$y' },
  zones: [
    {
      id: 'hall',
      kind: 'hall',
      name: '大厅',
      devices: [
        { id: 'noise-1', profile: 'noise-modbus-f03' },
        { id: 'noise-2', profile: 'noise-modbus-f03' },
        th('hall-th-1'),
        th('hall-th-2'),
        { id: 'co2-1', profile: 'co2-modbus-f03' },
        { id: 'lux-1', profile: 'lux-modbus-f03' },
      ],
    },
    { id: 'mr', kind: 'machine-room', name: '机房', devices: [1, 2, 3, 4, 5, 6].map((i) => th(`mr-th-${i}`)) },
    { id: 'ar', kind: 'archive-room', name: '档案室', devices: [1, 2, 3, 4].map((i) => th(`ar-th-${i}`)) },
    { id: 'other', kind: 'other', name: '其他', devices: [1, 2, 3, 4].map((i) => th(`o-th-${i}`)) },
  ],
};
