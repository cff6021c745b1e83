// A device's printable install sheet (A4, Chinese first, English beside): which site, zone and device
// it is, how it connects (the bus, serial port, baud rate and slave address of a transmitter; the
// edge's broker, username, password and topic of an MQTT device), a QR code of those settings for a
// phone or a configuration tool, the register map of its profile and the profile's wiring notes.
// pdfkit with the same embedded CJK font as the evidence PDF (evidence/pdf-font.ts); the QR code is
// drawn as vector squares from the qrcode package's module matrix (ISO/IEC 18004, level M).
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import {
  METRIC_UNITS,
  topics,
  type DeviceProfile,
  type SiteBus,
  type SiteConfig,
  type SiteDevice,
  type Zone,
} from '@hallmon/firmware-config';
import { notoSansSc } from '../evidence/pdf-font.ts';

type Doc = InstanceType<typeof PDFDocument>;

export interface SheetInput {
  site: SiteConfig;
  zone: Zone;
  device: SiteDevice;
  profile: DeviceProfile;
  /** The config version the sheet describes. */
  version: number;
  /** MQTT devices: the edge's broker as devices reach it, and the credential (password only when just issued). */
  mqtt?: { host: string | null; port: number; username: string | null; password?: string };
  generatedAt: string;
}

/** What the QR code holds: the settings a person would otherwise type, as compact JSON. */
export function sheetSettings(i: SheetInput): Record<string, string | number> {
  const base = { site: i.site.id, device: i.device.id, profile: i.profile.id };
  if (i.profile.transport === 'mqtt')
    return {
      ...base,
      ...(i.mqtt?.host ? { host: i.mqtt.host } : {}),
      ...(i.mqtt ? { port: i.mqtt.port } : {}),
      username: i.mqtt?.username ?? i.device.id,
      ...(i.mqtt?.password ? { password: i.mqtt.password } : {}),
      topic: i.profile.deviceClass === 'sensor' ? topics.telemetry(i.site.id) : topics.events(i.site.id),
      qos: 1,
    };
  const bus = busOf(i.site, i.device);
  const serial = i.device.serial ?? bus;
  return {
    ...base,
    ...(bus ? { bus: bus.id } : {}),
    ...(serial?.port ? { port: serial.port } : {}),
    baudRate: serial?.baudRate ?? i.profile.serial?.baudRate ?? 9600,
    ...(i.device.unitId !== undefined ? { unitId: i.device.unitId } : {}),
  };
}

function busOf(site: SiteConfig, d: SiteDevice): SiteBus | undefined {
  return d.bus === undefined ? undefined : site.edge?.buses?.find((b) => b.id === d.bus);
}

export async function installSheet(i: SheetInput): Promise<Buffer> {
  const doc: Doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `${i.site.name} ${i.device.id} 设备安装单`, Author: 'hallmon' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', notoSansSc());
  doc.font('cjk');

  doc
    .fontSize(20)
    .text('设备安装单', { continued: true })
    .fontSize(12)
    .fillColor('#555')
    .text('  Device install sheet');
  doc.fillColor('#000').moveDown(0.5);
  const settings = sheetSettings(i);
  const qrText = JSON.stringify(settings);
  const top = doc.y;
  const qrX = doc.page.width - 50 - 150;
  drawQr(doc, qrText, qrX, top, 150);
  doc
    .fontSize(7)
    .fillColor('#555')
    .text('二维码：上述连接参数（JSON）\nQR code: the connection settings, as JSON', qrX, top + 152, {
      width: 150,
      align: 'center',
    })
    .fillColor('#000');
  doc.y = top;

  const rows: [string, string][] = [
    ['站点 Site', `${i.site.name}（${i.site.id}）`],
    ['区域 Zone', `${i.zone.name}（${i.zone.id}，${i.zone.kind}）`],
    ['设备编号 Device id', i.device.id],
    ['名称 Name', i.device.name ?? '—'],
    ['型号 Model', `${i.profile.vendor} ${i.profile.model}（${i.profile.id}）`],
    ['配置版本 Config version', `v${i.version}`],
  ];
  const bus = busOf(i.site, i.device);
  if (i.profile.transport === 'modbus-rtu') {
    rows.push(
      ['总线 Bus', bus ? `${bus.name ?? bus.id}（${bus.id}）` : '未接入 edge（not read by an edge）'],
      ['串口 Serial port', bus?.port ?? '—'],
      ['通信参数 Line', line(bus?.baudRate ?? i.profile.serial?.baudRate, bus ?? {}, i.profile)],
      ['从站地址 Unit id', i.device.unitId !== undefined ? String(i.device.unitId) : '—'],
      ['采集周期 Poll', `${(bus?.pollMs ?? 1000) / 1000} s`],
    );
  } else if (i.profile.transport === 'ascii-line') {
    rows.push(
      ['串口 Serial port', i.device.serial?.port ?? '—'],
      [
        '通信参数 Line',
        line(i.device.serial?.baudRate ?? i.profile.serial?.baudRate, i.device.serial ?? {}, i.profile),
      ],
    );
  } else {
    rows.push(
      [
        'MQTT 地址 Broker',
        i.mqtt ? `${i.mqtt.host ?? '（edge 主机地址）'}:${i.mqtt.port}` : '站点 edge 未开放设备端口',
      ],
      ['用户名 Username', i.mqtt?.username ?? i.device.id],
      ['密码 Password', i.mqtt?.password ?? '（仅在生成凭据时显示一次，本单未打印；请在设备管理页重新生成）'],
      ['主题 Topic', String(settings.topic)],
    );
  }
  rows.push([
    '数据主题 Data topic',
    `${topics.telemetry(i.site.id)} / ${topics.events(i.site.id)}（sensor = ${i.device.id}）`,
  ]);
  doc.fontSize(10);
  const labelW = 130;
  const valueW = qrX - 60 - 50 - labelW;
  for (const [k, v] of rows) {
    const y = doc.y;
    doc.fillColor('#555').text(k, 50, y, { width: labelW });
    const afterLabel = doc.y;
    doc.fillColor('#000').text(v, 50 + labelW, y, { width: valueW });
    doc.y = Math.max(doc.y, afterLabel);
    doc.moveDown(0.3);
  }
  doc.y = Math.max(doc.y, top + 185);
  doc.moveDown(1).fontSize(13).text('寄存器表 Register map', 50);
  doc.fontSize(9).moveDown(0.3);
  if (i.profile.metrics.length === 0)
    doc.text('本设备发布计数事件，无寄存器（events: ' + (i.profile.events ?? []).join(', ') + '）');
  else {
    const cols = [50, 150, 210, 265, 365, 425];
    const head = ['指标 Metric', '功能码 Fn', '地址 Addr', '类型 Type', '比例 Scale', '合理范围 Plausible'];
    let y = doc.y;
    head.forEach((h, k) => doc.text(h, cols[k], y, { width: 90 }));
    doc.moveDown(0.4);
    for (const m of i.profile.metrics) {
      y = doc.y;
      const r = m.register;
      const cells = [
        `${m.metric} (${METRIC_UNITS[m.metric]})`,
        r ? `0x0${r.function}` : m.line ? 'ASCII' : '—',
        r ? String(r.address) : '—',
        r
          ? `${r.type ?? 'int'}${(r.words ?? 1) === 2 || r.type === 'float32' ? ' 32 bit' : ' 16 bit'}${r.signed ? ' signed' : ''}`
          : m.line
            ? m.line.pattern
            : '—',
        r?.scale !== undefined ? `×${r.scale}` : m.line?.scale !== undefined ? `×${m.line.scale}` : '×1',
        `${m.plausible.min} – ${m.plausible.max}`,
      ];
      cells.forEach((c, k) => doc.text(c, cols[k], y, { width: k === 3 ? 95 : 90 }));
      doc.moveDown(0.3);
    }
  }

  doc.moveDown(1).fontSize(13).text('接线与安装 Wiring and mounting', 50);
  doc.fontSize(10).moveDown(0.3);
  for (const w of i.profile.wiring ?? ['（型号资料未提供接线说明）']) doc.text(`• ${w}`, { indent: 8 });
  doc.moveDown(0.5).fontSize(9).fillColor('#555').text(i.profile.description);

  doc
    .fontSize(8)
    .text(`hallmon · ${i.generatedAt} · 安装后在「设备管理」页查看首批读数与调试检查。`, 50, doc.page.height - 70, {
      width: doc.page.width - 100,
      align: 'center',
    });
  doc.end();
  return done;
}

function line(
  baud: number | undefined,
  s: { dataBits?: number; parity?: string; stopBits?: number },
  p: DeviceProfile,
): string {
  const parity = { none: 'N', even: 'E', odd: 'O' }[s.parity ?? p.serial?.parity ?? 'none'] ?? 'N';
  return `${baud ?? 9600} ${s.dataBits ?? p.serial?.dataBits ?? 8}${parity}${s.stopBits ?? p.serial?.stopBits ?? 1}`;
}

/** The QR code as filled squares in a `size`-point box with the 4-module quiet zone of ISO/IEC 18004. */
function drawQr(doc: Doc, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / (n + 8);
  doc.save().rect(x, y, size, size).fill('#fff');
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) if (qr.modules.get(r, c)) doc.rect(x + (c + 4) * cell, y + (r + 4) * cell, cell, cell);
  doc.fill('#000').restore();
}
