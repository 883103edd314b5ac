export { gatherDrillReport } from './drill';
export { gatherReport, parseChangelog, conditionBound, DEFAULT_BUDGET_MS, type ReportOptions } from './gather';
export { renderReportHtml, recordCharts } from './html';
export { serveReport, type ReportServer } from './serve';
export type { ReleaseReport } from './model';
