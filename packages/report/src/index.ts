export {
  axisSchema,
  blockSchema,
  chartBlockSchema,
  imageGridBlockSchema,
  imageSchema,
  seriesSchema,
  tableBlockSchema,
  type Axis,
  type Block,
  type ChartBlock,
  type Image,
  type ImageGridBlock,
  type Series,
  type TableBlock,
} from './schema/blocks.js';
export {
  environmentSchema,
  reportSchemaName,
  reportSchemaVersion,
  type Environment,
} from './schema/common.js';
export {
  attackEntrySchema,
  internalLayersSchema,
  robustnessReportSchema,
  worstCaseEntrySchema,
  shardSchema,
  type AttackEntry,
  type InternalLayersEntry,
  type RobustnessReport,
  type WorstCaseEntry,
} from './schema/robustness.js';
export {
  documentReportSchema,
  reportSchema,
  type DocumentReport,
  type Report,
} from './schema/report.js';
export { parseReport, reportJsonSchema, ReportValidationError } from './parse-report.js';
export {
  attackEntry,
  exampleImagesBlock,
  internalLayersEntry,
  worstCaseEntry,
  type ExampleImage,
} from './from-results.js';
export { reportBlocks } from './kinds/report-blocks.js';
export { chartSpec } from './render/chart-spec.js';
export { imageGridSpec } from './render/image-grid-spec.js';
export { vegaLiteToSvg } from './render/vega-svg.js';
export { renderMarkdown, type Figure, type MarkdownOptions } from './render/markdown.js';
export { renderHtml } from './render/html.js';
export { reportHeader } from './build/report-header.js';
export { configurationBlock, documentReport } from './build/document-report.js';
export { robustnessReport, type RobustnessFields } from './build/robustness-report.js';
export { trainingReport, type TrainingEpoch, type TrainingSummary } from './build/training-report.js';
export { repairReport, type RepairCandidate, type RepairIteration, type RepairSummary } from './build/repair-report.js';
export { isReportRendering, htmlGeneratorMark, markdownGeneratorMark } from './render/generator-mark.js';
export { mergeShardReports, shardOrder, ShardMergeError, type ShardPlace } from './build/merge-shards.js';
