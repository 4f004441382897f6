/** OpenAPI paths of this part of the API (spread into document.ts). */
export const outputPaths = {} as const;

export const outputSchemas = {} as const;
