export { InstrumentError, parseInstrument } from "./parse";
export * from "./schema";
export { itemsWithGroups, treeNodes, walkTree, type TreeNode } from "./tree";
export { scaleFor, validateInstrument, type InstrumentIssue } from "./validate";
export { sameWeight, WEIGHT_TOLERANCE, weightText, weightValue } from "./weights";
