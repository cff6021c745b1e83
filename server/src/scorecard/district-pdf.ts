// The district PDF: one landscape page with every centre against every scored clause (合 pass, 否
// fail, 缺 insufficient data, with the points at risk and the deductions per centre), then each
// centre's scorecard with its sources. Chinese first, as the evidence pack.
import type { DistrictView, Scorecard } from '@hallmon/contract';
import { fmt, h1, M, newDoc, pageNumbers, table, VERDICT_COLOR } from '../evidence/pdf-layout.ts';
import { scorecardSection } from '../evidence/pdf-scorecard.ts';
import { VERSION } from '../version.ts';

const MARK = { pass: '合', fail: '否', 'insufficient-data': '缺' } as const;
const PERIOD = { month: '本月', quarter: '本季度', year: '评估年度至今' } as const;

/** `caption`: what the period is (default: this month / the assessment year so far). */
export async function districtPdf(
  view: DistrictView,
  scorecards: readonly Scorecard[],
  caption: string = PERIOD[view.period],
): Promise<Buffer> {
  const { doc, done } = newDoc(
    { Title: `区级受理中心评估总览 ${view.firstDay}–${view.lastDay}`, Author: `hallmon ${VERSION}` },
    'landscape',
  );
  h1(doc, `区级受理中心评估总览（${caption}：${view.firstDay} 至 ${view.lastDay}）`);
  doc
    .fontSize(8)
    .fillColor('#555')
    .text(
      '合＝符合，否＝不符合，缺＝数据不足；风险分为 2025 年评估标准中未被证明的分值，扣分按青浦区 2021 年考核评分细则计。' +
        ' District overview: 合 pass, 否 fail, 缺 insufficient data; points at risk (2025 standard) and deductions (Qingpu 2021 rules).',
    )
    .fillColor('#000')
    .moveDown(0.4);
  const width = doc.page.width - 2 * M;
  const fixed = 130 + 2 * 40;
  const per = Math.max(24, Math.floor((width - fixed) / Math.max(1, view.clauses.length)));
  table(
    doc,
    ['受理中心', ...view.clauses.map((c) => c.clause), '风险分', '扣分'],
    [130, ...view.clauses.map(() => per), 40, 40],
    view.rows.map((r) => [
      r.siteName,
      ...view.clauses.map((c) => {
        const cell = r.cells.find((x) => x.clause === c.clause);
        return cell ? MARK[cell.verdict] : '';
      }),
      fmt(r.totals.pointsAtRisk),
      fmt(r.totals.deductions),
    ]),
    (row) => (row.includes(MARK.fail) ? VERDICT_COLOR.fail : undefined),
  );
  doc.fontSize(7.5).fillColor('#555');
  for (const c of view.clauses) doc.text(`${c.clause} ${c.title}（${c.titleEn}）：${fmt(c.points)} 分`);
  doc.fillColor('#000');
  for (const sc of scorecards) scorecardSection(doc, sc, `${sc.siteName}（${sc.firstDay} 至 ${sc.lastDay}）`);
  pageNumbers(doc, `区级总览 · ${view.firstDay}–${view.lastDay}`);
  doc.end();
  return done;
}
