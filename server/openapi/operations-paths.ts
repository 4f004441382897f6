/** OpenAPI paths of this part of the API (spread into document.ts). */
export const operationsPaths = {} as const;

export const operationsSchemas = {} as const;
