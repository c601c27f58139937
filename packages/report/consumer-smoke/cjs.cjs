// CommonJS consumers load the ESM package with require() (Node >= 20.19).
const {
  parseReport,
  ReportValidationError,
  vegaLiteToSvg,
  chartSpec,
} = require('@liftguard/report');

try {
  parseReport({ schema: 'liftguard-report', schemaVersion: 1, kind: 'document' });
  throw new Error('an invalid report was accepted');
} catch (error) {
  if (!(error instanceof ReportValidationError)) throw error;
}
const block = {
  type: 'scatter-chart',
  title: 'Front',
  x: { label: 'clean' },
  y: { label: 'robust' },
  series: [{ name: 'r', points: [[0.9, 0.2]] }],
};
vegaLiteToSvg(chartSpec(block)).then((svg) => {
  if (!svg.includes('Front')) throw new Error('svg');
  console.log('cjs ok');
});
