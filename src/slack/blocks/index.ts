/** Block Kit builders: pure functions from runs and reports to Slack messages. */
export { type ChatText, LIMITS } from './chat-text.js';
export { escapeMrkdwn, mention } from './escape-mrkdwn.js';
export { truncate, chunkLines, limitLines } from './truncate.js';
export { assertWithinLimits, limitProblems, messageChars } from './assert-within-limits.js';
export { buildStatusMessages, buildStatusSummary, countStatus } from './build-status-messages.js';
export { buildStatusDetails } from './build-status-details.js';
export { findProblems } from '../../status/find-problems.js';
export { buildChecklist, type ChecklistOptions } from './build-checklist.js';
export { buildRunRoot } from './build-run-root.js';
export {
  buildApprovalPrompt,
  approvalState,
  APPROVE_ACTION_ID,
  REJECT_ACTION_ID,
} from './build-approval-prompt.js';
export { buildRunSummary } from './build-run-summary.js';
export { buildHelp, type HelpEntry } from './build-help.js';
export { buildError, buildErrors } from './build-error.js';
export { commandLineOf, describeStatus } from './describe-run.js';
export { formatClock, formatDuration } from '../../util/format-time.js';
