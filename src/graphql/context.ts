// What every resolver receives: the gallery, the settings, and how to turn stored names into URLs.
import type { FileUpload } from 'graphql-upload/processRequest.mjs';
import type { Config } from '../config.js';
import type { Gallery } from '../gallery.js';
import type { PersonRow } from '../store/people.js';

/** The value of an `Upload` argument: graphql-upload resolves it once the file part starts streaming. */
export type UploadArg = Promise<FileUpload>;

export interface PersonConnectionModel {
  nodes: PersonRow[];
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

export interface GraphQLContext {
  gallery: Gallery;
  config: Config;
}

/** Where a stored photo is served. URLs are root-relative so they work behind any host name or proxy. */
export const imageUrl = (fileName: string): string => `/images/${fileName}`;

/** The picture shown for MULTIPLE_KNOWN_FACES (a drawing of several faces, no real person). */
export const PLACEHOLDER_URL = '/assets/multiple-faces.svg';
