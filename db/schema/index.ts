export * from "./users";
export * from "./pipelines";
export * from "./runs";
