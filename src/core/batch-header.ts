// The batch header is part of the HTTP contract: its one definition is in ./protocol/batch-header.ts.
// This module stays so that existing imports keep working; new code imports ./protocol.
export type { BatchHeader } from "./protocol/batch-header";
