/** An OpenAPI response of the problem+json kind every error of the API uses. */
export const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});
