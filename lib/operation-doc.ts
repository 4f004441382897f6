/** One endpoint of the API reference, as the /apidocs page shows it. */
export interface OperationDoc {
  method: string;
  path: string;
  summary: string;
  description?: string;
  parameters: {
    name: string;
    in: string;
    required?: boolean;
    description?: string;
    type?: string;
  }[];
  requestExample?: string;
  responses: { status: string; description: string }[];
  public: boolean;
}
