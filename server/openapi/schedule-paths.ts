/** OpenAPI paths of this part of the API (spread into document.ts). */
export const schedulePaths = {} as const;

export const scheduleSchemas = {} as const;
