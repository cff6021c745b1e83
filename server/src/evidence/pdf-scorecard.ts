// The scorecard on paper (the evidence pack's first section, and each centre in the district PDF):
// one line per scored clause with its figure, target, verdict, points at stake and deductions, then
// where every point and deduction comes from (the clause catalogue's sources).
import type { Scorecard, ScoreLine } from '@hallmon/contract';
import { fmt, h1, h2, table, VERDICT, VERDICT_COLOR, type Doc } from './pdf-layout.ts';

const GROUP_ZH: Record<ScoreLine['group'], string> = {
  environment: '环境',
  devices: '设备',
  ratings: '好差评',
  followups: '差评整改',
  'service-hours': '服务时间',
  staffing: '窗口人员',
  operations: '运营',
};

function figureText(l: ScoreLine): string {
  if (l.figure === null) return '—';
  return l.unit === '%' ? `${fmt(l.figure)} %` : `${l.figure} 项`;
}

/** The scorecard: one line per scored clause, then where every point and deduction comes from. */
export function scorecardSection(doc: Doc, sc: Scorecard, title = '评估计分卡 (scorecard)'): void {
  doc.addPage();
  h1(doc, title);
  doc
    .fontSize(8)
    .fillColor('#555')
    .text(
      '分值：2025 年第三方评估标准各条款分值（未通过或数据不足即为风险分）；扣分：青浦区 2021 年考核评分细则按本期记录计算（区间扣分取下限）。' +
        ' Points: the 2025 standard; at risk unless passed. Deductions: the Qingpu 2021 rules, from this period’s records.',
    )
    .fillColor('#000')
    .moveDown(0.4);
  table(
    doc,
    ['条款', '标题', '类别', '实测', '目标', '结论', '分值', '风险分', '扣分'],
    [42, 88, 42, 48, 120, 42, 32, 38, 43],
    sc.lines.map((l) => [
      l.clause,
      l.title,
      GROUP_ZH[l.group],
      figureText(l),
      l.target,
      VERDICT[l.verdict],
      fmt(l.points),
      fmt(l.pointsAtRisk),
      fmt(l.deductionTotal),
    ]),
    (row) => (row[5] === VERDICT.fail ? VERDICT_COLOR.fail : undefined),
  );
  const t = sc.totals;
  doc
    .fontSize(9)
    .text(
      `合计：分值 ${fmt(t.points)}，风险分 ${fmt(t.pointsAtRisk)}，扣分 ${fmt(t.deductions)}；` +
        `符合 ${t.pass} 项，不符合 ${t.fail} 项，数据不足 ${t.insufficient} 项。`,
    )
    .moveDown(0.5);
  h2(doc, '分值与扣分依据 (sources)');
  doc.fontSize(7.5);
  for (const l of sc.lines) {
    const src = l.pointsSource
      ? `${l.pointsSource.standard} ${l.pointsSource.clause}（${l.pointsSource.year}）${fmt(l.points)} 分`
      : `${l.document}（无分值）`;
    doc.text(`• ${l.clause} ${l.title}：${src}`);
    for (const d of l.deductions)
      doc
        .fillColor('#555')
        .text(
          `   扣分：${d.what}（${d.source.standard} ${d.source.clause}）— 本期 ${d.count} 次，计 ${fmt(d.total)} 分` +
            (d.upTo !== null ? `（最多 ${fmt(d.upTo)} 分）` : ''),
        )
        .fillColor('#000');
  }
}
