// The domain: people, their enrolled photos, and who a face is.
export { Gallery, type GalleryOptions } from './gallery.js';
export { analyzeOptionsFor, type DetectionOverrides, type DetectionSettings } from './analysis.js';
export { isTooSmall } from './search.js';
export { GalleryLookups, GalleryReader } from './reader.js';
export { codedErrorOf, DataDirError, GalleryError, fromCoreError, type GalleryErrorCode } from './errors.js';
export { cleanName, fullName, personName, MAX_NAME_LENGTH, type PersonName } from './names.js';
export { distanceToConfidence } from './confidence.js';
export { checkExtension, extensionOf, PHOTO_EXTENSIONS, VIDEO_EXTENSIONS, type Photo } from './files.js';
export * from './results.js';
