/** C2SP signed notes, Ed25519 note keys and tlog checkpoints. */
export * from "./errors";
export * from "./key";
export * from "./signed-note";
export * from "./checkpoint";
export * from "./cosignature";
