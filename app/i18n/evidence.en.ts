import type { EvidenceKey } from "./evidence.id";

/** Evidence strings in English (merged into en.ts). */
export const evidenceEn: Record<EvidenceKey, string> = {
  "evidence.title": "Evidence",
  "evidence.hints": "Evidence the instrument expects",
  "evidence.none": "No evidence for this item yet.",
  "evidence.linkKind": "Link",
  "evidence.dated": "Document date {date}",
  "evidence.uploadedBy": "Uploaded by {name}, {date}",
  "evidence.alsoIn": "Also supports {count} other items",
  "evidence.upload": "Upload files",
  "evidence.files": "Files (several allowed)",
  "evidence.limits":
    "Max. {max} per file. Accepted: PDF, images (PNG, JPEG, GIF, WebP), Word/Excel/PowerPoint, OpenDocument, text/CSV (UTF-8).",
  "evidence.date": "Document date (optional)",
  "evidence.addLink": "Add a link",
  "evidence.url": "Link address (http/https)",
  "evidence.linkName": "Link name",
  "evidence.attach": "Attach existing evidence",
  "evidence.attachChoose": "Choose evidence from another item",
  "evidence.attachSubmit": "Attach",
  "evidence.detach": "Remove from this item",
  "evidence.saving": "Saving…",
  "evidence.fileRequired": "Choose at least one file.",
  "evidence.tooMany": "At most {max} files per upload.",
  "evidence.empty": 'File "{name}" is empty (0 bytes) and was not saved.',
  "evidence.tooLarge": 'File "{name}" exceeds the size limit of {max}.',
  "evidence.storageFull":
    'File "{name}" was not stored: the evidence storage is full. Your answers are still saved; try the upload again later or contact the administrator.',
  "evidence.requestTooLarge": "The upload is too large. The limit is {max} per file; upload large files one at a time.",
  "evidence.markup":
    'File "{name}" was refused: HTML, SVG and XML documents can carry scripts and are not accepted as evidence. Save it as PDF and upload again.',
  "evidence.executable": 'File "{name}" was refused: programs and scripts are not accepted as evidence.',
  "evidence.macro":
    'File "{name}" was refused: documents with macros are not accepted. Save it without macros (.docx, .xlsx, .pptx) or as PDF.',
  "evidence.unknownType":
    'File "{name}" was refused: its type is not recognised. Accepted: PDF, images (PNG, JPEG, GIF, WebP), Word/Excel/PowerPoint, OpenDocument, text/CSV (UTF-8).',
  "evidence.extensionMismatch":
    'File "{name}" contains {type} but its name ends in .{ext}. Correct the file name\'s ending and upload again.',
  "evidence.invalidDate": "The document date is not valid (format YYYY-MM-DD).",
  "evidence.linkInvalid": "The link is not valid. Use a full address starting with http:// or https://.",
  "evidence.linkScheme": "Only http:// or https:// links are accepted.",
  "evidence.linkCredentials": "A link must not contain a user name or password.",
  "evidence.linkTooLong": "The link is too long (max. 2,000 characters).",
  "evidence.unknownItem": "This item does not exist in the assessment's instrument.",
  "evidence.notFound": "This evidence was not found in this assessment.",
  "evidence.alreadyAttached": "“{file}”: this file is already attached to this item as “{name}”; it was not added again.",
  "evidence.linkAlreadyAttached": "This link is already attached to this item as “{name}”; it was not added again.",
  "evidence.reused":
    "“{file}”: this file is already in this assessment as “{name}” (item {items}); it is now attached to this item too, without a second copy.",
  "evidence.linkReused":
    "This link is already in this assessment as “{name}” (item {items}); it is now attached to this item too, without a second copy.",
  "evidence.duplicateInUpload": "“{name}” has the same content as another file chosen in this upload; it is stored once.",
};
