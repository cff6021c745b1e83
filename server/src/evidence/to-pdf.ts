// evidence.pdf: the pack on paper, in Chinese, for an assessor: a cover page, the clause checklist
// (clause, title, verdict, coverage), one section per clause with its rules and limit sources,
// vector charts, excursion and gap tables, then device faults, follow-ups, alarm acknowledgements
// and self-tests, with page numbers. A4, pdfkit, Noto Sans SC embedded as a subset.
import PDFDocument from 'pdfkit';
import { AUDIT_ACTION_ZH } from '@hallmon/contract';
import { findRuleKind, type KindEvidence } from '@hallmon/rules';
import { notoSansSc } from './pdf-font.ts';
import { bandChart, barChart, lineChart } from './pdf-charts.ts';
import type { ClauseEvidence, EvidencePack, NoiseRow, RateMonth, RoomDay, RuleCitation, Verdict } from './types.ts';

type Doc = InstanceType<typeof PDFDocument>;

const VERDICT: Record<Verdict, string> = { pass: '符合', fail: '不符合', 'insufficient-data': '数据不足' };
const VERDICT_COLOR: Record<Verdict, string> = { pass: '#1a7f37', fail: '#c0392b', 'insufficient-data': '#b7791f' };
const HOURS: Record<ClauseEvidence['hours'], string> = {
  'around-the-clock': '全天 24 小时',
  'opening-hours': '营业时间',
  'opening-days': '营业日',
};
const METRIC_ZH: Record<string, string> = {
  temperature: '温度 °C',
  humidity: '相对湿度 %',
  noise_laeq: '噪声 dB(A)',
  co2: '二氧化碳 ppm',
  illuminance: '照度 lx',
};
/** Rows shown per table on paper; the CSV has all of them. */
const MAX_ROWS = 60;
const M = 50;

export async function toPdf(pack: EvidencePack): Promise<Buffer> {
  const doc: Doc = new PDFDocument({
    size: 'A4',
    margin: M,
    bufferPages: true,
    info: {
      Title: `${pack.siteName} 条款合规证据包 ${pack.firstDay}–${pack.lastDay}`,
      Author: `hallmon ${pack.softwareVersion}`,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', notoSansSc());
  doc.font('cjk');
  const local = (iso: string) => fmtLocal(iso, pack.timezone);

  // Cover.
  doc.moveDown(6).fontSize(22).text('政务服务中心环境条款合规证据包', { align: 'center' });
  doc
    .moveDown(0.5)
    .fontSize(12)
    .fillColor('#555')
    .text('Clause-by-clause compliance evidence', { align: 'center' })
    .fillColor('#000');
  doc.moveDown(3).fontSize(13);
  for (const [k, v] of [
    ['站点', `${pack.siteName}（${pack.site}）`],
    ['统计期间', `${pack.firstDay} 至 ${pack.lastDay}（${pack.timezone}）`],
    ['生成时间', local(pack.generatedAt)],
    ['软件版本', `hallmon ${pack.softwareVersion}`],
    ['覆盖率阈值', `${Math.round(pack.coverageThreshold * 100)} %`],
  ] as const)
    doc.text(`${k}：${v}`, { indent: 60 }).moveDown(0.4);
  doc
    .moveDown(2)
    .fontSize(9)
    .fillColor('#555')
    .text(
      '本证据包附 evidence.json、csv/ 目录与 manifest.json（每个文件的 SHA-256 及每日数据哈希链），可用 hallmon evidence verify 校验未被改动。',
      { align: 'left' },
    )
    .fillColor('#000');

  // Checklist.
  doc.addPage();
  h1(doc, '条款核对表');
  table(
    doc,
    ['条款', '标题', '结论', '覆盖率', '超标', '中断'],
    [60, 190, 70, 60, 50, 50],
    pack.clauses.map((c) => [
      c.clause,
      c.title,
      VERDICT[c.verdict],
      pct(c.coverage),
      String(c.excursions.length),
      String(c.gaps.length),
    ]),
    (row) => (row[2] === VERDICT.fail ? VERDICT_COLOR.fail : undefined),
  );
  doc.moveDown(1);
  h2(doc, '方法说明 (method)');
  doc.fontSize(8);
  for (const m of pack.method) doc.text(`• ${m}`).moveDown(0.2);

  for (const c of pack.clauses) clauseSection(doc, c, pack, local);

  doc.addPage();
  h1(doc, '设备故障 (device faults)');
  table(
    doc,
    ['设备', '开始', '恢复', '月份', '当月次数', '修复工作日', '是否超限'],
    [70, 95, 95, 45, 45, 55, 90],
    pack.deviceFaults.map((f) => [
      f.device,
      local(f.start),
      f.end ? local(f.end) : '未恢复',
      f.month,
      f.source === 'status' ? String(f.faultInMonth) : (f.detail ?? 'device_fault'),
      f.repairWorkingDays === null ? '' : String(f.repairWorkingDays),
      f.exceedsMonthlyLimit || f.repairOverdue ? '超限' : '',
    ]),
  );
  h1(doc, '数据连续性 (continuity)');
  h2(doc, `边缘网关缓存溢出丢失的数据（${pack.dataGaps.length}）`);
  table(
    doc,
    ['来源', '开始', '结束', '说明'],
    [80, 110, 110, 200],
    pack.dataGaps.map((g) => [g.sensor, local(g.start), local(g.end), g.source]),
  );
  h2(doc, `边缘网关时钟偏差超过 5 秒（${pack.clockFaults.length}）`);
  table(
    doc,
    ['网关', '级别', '开始', '恢复', '最大偏差（秒）'],
    [70, 60, 110, 110, 150],
    pack.clockFaults.map((f) => [
      f.edge,
      f.severity === 'critical' ? '严重' : '警告',
      local(f.start),
      f.end ? local(f.end) : '未恢复',
      f.worstOffsetS === null ? '' : f.worstOffsetS.toFixed(1),
    ]),
  );
  h1(doc, '差评“1、5、15”整改时限');
  table(
    doc,
    ['设备', '窗口', '评分', '评价时间', '答复', '简单', '复杂', '逾期'],
    [60, 40, 30, 95, 60, 60, 60, 90],
    pack.followups.map((f) => [
      f.device,
      f.window ?? '',
      String(f.score),
      local(f.ratedAt),
      f.answerDeadline,
      f.simpleDeadline,
      f.complexDeadline,
      f.missed.map((m) => (m === 'answer' ? '未按时答复' : '未按时整改')).join('、'),
    ]),
  );
  h1(doc, '告警确认记录 (acknowledgements)');
  table(
    doc,
    ['条款', '规则', '传感器', '开始', '确认人', '确认时间', '备注'],
    [40, 90, 60, 90, 50, 90, 75],
    pack.alarmAcks.map((a) => [
      a.clause,
      a.rule,
      a.sensor,
      local(a.startedAt),
      a.ackedBy ?? '未确认',
      a.ackedAt ? local(a.ackedAt) : '',
      a.ackNote ?? '',
    ]),
  );
  h1(doc, '告警自检记录 (self-tests)');
  if (pack.selfTests.length === 0) doc.fontSize(9).text('本期间无自检记录。');
  else
    table(
      doc,
      ['规则', '传感器', '时间', '确认人'],
      [120, 100, 140, 135],
      pack.selfTests.map((a) => [a.rule, a.sensor, local(a.startedAt), a.ackedBy ?? '']),
    );
  auditSection(doc, pack);

  // Page numbers on every page (buffered pages).
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .fontSize(8)
      .fillColor('#666')
      .text(
        `${pack.siteName} · ${pack.firstDay}–${pack.lastDay} · 第 ${i + 1} / ${range.count} 页`,
        M,
        doc.page.height - 30,
        { width: doc.page.width - 2 * M, align: 'center', lineBreak: false },
      );
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

function clauseSection(doc: Doc, c: ClauseEvidence, pack: EvidencePack, local: (iso: string) => string): void {
  doc.addPage();
  h1(doc, `${c.clause} ${c.title}`);
  doc.fontSize(9).fillColor('#555').text(`${c.titleEn} · ${c.document}`).fillColor('#000');
  doc.moveDown(0.3).fontSize(10).text(`条款原文：“${c.quote}”`);
  doc
    .moveDown(0.3)
    .fontSize(12)
    .fillColor(VERDICT_COLOR[c.verdict])
    .text(`结论：${VERDICT[c.verdict]}`, { continued: true })
    .fillColor('#000')
    .fontSize(9)
    .text(`   覆盖率 ${pct(c.coverage)}（${HOURS[c.hours]}） · ${c.reason}`);
  doc.moveDown(0.5);
  h2(doc, '判定规则与限值来源');
  doc.fontSize(8);
  for (const r of c.rules) {
    const lim = r.limits
      ? [
          r.limits.min !== undefined ? `下限 ${r.limits.min}` : '',
          r.limits.max !== undefined ? `上限 ${r.limits.max}` : '',
        ]
          .filter(Boolean)
          .join('，')
      : '';
    doc
      .text(`• ${r.title}（${r.rule}${lim ? `；${lim}` : ''}）`)
      .fillColor('#555')
      .text(`  依据：${r.limitSource}`)
      .fillColor('#000')
      .moveDown(0.2);
  }
  doc.moveDown(0.4);
  charts(doc, c);
  h2(doc, `超标记录（${c.excursions.length}）`);
  table(
    doc,
    ['传感器', '规则', '开始', '结束', '时长', '峰值'],
    [70, 120, 95, 95, 55, 60],
    c.excursions
      .slice(0, MAX_ROWS)
      .map((x) => [
        x.sensor,
        x.rule,
        local(x.start),
        local(x.end) + (x.ongoing ? '（持续）' : ''),
        dur(x.durationS),
        fmt(x.peak),
      ]),
    undefined,
    c.excursions.length,
  );
  h2(doc, `数据中断（${c.gaps.length}）`);
  table(
    doc,
    ['传感器', '指标', '开始', '结束', '时长', '来源'],
    [70, 70, 105, 105, 60, 85],
    c.gaps
      .slice(0, MAX_ROWS)
      .map((g) => [g.sensor, g.metric ?? '', local(g.start), local(g.end), dur(g.durationS), g.source]),
    undefined,
    c.gaps.length,
  );
  if (c.monthly.length) {
    h2(doc, '月度汇总');
    const rows = c.monthly as unknown as Array<Record<string, unknown>>;
    const keys = Object.keys(rows[0]!);
    table(
      doc,
      keys,
      keys.map(() => Math.floor(495 / keys.length)),
      rows.map((r) => keys.map((k) => fmtCell(r[k]))),
    );
  }
  if (c.periodNoise?.length) {
    h2(doc, '全期噪声统计 (LAeq / L10 / L50 / L90 / Lmax)');
    table(
      doc,
      ['传感器', 'LAeq', 'L10', 'L50', 'L90', 'Lmax', '分钟'],
      [90, 65, 65, 65, 65, 65, 80],
      c.periodNoise.map((r) => [
        r.sensor,
        fmt(r.laeq),
        fmt(r.l10),
        fmt(r.l50),
        fmt(r.l90),
        fmt(r.lmax),
        String(r.minutes),
      ]),
    );
  }
  void pack;
}

function charts(doc: Doc, c: ClauseEvidence): void {
  const W = 440;
  const H = 90;
  const place = (draw: (y: number) => void) => {
    if (doc.y + H + 30 > doc.page.height - M) doc.addPage();
    const y = doc.y + 14;
    draw(y);
    doc.x = M;
    doc.y = y + H + 16;
  };
  // The chart follows what the clause's rules are judged on (their kinds say).
  const evidenceOf = (r: RuleCitation): KindEvidence | undefined => findRuleKind(r.kind)?.evidence;
  const rate = c.rules.find((r) => evidenceOf(r)?.basis === 'rate');
  if (c.rules.some((r) => evidenceOf(r)?.basis === 'noise') && c.daily?.length) {
    const rows = c.daily as NoiseRow[];
    for (const sensor of [...new Set(rows.map((r) => r.sensor))])
      place((y) =>
        lineChart(
          doc,
          { x: M + 35, y, w: W, h: H },
          `${sensor} 营业时间日 LAeq, dB(A)`,
          rows.filter((r) => r.sensor === sensor).map((r) => ({ label: r.period.slice(5), value: r.laeq })),
          80,
          '80 dB(A)',
        ),
      );
  } else if (rate && c.monthly.length) {
    const rows = c.monthly as RateMonth[];
    const min = evidenceOf(rate)?.monthlyLimit?.({ limits: rate.limits ?? undefined }) ?? NaN;
    place((y) =>
      barChart(
        doc,
        { x: M + 35, y, w: W, h: H },
        '月度评价率 %',
        rows.map((r) => ({ label: r.month, value: r.rate })),
        min,
        `${min} %`,
      ),
    );
  } else if (c.daily?.length) {
    const rows = c.daily as RoomDay[];
    for (const key of [...new Set(rows.map((r) => `${r.sensor}|${r.metric}`))].slice(0, 8)) {
      const [sensor, metric] = key.split('|') as [string, string];
      const limits = c.rules
        .filter((r) => r.limits && evidenceOf(r)?.limitLines && r.title && ruleMetricMatches(r.rule, metric))
        .flatMap((r) => [r.limits!.min, r.limits!.max])
        .filter((v): v is number => v !== undefined);
      place((y) =>
        bandChart(
          doc,
          { x: M + 35, y, w: W, h: H },
          `${sensor} ${METRIC_ZH[metric] ?? metric} 日最小/平均/最大`,
          rows.filter((r) => r.sensor === sensor && r.metric === metric),
          [...new Set(limits)],
        ),
      );
    }
  }
}

function ruleMetricMatches(rule: string, metric: string): boolean {
  const m =
    metric === 'temperature'
      ? 'temperature'
      : metric === 'humidity'
        ? 'humidity'
        : metric === 'co2'
          ? 'co2'
          : metric === 'illuminance'
            ? 'illuminance'
            : metric;
  return rule.includes(m) && !rule.includes('critical') && !rule.includes('winter');
}

function h1(doc: Doc, s: string): void {
  if (doc.y > doc.page.height - M - 80) doc.addPage();
  doc.x = M;
  doc.moveDown(0.5).fontSize(15).fillColor('#000').text(s).moveDown(0.3);
}

function h2(doc: Doc, s: string): void {
  if (doc.y > doc.page.height - M - 60) doc.addPage();
  doc.x = M;
  doc.moveDown(0.3).fontSize(11).fillColor('#000').text(s).moveDown(0.2);
}

/** `total`: the row count when the caller passed only the first MAX_ROWS (the rest are never drawn). */
function table(
  doc: Doc,
  header: string[],
  widths: number[],
  rows: string[][],
  colorOf?: (row: string[]) => string | undefined,
  total = rows.length,
): void {
  const rowH = 13;
  const x0 = M;
  const draw = (cells: string[], bold: boolean, color?: string) => {
    if (doc.y + rowH > doc.page.height - M) {
      doc.addPage();
      if (!bold) draw(header, true);
    }
    const y = doc.y;
    if (bold)
      doc
        .save()
        .rect(
          x0,
          y - 1,
          widths.reduce((a, b) => a + b, 0),
          rowH,
        )
        .fillColor('#eee')
        .fill()
        .restore();
    let x = x0;
    doc.fontSize(7.5).fillColor(color ?? '#000');
    cells.forEach((cell, i) => {
      doc.text(cell, x + 2, y + 1, { width: widths[i]! - 4, height: rowH, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.fillColor('#000');
    doc.x = x0;
    doc.y = y + rowH;
  };
  draw(header, true);
  if (total === 0) {
    draw(['无'], false);
    return;
  }
  for (const r of rows.slice(0, MAX_ROWS)) draw(r, false, colorOf?.(r));
  if (total > MAX_ROWS) draw([`…… 另有 ${total - MAX_ROWS} 行，见 CSV`], false);
  doc.moveDown(0.5);
}

function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)} %`;
}

function fmt(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : String(Math.round(v * 100) / 100);
}

function fmtCell(v: unknown): string {
  if (typeof v === 'number') return fmt(v);
  if (typeof v === 'boolean') return v ? '是' : '否';
  return v === null || v === undefined ? '' : String(v);
}

function dur(s: number): string {
  if (s < 3600) return `${Math.round(s / 60)} 分钟`;
  if (s < 86_400) return `${(s / 3600).toFixed(1)} 小时`;
  return `${(s / 86_400).toFixed(1)} 天`;
}

/** Formatters per time zone: creating an Intl.DateTimeFormat per cell was most of a loud year's PDF. */
const localFormats = new Map<string, { day: Intl.DateTimeFormat; hm: Intl.DateTimeFormat }>();

function fmtLocal(iso: string, tz: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  let f = localFormats.get(tz);
  if (!f) {
    // The same formats as dayInZone (firmware-config calendar.ts) and the hour:minute before.
    f = {
      day: new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }),
      hm: new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    };
    localFormats.set(tz, f);
  }
  return `${f.day.format(ms)} ${f.hm.format(ms)}`;
}

/** Rows of the audit table on paper; the whole trail is in csv/audit.csv and evidence.json. */
const AUDIT_PDF_ROWS = 300;

/** Who did what at this site in the period, sealed day by day with the data (docs/evidence.md). */
function auditSection(doc: Doc, pack: EvidencePack): void {
  h1(doc, '操作审计记录 (audit trail)');
  const trail = pack.auditTrail;
  if (trail.length === 0) {
    doc.fontSize(9).text('本期间本站点无操作记录。');
    return;
  }
  const counts = new Map<string, number>();
  for (const e of trail) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
  doc
    .fontSize(9)
    .text(
      `共 ${trail.length} 条：${[...counts].map(([a, n]) => `${AUDIT_ACTION_ZH[a as keyof typeof AUDIT_ACTION_ZH] ?? a} ${n}`).join('，')}。` +
        '每日审计记录的摘要已计入当日封存链（见 manifest.json）。' +
        (trail.length > AUDIT_PDF_ROWS ? `下表列出最近 ${AUDIT_PDF_ROWS} 条，全部记录见 csv/audit.csv。` : ''),
    );
  table(
    doc,
    ['时间', '操作人', '操作', '对象', '地址', '结果'],
    [95, 70, 60, 150, 70, 30],
    trail
      .slice(-AUDIT_PDF_ROWS)
      .map((e) => [
        fmtLocal(e.ts, pack.timezone),
        e.actor,
        AUDIT_ACTION_ZH[e.action],
        e.target ?? '',
        e.ip ?? '',
        e.ok ? '成功' : '失败',
      ]),
  );
}
