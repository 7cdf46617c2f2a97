export { InstrumentError, parseInstrument } from "./parse";
export * from "./schema";
export { itemsWithGroups, treeNodes, walkTree, type TreeNode } from "./tree";
export { INSTRUMENT_ISSUE_KEYS, type InstrumentIssue, type InstrumentIssueKey, type IssueParams } from "./issues";
export { scaleFor, validateInstrument } from "./validate";
export { sameWeight, WEIGHT_TOLERANCE, weightText, weightValue } from "./weights";
