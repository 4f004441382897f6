export * from "./users";
export * from "./pipelines";
export * from "./runs";
export * from "./outputs";
export * from "./schedules";
export * from "./settings";
export * from "./audit";
export * from "./lists";
