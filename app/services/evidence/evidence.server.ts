/**
 * The evidence feature's entry point for routes, imports and tests: every change checks the actor's
 * fill permission and the item's editability itself (access.server.ts); the download checks read access.
 */
export { EvidenceError, type AddedEvidence, type EvidenceNotice, type EvidenceView } from "./rules";
export { DEFAULT_EVIDENCE_MAX_BYTES, evidenceMaxBytes, listEvidence, MAX_FILES_PER_UPLOAD } from "./store.server";
export { type EvidenceUpload, readEvidencePost } from "./upload.server";
export type { EvidenceOptions } from "./access.server";
export { addFileEvidence, addFileEvidences, addLinkEvidence, addLinkEvidenceIn, addStagedEvidences, linkEvidence } from "./add.server";
export { attachEvidence, detachEvidence, removeEvidence } from "./links.server";
export { type EvidenceFile, evidenceFileResponse, getEvidenceFile } from "./download.server";
