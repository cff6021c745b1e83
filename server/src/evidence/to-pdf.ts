// evidence.pdf: the pack on paper, in Chinese, for an assessor: a cover page, the scorecard (each
// scored clause's figure, target, verdict, points at stake and deductions, with their sources), the
// clause checklist (clause, title, verdict, coverage), one section per clause with its rules and
// limit sources, vector charts, excursion and gap tables (a detector's findings in words, the
// evaluation rate per window), then device faults, follow-ups, alarm acknowledgements and
// self-tests, with page numbers. A4, pdfkit, Noto Sans SC embedded as a subset.
import { AUDIT_ACTION_ZH } from '@hallmon/contract';
import { findRuleKind, type KindEvidence } from '@hallmon/rules';
import { bandChart, barChart, lineChart, scatterChart } from './pdf-charts.ts';
import {
  dur,
  fmt,
  fmtCell,
  fmtLocal,
  h1,
  h2,
  M,
  MAX_ROWS,
  newDoc,
  pageNumbers,
  pct,
  table,
  VERDICT,
  VERDICT_COLOR,
  type Doc,
} from './pdf-layout.ts';
import { scorecardSection } from './pdf-scorecard.ts';
import type { ClauseEvidence, EvidencePack, NoiseRow, RateMonth, RoomDay, RuleCitation } from './types.ts';

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

export async function toPdf(pack: EvidencePack): Promise<Buffer> {
  const { doc, done } = newDoc({
    Title: `${pack.siteName} 条款合规证据包 ${pack.firstDay}–${pack.lastDay}`,
    Author: `hallmon ${pack.softwareVersion}`,
  });
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
  if (pack.signingKey)
    doc
      .moveDown(1)
      .fontSize(9)
      .text(`本站点签名公钥（${pack.signingKey.algorithm}，manifest.sig.json 与每日链接均由其签名）：`)
      .font('Courier')
      .fontSize(9)
      .text(`key id ${pack.signingKey.keyId}`)
      .text(pack.signingKey.publicKey)
      .font('cjk')
      .fontSize(8)
      .fillColor('#555')
      .text(
        '请与区级服务器公布的本站点公钥核对；hallmon evidence verify --public-key 可据此校验签名。 Compare with the key the district server lists for this site.',
      )
      .fillColor('#000');

  scorecardSection(doc, pack.scorecard);

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

  environmentSection(doc, pack);

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

  pageNumbers(doc, `${pack.siteName} · ${pack.firstDay}–${pack.lastDay}`);
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
  if (c.doorOpenings) {
    const bad = c.doorOpenings.filter((o) => !o.registered).length;
    h2(doc, `机房进出登记核对（开门 ${c.doorOpenings.length} 次，未登记 ${bad} 次）`);
    table(
      doc,
      ['门磁', '开门', '关门', '登记', '来访人 / 单位', '事由', '陪同网管'],
      [55, 80, 80, 55, 95, 80, 50],
      c.doorOpenings
        .slice(0, MAX_ROWS)
        .map((o) => [
          o.sensor,
          local(o.start),
          o.end ? local(o.end) : '（未关）',
          !o.registered ? '未登记' : o.late ? '补录登记' : '已登记',
          o.visit ? `${o.visit.visitor} / ${o.visit.organisation}` : '—',
          o.visit?.reason ?? '—',
          o.visit?.escort ?? '—',
        ]),
      (row) => (row[3] === '未登记' ? '#b91c1c' : row[3] === '补录登记' ? '#b45309' : undefined),
      c.doorOpenings.length,
    );
  }
  if (c.stateEvents) {
    h2(doc, `动环状态告警（${c.stateEvents.length}）`);
    table(
      doc,
      ['设备', '告警', '开始', '结束', '时长', '确认人', '确认说明'],
      [60, 95, 85, 85, 45, 50, 75],
      c.stateEvents
        .slice(0, MAX_ROWS)
        .map((x) => [
          x.sensor,
          x.title,
          local(x.start),
          local(x.end) + (x.ongoing ? '（持续）' : ''),
          dur(x.durationS),
          x.ackedBy ?? '未确认',
          x.ackNote ?? '',
        ]),
      undefined,
      c.stateEvents.length,
    );
  }
  findingsTable(doc, c, local);
  if (c.byWindow?.length) {
    h2(doc, '各窗口及全厅评价率 (evaluation rate per window)');
    table(
      doc,
      ['窗口', '评价数', '办结数', '评价率', '低于限值', '低于限值天数'],
      [90, 70, 70, 80, 80, 105],
      c.byWindow.map((w) => [
        w.hall ? `全厅（${w.window}）` : w.window,
        String(w.ratings),
        String(w.served),
        w.rate === null ? '—' : `${fmt(w.rate)} %`,
        w.belowLimit ? '是' : '',
        String(w.daysBelowLimit),
      ]),
      (row) => (row[4] === '是' ? VERDICT_COLOR.fail : undefined),
    );
  }
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
        r.indicative ? `${r.sensor}（指示值）` : r.sensor,
        fmt(r.laeq),
        fmt(r.l10),
        fmt(r.l50),
        fmt(r.l90),
        fmt(r.lmax),
        String(r.minutes),
      ]),
    );
  }
  if (c.periodNoise?.some((r) => r.indicative))
    doc
      .fontSize(8)
      .fillColor('#555')
      .text(
        '指示值：RS-485 噪声变送器输出的是平滑后的声级，不是经检定的声级计测得的等效声级（LAeq），仅供参考 / indicative: a transmitter’s smoothed level, not a certified LAeq.',
      )
      .fillColor('#000');
  void pack;
}

const ENV_ZH = { laeq: '噪声 LAeq', co2: '二氧化碳', temperature: '温度' } as const;
const SERVICE_ZH = { meanWaitMin: '平均等候（分钟）', tickets: '取号数', badRatings: '差评数' } as const;

/** Environment × service: correlations with their caveat, the hour-of-day profile and a scatter. */
function environmentSection(doc: Doc, pack: EvidencePack): void {
  const e = pack.environmentService;
  doc.addPage();
  h1(doc, '环境与服务 (environment × service)');
  doc
    .fontSize(8.5)
    .text(
      `营业时间内每小时的大厅噪声、二氧化碳、温度与取号、等候、差评并列（共 ${e.hours.length} 个营业小时），下表为相关系数 r 及其 95 % 区间。`,
    )
    .moveDown(0.3)
    .fillColor('#c0392b')
    .text(e.caveat)
    .fillColor('#000')
    .moveDown(0.4);
  table(
    doc,
    ['环境', '服务', '小时数', 'r', '95 % 区间'],
    [110, 120, 70, 70, 125],
    e.correlations.map((c) => [
      ENV_ZH[c.environment],
      SERVICE_ZH[c.service],
      String(c.n),
      c.r === null ? '—' : c.r.toFixed(2),
      c.low === null || c.high === null ? '—' : `${c.low.toFixed(2)} … ${c.high.toFixed(2)}`,
    ]),
  );
  h2(doc, '按时段平均 (by hour of day)');
  table(
    doc,
    ['时段', 'LAeq dB(A)', 'CO2 ppm', '温度 °C', '取号', '等候 分钟', '差评'],
    [60, 75, 70, 65, 65, 85, 75],
    e.profile.map((p) => [
      p.hour,
      fmt(p.laeq),
      fmt(p.co2),
      fmt(p.temperature),
      fmt(p.tickets),
      fmt(p.meanWaitMin),
      fmt(p.badRatings),
    ]),
  );
  const pts = (k: 'laeq' | 'co2') =>
    e.hours.flatMap((h) => (h[k] !== null && h.meanWaitMin !== null ? [{ x: h[k]!, y: h.meanWaitMin }] : []));
  for (const [k, label] of [
    ['laeq', '噪声 LAeq dB(A)'],
    ['co2', '二氧化碳 ppm'],
  ] as const) {
    const p = pts(k);
    if (p.length < 3) continue;
    if (doc.y + 130 > doc.page.height - M) doc.addPage();
    const y = doc.y + 16;
    scatterChart(doc, { x: M + 35, y, w: 440, h: 100 }, `每个营业小时：${label} 与平均等候（分钟）`, p, label);
    doc.x = M;
    doc.y = y + 118;
  }
}

/** A detector's findings in words (its kind says what each means). */
function findingsTable(doc: Doc, c: ClauseEvidence, local: (iso: string) => string): void {
  const labels = new Map<string, string>();
  for (const r of c.rules)
    for (const [k, v] of Object.entries(findRuleKind(r.kind)?.evidence.findings ?? {})) labels.set(k, v.zh);
  if (labels.size === 0) return;
  const rows = c.excursions.filter((x) => x.finding !== undefined);
  h2(doc, `检测结果（${rows.length}）：以下为疑似情况，需人工核实`);
  table(
    doc,
    ['发现', '对象', '开始', '结束', '数量'],
    [170, 70, 95, 95, 65],
    rows
      .slice(0, MAX_ROWS)
      .map((x) => [
        labels.get(x.finding!) ?? x.finding!,
        x.sensor,
        local(x.start),
        local(x.end) + (x.ongoing ? '（持续）' : ''),
        x.count === undefined ? '' : String(x.count),
      ]),
    undefined,
    rows.length,
  );
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
